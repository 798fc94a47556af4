import { beforeEach, describe, expect, it } from 'vitest';
import { seedDemo } from '../helpers/demo';
import { call } from '../helpers/worker';
import type { Fault } from '../store/FakeOrigin';
import { pullThroughHarness, twoVersions } from '../store/pullThroughHarness';
import { shieldsSchemaProblems } from './shieldsSchema';

const DEMO_MESSAGE = 'linux amd64, arm64, arm/v7, arm/v6, 386, ppc64le, s390x, riscv64 · windows amd64';
const GOOD_CACHE = 'public, max-age=300, s-maxage=300';
const ERROR_CACHE = 'public, max-age=60, s-maxage=60';
const SVG_CSP = "default-src 'none'; style-src 'unsafe-inline'";

beforeEach(async () => {
  await seedDemo();
});

/** The badge's accessible name, `label: message`, which badge-maker writes as `aria-label`. */
async function ariaLabel(response: Response): Promise<string> {
  const match = /^<svg [^>]*aria-label="([^"]*)"/.exec(await response.text());
  if (!match) throw new Error('no aria-label on the badge');
  return match[1]!;
}

/** A badge of `team/app:1.0` on a pull-through registry whose origin fails with `fault` (nothing stored yet, unless `prime`). */
async function callFailingOrigin(suffix: string, fault: Fault, prime = false): Promise<Response> {
  const h = pullThroughHarness({ edgeCache: true });
  h.origin.push(h.repository, '1.0', (await twoVersions()).v1);
  if (prime) {
    expect((await h.call(`GET /badge/${h.name}:1.0.svg`)).status).toBe(200);
    h.advance(301); // beyond TAG_TTL: served stale while the origin is asked
  }
  h.origin.fault = fault;
  return h.call(`GET /badge/${h.name}:1.0${suffix}`);
}

describe('GET /badge/<name>:<tag>.svg', () => {
  it('draws the platforms of the tag, with caching and safety headers', async () => {
    const response = await call('GET /badge/demo/app:1.0.svg');
    expect(response.status).toBe(200);
    expect(response.headers.get('Content-Type')).toBe('image/svg+xml; charset=utf-8');
    expect(response.headers.get('Cache-Control')).toBe(GOOD_CACHE);
    expect(response.headers.get('ETag')).toMatch(/^"[0-9a-f]{32}"$/);
    expect(response.headers.get('Content-Security-Policy')).toBe(SVG_CSP);
    expect(response.headers.get('X-Content-Type-Options')).toBe('nosniff');
    expect(response.headers.get('Access-Control-Allow-Origin')).toBe('*');
    const body = await response.clone().text();
    expect(response.headers.get('Content-Length')).toBe(String(new TextEncoder().encode(body).byteLength));
    expect(await ariaLabel(response)).toBe(`platforms: ${DEMO_MESSAGE}`);
  });

  it('needs no .svg suffix, and gives the same bytes and ETag without it', async () => {
    const [a, b] = await Promise.all([call('GET /badge/demo/app:1.0.svg'), call('GET /badge/demo/app:1.0')]);
    expect(b.status).toBe(200);
    expect(b.headers.get('ETag')).toBe(a.headers.get('ETag'));
    expect(await b.text()).toBe(await a.text());
  });

  it.each([
    ['/badge/demo/app:1.0-docker.svg', `platforms: ${DEMO_MESSAGE}`],
    ['/badge/demo/app:1.0-amd64.svg', 'platforms: single platform'],
    ['/badge/docker.io/demo/app:1.0.svg', `platforms: ${DEMO_MESSAGE}`],
  ])('%s → %s', async (path, label) => {
    const response = await call(`GET ${path}`);
    expect(response.status).toBe(200);
    expect(await ariaLabel(response)).toBe(label);
  });

  it('takes an index by digest', async () => {
    const { oci } = await seedDemo();
    const response = await call(`GET /badge/demo/app@${oci.index.digest}.svg`);
    expect(response.status).toBe(200);
    expect(await ariaLabel(response)).toBe(`platforms: ${DEMO_MESSAGE}`);
  });

  it.each([
    ['?os=windows', 'platforms: windows amd64'],
    ['?os=linux', 'platforms: amd64, arm64, arm/v7, arm/v6, 386, ppc64le, s390x, riscv64'],
    ['?arch=arm', 'platforms: arm/v7, arm/v6'],
    ['?arch=arm64,riscv64', 'platforms: arm64, riscv64'],
    ['?os=freebsd', 'platforms: none'],
    ['?label=runs%20on&arch=amd64', 'runs on: linux amd64 · windows amd64'],
  ])('filters and labels: %s → %s', async (query, label) => {
    const response = await call(`GET /badge/demo/app:1.0.svg${query}`);
    expect(response.status).toBe(200);
    expect(await ariaLabel(response)).toBe(label);
  });

  it('draws each of the five styles differently', async () => {
    const bodies = await Promise.all(
      ['flat', 'flat-square', 'plastic', 'for-the-badge', 'social'].map(async (style) => {
        const response = await call(`GET /badge/demo/app:1.0.svg?style=${style}`);
        expect(response.status).toBe(200);
        return response.text();
      }),
    );
    expect(new Set(bodies).size).toBe(5);
  });

  it('paints the colours asked for', async () => {
    const body = await (await call('GET /badge/demo/app:1.0.svg?color=%23ff0000&labelColor=00ff00')).text();
    expect(body).toContain('fill="#ff0000"');
    expect(body).toContain('fill="#00ff00"');
  });

  it('escapes a hostile label', async () => {
    const label = encodeURIComponent('<script>alert("x")</script> & \'q\'');
    const response = await call(`GET /badge/demo/app:1.0.svg?label=${label}`);
    expect(response.status).toBe(200);
    const body = await response.text();
    expect(body).not.toContain('<script');
    expect(body).toContain('<title>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &apos;q&apos;: ');
  });

  describe('conditional requests', () => {
    it('answers If-None-Match with the ETag by 304, without a body', async () => {
      const etag = (await call('GET /badge/demo/app:1.0.svg')).headers.get('ETag')!;
      for (const header of [etag, `W/${etag}`, `"other", ${etag}`, '*']) {
        const response = await call('GET /badge/demo/app:1.0.svg', { headers: { 'If-None-Match': header } });
        expect(response.status).toBe(304);
        expect(response.headers.get('ETag')).toBe(etag);
        expect(response.headers.get('Cache-Control')).toBe(GOOD_CACHE);
        expect(await response.text()).toBe('');
      }
    });

    it('answers another ETag with the badge', async () => {
      const response = await call('GET /badge/demo/app:1.0.svg', { headers: { 'If-None-Match': '"stale"' } });
      expect(response.status).toBe(200);
    });

    it('gives every option its own ETag', async () => {
      const etags = await Promise.all(
        ['', '?style=social', '?label=x', '?os=linux'].map(async (q) => (await call(`GET /badge/demo/app:1.0.svg${q}`)).headers.get('ETag')),
      );
      expect(new Set(etags).size).toBe(4);
    });
  });

  describe('errors are badges', () => {
    it.each([
      ['/badge/demo/app:9.9.svg', 404, 'platforms: not found'],
      ['/badge/demo/nothing:1.0.svg', 404, 'platforms: not found'],
      ['/badge/Demo/App:1.0.svg', 400, 'platforms: invalid reference'],
      ['/badge/demo/app:-x.svg', 400, 'platforms: invalid reference'],
      ['/badge/demo/app@sha256:12.svg', 400, 'platforms: invalid reference'],
      ['/badge/demo/app:1.0.svg?style=round', 400, 'platforms: invalid style'],
      ['/badge/demo/app:1.0.svg?color=%3Cscript%3E', 400, 'platforms: invalid color'],
      ['/badge/demo/app:1.0.svg?arch=arm/v7/x', 400, 'platforms: invalid arch'],
      ['/badge/demo/app:9.9.svg?label=arch&style=flat-square', 404, 'arch: not found'],
    ])('%s → %i "%s"', async (path, status, label) => {
      const response = await call(`GET ${path}`);
      expect(response.status).toBe(status);
      expect(response.headers.get('Content-Type')).toBe('image/svg+xml; charset=utf-8');
      expect(response.headers.get('Cache-Control')).toBe(ERROR_CACHE);
      expect(response.headers.get('ETag')).toBeNull();
      expect(await ariaLabel(response)).toBe(label);
    });

    it('not found is grey', async () => {
      const body = await (await call('GET /badge/demo/app:9.9.svg?color=green')).text();
      expect(body).toContain('fill="#939393"'); // badge-maker's lightgrey, whatever colour was asked for
    });

    it('ignores If-None-Match on an error', async () => {
      const response = await call('GET /badge/demo/app:9.9.svg', { headers: { 'If-None-Match': '*' } });
      expect(response.status).toBe(404);
    });

    it.each(['unavailable', 'wrong-bytes', 'rate-limited'] as const)(
      'an origin failing (%s) and nothing stored → 503 "unavailable"',
      async (fault) => {
        const response = await callFailingOrigin('.svg', fault);
        expect(response.status).toBe(503);
        expect(response.headers.get('Cache-Control')).toBe(ERROR_CACHE);
        expect(await ariaLabel(response)).toBe('platforms: unavailable');
      },
    );

    it('a stale answer the store serves while the origin fails is an ordinary badge', async () => {
      const response = await callFailingOrigin('.svg', 'unavailable', true);
      expect(response.status).toBe(200);
      expect(await ariaLabel(response)).toBe('platforms: amd64, arm64');
    });
  });

  it('HEAD gives the headers without a body; other methods are 405', async () => {
    const head = await call('HEAD /badge/demo/app:1.0.svg');
    expect(head.status).toBe(200);
    expect(head.headers.get('Content-Type')).toBe('image/svg+xml; charset=utf-8');
    expect(await head.text()).toBe('');
    const post = await call('POST /badge/demo/app:1.0.svg');
    expect(post.status).toBe(405);
  });
});

describe('GET /badge/<name>:<tag>/shields.json', () => {
  it('answers the shields.io endpoint schema, exactly', async () => {
    const response = await call('GET /badge/demo/app:1.0/shields.json');
    expect(response.status).toBe(200);
    expect(response.headers.get('Content-Type')).toBe('application/json; charset=utf-8');
    expect(response.headers.get('Cache-Control')).toBe(GOOD_CACHE);
    expect(response.headers.get('ETag')).toMatch(/^"[0-9a-f]{32}"$/);
    expect(response.headers.get('Access-Control-Allow-Origin')).toBe('*');
    const json = await response.json();
    expect(json).toStrictEqual({ schemaVersion: 1, label: 'platforms', message: DEMO_MESSAGE, color: 'blue', cacheSeconds: 300 });
    expect(shieldsSchemaProblems(json)).toEqual([]);
  });

  it('takes the same options', async () => {
    const json = await (await call('GET /badge/demo/app:1.0/shields.json?style=for-the-badge&label=arch&color=green&labelColor=black&arch=arm')).json();
    expect(json).toStrictEqual({
      schemaVersion: 1, label: 'arch', message: 'arm/v7, arm/v6', color: 'green', labelColor: 'black', style: 'for-the-badge', cacheSeconds: 300,
    });
    expect(shieldsSchemaProblems(json)).toEqual([]);
  });

  it.each([
    ['/badge/demo/app:9.9/shields.json', 404, 'not found', 'lightgrey'],
    ['/badge/Demo/App:1.0/shields.json', 400, 'invalid reference', 'red'],
    ['/badge/demo/app:1.0/shields.json?style=round', 400, 'invalid style', 'red'],
  ])('%s → %i with isError', async (path, status, message, color) => {
    const response = await call(`GET ${path}`);
    expect(response.status).toBe(status);
    expect(response.headers.get('Cache-Control')).toBe(ERROR_CACHE);
    const json = await response.json();
    expect(json).toStrictEqual({ schemaVersion: 1, label: 'platforms', message, color, isError: true, cacheSeconds: 300 });
    expect(shieldsSchemaProblems(json)).toEqual([]);
  });

  it('an origin failing → 503 with isError', async () => {
    const response = await callFailingOrigin('/shields.json', 'unavailable');
    expect(response.status).toBe(503);
    expect(await response.json()).toStrictEqual({
      schemaVersion: 1, label: 'platforms', message: 'unavailable', color: 'lightgrey', isError: true, cacheSeconds: 300,
    });
  });

  it('answers If-None-Match by 304', async () => {
    const etag = (await call('GET /badge/demo/app:1.0/shields.json')).headers.get('ETag')!;
    const response = await call('GET /badge/demo/app:1.0/shields.json', { headers: { 'If-None-Match': etag } });
    expect(response.status).toBe(304);
    expect(response.headers.get('ETag')).toBe(etag);
  });
});
