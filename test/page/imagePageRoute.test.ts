import { beforeEach, describe, expect, it } from 'vitest';
import type { BuiltImage } from '../../scripts/lib/ociLayout';
import { childDigest, seedDemo } from '../helpers/demo';
import { call } from '../helpers/worker';

let oci: BuiltImage;
beforeEach(async () => {
  ({ oci } = await seedDemo());
});

/** `sha256-<base64>` of a string, as a CSP hash source names it. */
async function cspHash(text: string): Promise<string> {
  const hash = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text)));
  return `'sha256-${btoa(String.fromCharCode(...hash))}'`;
}

/** The `data-platform` and digest (first copy button) of each table row. */
function tableRows(page: string): { platform: string; digest: string }[] {
  return [...page.matchAll(/<tr role="row" data-platform="([^"]*)">[\s\S]*?class="digest">[\s\S]*?data-copy="([^"]*)"/g)].map(([, platform, digest]) => ({
    platform: platform!,
    digest: digest!,
  }));
}

describe('GET /image/<name>:<tag>', () => {
  it('is an HTML page with a strict CSP that allows exactly its own style and script', async () => {
    const response = await call('GET /image/demo/app:1.0');
    expect(response.status).toBe(200);
    expect(response.headers.get('Content-Type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('X-Content-Type-Options')).toBe('nosniff');
    expect(response.headers.get('Referrer-Policy')).toBe('no-referrer');
    expect(response.headers.get('Cache-Control')).toBe('public, max-age=300, s-maxage=300');
    expect(response.headers.get('ETag')).toMatch(/^"[0-9a-f]{32}"$/);
    const page = await response.text();
    const style = /<style>([\s\S]*?)<\/style>/.exec(page)![1]!;
    const script = /<script>([\s\S]*?)<\/script>/.exec(page)![1]!;
    expect(response.headers.get('Content-Security-Policy')).toBe(
      `default-src 'none'; img-src 'self'; style-src ${await cspHash(style)}; script-src ${await cspHash(script)}; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`,
    );
    expect(page.match(/<script/g)).toHaveLength(1);
    expect(page).not.toMatch(/ style="/); // inline style attributes would be blocked by the CSP
  });

  it('lists the ten platforms with their child digests, in index order', async () => {
    const page = await (await call('GET /image/demo/app:1.0')).text();
    const platforms = (await (await call('GET /platforms/demo/app:1.0')).json()) as { platforms: { platform: string; digest: string }[] };
    expect(tableRows(page)).toEqual(platforms.platforms.map(({ platform, digest }) => ({ platform, digest })));
    expect(tableRows(page)).toHaveLength(10);
    expect(page).toContain(`data-copy="docker pull demo/app@${childDigest(oci, 'linux/arm/v7')}"`);
    expect(page).toContain('<td role="cell" data-label="OS version">10.0.20348.2966</td>');
  });

  it('shows each platform’s compressed size from its stored manifest', async () => {
    const page = await (await call('GET /image/demo/app:1.0')).text();
    const child = oci.children[0]!;
    const size = child.config.size + child.layer.size;
    expect(page).toContain(`<data value="${size}" title="${size} bytes, compressed">`);
  });

  it('gives snippets with the worker’s own origin', async () => {
    const page = await (await call('GET /image/demo/app:1.0', { host: 'edge.example.com' })).text();
    expect(page).toContain('(http://edge.example.com/badge/demo/app:1.0.svg)](http://edge.example.com/image/demo/app:1.0)');
    expect(page).toContain('https://img.shields.io/endpoint?url=http%3A%2F%2Fedge.example.com%2Fbadge%2Fdemo%2Fapp%3A1.0%2Fshields.json');
  });

  it('writes references the short way, whatever the URL said', async () => {
    const page = await (await call('GET /image/docker.io/demo/app:1.0')).text();
    expect(page).toContain('<h1>demo/app:1.0</h1>');
    expect(page).toContain('<code>docker.io/demo/app</code>');
  });

  it('takes an index by digest', async () => {
    const page = await (await call(`GET /image/demo/app@${oci.index.digest}`)).text();
    expect(tableRows(page)).toHaveLength(10);
    expect(page).toContain(`<h1>demo/app@${oci.index.digest}</h1>`);
  });

  it('explains a single-manifest tag', async () => {
    const response = await call('GET /image/demo/app:1.0-amd64');
    expect(response.status).toBe(200);
    const page = await response.text();
    expect(page).toContain('not a multi-platform index');
    expect(page).toContain(`data-copy="docker pull demo/app@${childDigest(oci, 'linux/amd64')}"`);
  });

  it('answers If-None-Match with the ETag by 304', async () => {
    const etag = (await call('GET /image/demo/app:1.0')).headers.get('ETag')!;
    const response = await call('GET /image/demo/app:1.0', { headers: { 'If-None-Match': etag } });
    expect(response.status).toBe(304);
    expect(await response.text()).toBe('');
  });

  it.each([
    ['/image/demo/app:9.9', 404, 'demo/app:9.9: not found', 'manifest unknown: docker.io/demo/app:9.9'],
    ['/image/Demo/App:1.0', 400, 'Demo/App:1.0: invalid reference', 'invalid repository name'],
    ['/image/demo/app@sha256:12', 400, 'demo/app@sha256:12: invalid reference', 'invalid digest'],
  ])('%s → %i HTML page', async (path, status, title, detail) => {
    const response = await call(`GET ${path}`);
    expect(response.status).toBe(status);
    expect(response.headers.get('Content-Type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('Content-Security-Policy')).toMatch(/^default-src 'none'; /);
    expect(response.headers.get('Cache-Control')).toBe('public, max-age=60, s-maxage=60');
    expect(response.headers.get('ETag')).toBeNull();
    const page = await response.text();
    expect(page).toContain(`<h1>${title}</h1>`);
    expect(page).toContain(detail);
  });

  it('escapes the reference on an error page', async () => {
    const page = await (await call('GET /image/demo/%3Cscript%3E')).text();
    expect(page).not.toContain('<script>alert');
    expect(page.match(/<script>/g)).toHaveLength(1);
  });

  it('HEAD gives the headers without a body', async () => {
    const response = await call('HEAD /image/demo/app:1.0');
    expect(response.status).toBe(200);
    expect(response.headers.get('Content-Type')).toBe('text/html; charset=utf-8');
    expect(await response.text()).toBe('');
  });
});

describe('GET /favicon.svg', () => {
  it('is the pages’ icon, from this origin, cached for a day', async () => {
    const response = await call('GET /favicon.svg');
    expect(response.status).toBe(200);
    expect(response.headers.get('Content-Type')).toBe('image/svg+xml; charset=utf-8');
    expect(response.headers.get('Cache-Control')).toBe('public, max-age=86400, s-maxage=86400');
    expect((await response.text()).startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
  });
});

describe('GET /image/<a very long reference>', () => {
  it('quotes only the start of it on the error page', async () => {
    const response = await call(`GET /image/demo/${'a'.repeat(5000)}:1.0`);
    expect(response.status).toBe(400);
    const page = await response.text();
    expect(page).toContain(`<h1>demo/${'a'.repeat(195)}…: invalid reference</h1>`);
    expect(page.length).toBeLessThan(10_000);
  });
});
