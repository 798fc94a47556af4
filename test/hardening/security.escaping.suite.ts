/**
 * Badges and the image page with hostile data (docs/security.md, "Browsers: badges and the image
 * page"): every user-controlled string — the `label`, `color` and filter query options, and the os,
 * architecture, variant and os.version an index states — comes out escaped, under a restrictive
 * Content-Security-Policy and `X-Content-Type-Options: nosniff`, on answers and errors alike.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sha256Digest } from '../../src/oci/digest';
import { seedDemo } from '../helpers/demo';
import { TEST_VARS } from '../helpers/worker';
import { encode, hostileString, NASTY_STRINGS, wellFormed } from './arbitraries';
import { checkProperty } from './cases';
import { dispatch, expectSpecAnswer } from './exchange';
import { imageManifest, indexOf } from './manifestArbitraries';
import { expectNoInjectedMarkup } from './markup';

const SUITE = 'escaping';
const TIMEOUT = 120_000;
const admin = { Authorization: `Bearer ${TEST_VARS.ADMIN_TOKEN}` };
const decoder = new TextDecoder();

async function get(path: string) {
  const exchange = await dispatch(new Request(`http://registry.test${path}`));
  await expectSpecAnswer(exchange);
  return { ...exchange, text: decoder.decode(exchange.body) };
}

/** Markup that would run or load something if it reached a page unescaped. */
const INJECTIONS = [
  '<script>alert(1)</script>',
  '"><img src=x onerror=alert(1)>',
  "'><svg onload=alert(1)>",
  '</text><script>alert(1)</script>',
  ']]><script>alert(1)</script>',
  '<a href="javascript:alert(1)">x</a>',
  '<foreignObject><iframe src=//evil.example></iframe></foreignObject>',
  '" style="x:expression(alert(1))',
] as const;

const injection = fc.oneof(fc.constantFrom(...INJECTIONS), fc.tuple(hostileString, fc.constantFrom(...INJECTIONS), hostileString).map((parts) => parts.join('')));

describe('the badge query options', () => {
  it('come out escaped in the SVG and exact in the shields.io JSON, or are refused as an error badge', async () => {
    await seedDemo();
    const options = fc.record({ label: injection, color: fc.oneof(injection, fc.constantFrom('red', '#fff')), os: injection, arch: injection, style: fc.oneof(injection, fc.constant('flat')) }, { requiredKeys: ['label'] });
    await checkProperty(SUITE, fc.asyncProperty(options, async (o) => {
      const query = Object.entries(o).map(([k, v]) => `${k}=${encode(v)}`).join('&');
      const svg = await get(`/badge/demo/app:1.0.svg?${query}`);
      expect(svg.response.headers.get('Content-Type')).toBe('image/svg+xml; charset=utf-8');
      expectNoInjectedMarkup(svg.text, 'svg', Object.values(o));
      const json = await get(`/badge/demo/app:1.0/shields.json?${query}`);
      const body = JSON.parse(json.text) as { label: string };
      // The label as sent: `encode` puts a lone surrogate into the URL as U+FFFD, the only way
      // a URL can carry one, so that is the exact label the worker receives and must repeat.
      if (json.response.status === 200) expect(body.label).toBe(wellFormed(o.label));
    }), 300);
  }, TIMEOUT);
});

describe('platform strings an index states', () => {
  it('come out escaped in the badge, the page and its error pages', async () => {
    const platform = fc.record({ os: injection, architecture: injection, variant: injection, 'os.version': injection }, { requiredKeys: ['os', 'architecture'] });
    let n = 0;
    await checkProperty(SUITE, fc.asyncProperty(fc.array(platform, { minLength: 1, maxLength: 3 }), async (platforms) => {
      const name = `escape/page-${++n}`;
      const child = imageManifest(name);
      const digest = await sha256Digest(child);
      await dispatch(new Request(`http://registry.test/admin/manifests/${name}@${digest}`, { method: 'PUT', headers: admin, body: child }));
      const put = await dispatch(new Request(`http://registry.test/admin/tags/${name}:1`, { method: 'PUT', headers: admin, body: indexOf(platforms.map((p) => ({ digest, size: child.byteLength, platform: p }))) }));
      expect(put.response.status).toBe(201);
      const injected = platforms.flatMap((p) => Object.values(p));
      for (const path of [`/badge/${name}:1.svg`, `/badge/${name}:1.svg?style=for-the-badge`, `/image/${name}:1`, `/image/${name}:2`]) {
        const answer = await get(path);
        expectNoInjectedMarkup(answer.text, path.startsWith('/image/') ? 'html' : 'svg', injected);
      }
    }), 100);
  }, TIMEOUT);

  it('an error page quotes a hostile reference escaped', async () => {
    for (const nasty of [...INJECTIONS, ...NASTY_STRINGS.filter((s) => /[<>"']/.test(s))]) {
      const page = await get(`/image/demo/app:${encode(nasty)}`);
      expect(page.response.status).toBe(400);
      expectNoInjectedMarkup(page.text, 'html', [nasty]);
    }
  });
});

describe('security headers', () => {
  const PAGES = ['/image/demo/app:1.0', '/image/demo/nope:1', '/image/Bad:1'];
  const BADGES = ['/badge/demo/app:1.0.svg', '/badge/demo/nope:1.svg', '/badge/demo/app:1.0.svg?style=bad', '/badge/Bad:1.svg'];

  it.each(PAGES)('%s: a CSP that allows only its own style and script by hash, no framing, nosniff, no referrer', async (path) => {
    await seedDemo();
    const { response, text } = await get(path);
    const csp = response.headers.get('Content-Security-Policy') ?? '';
    const directives = Object.fromEntries(csp.split(';').map((d) => d.trim().split(/\s+/)).map(([name, ...values]) => [name, values]));
    expect(directives['default-src']).toEqual(["'none'"]);
    expect(directives['script-src']).toHaveLength(1);
    expect(directives['script-src']![0]).toMatch(/^'sha256-[A-Za-z0-9+/]{43}='$/);
    expect(directives['style-src']![0]).toMatch(/^'sha256-/);
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|\*|data:|http:/);
    expect(directives['frame-ancestors']).toEqual(["'none'"]);
    expect(directives['base-uri']).toEqual(["'none'"]);
    expect(directives['form-action']).toEqual(["'none'"]);
    expect(response.headers.get('X-Content-Type-Options')).toBe('nosniff');
    expect(response.headers.get('Referrer-Policy')).toBe('no-referrer');
    // The one inline script is the one the hash allows.
    const script = /<script>([\s\S]*?)<\/script>/.exec(text)![1]!;
    const hash = btoa(String.fromCharCode(...new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(script)))));
    expect(directives['script-src']).toEqual([`'sha256-${hash}'`]);
  });

  it.each(BADGES)('%s: a CSP that lets the SVG load and run nothing, and nosniff', async (path) => {
    await seedDemo();
    const { response } = await get(path);
    expect(response.headers.get('Content-Security-Policy')).toBe("default-src 'none'; style-src 'unsafe-inline'");
    expect(response.headers.get('X-Content-Type-Options')).toBe('nosniff');
    expect(response.headers.get('Content-Type')).toBe('image/svg+xml; charset=utf-8');
  });

  it.each(['/badge/demo/app:1.0/shields.json', '/v2/', '/resolve/demo/app:1.0', '/platforms/demo/app:1.0', '/v2/demo/nope/manifests/1'])('%s: nosniff on JSON', async (path) => {
    await seedDemo();
    const { response } = await get(path);
    expect(response.headers.get('X-Content-Type-Options')).toBe('nosniff');
  });
});
