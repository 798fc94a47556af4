/**
 * The pull-through behaviour (issue 3, items 2–4; design.md "Storage"), through the worker with
 * the real KV binding and a FakeOrigin, with the Cache API on and off. The clock is moved, never
 * waited for. `X-Edge-Cost` values are exact: the Cache API rows depend on whether this
 * runtime's Cache API keeps entries (workerd's local one does), which is probed first.
 */
import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import type { BuiltImage } from '../../scripts/lib/ociLayout';
import { manifestKey, tagKey } from '../../src/store/keys';
import { ManifestStore } from '../../src/store/ManifestStore';
import { bytesOf, errorOf } from '../helpers/worker';
import { ACCEPT_ALL, cacheApiWorks, edgeCost, pullThroughHarness, REGISTRY, T0, twoVersions, type Harness } from './pullThroughHarness';

const STALE = '110 - "Response is Stale"';
const STALE_FAILED = '110 - "Response is Stale", 111 - "Revalidation Failed"';

let v1: BuiltImage;
let v2: BuiltImage;
let edgeWorks: boolean;

beforeAll(async () => {
  ({ v1, v2 } = await twoVersions());
  edgeWorks = await cacheApiWorks();
});

function child(image: BuiltImage, architecture: string): string {
  return image.children.find((c) => c.platform.architecture === architecture)!.manifest.digest;
}

describe.each([
  ['on', true],
  ['off', false],
] as const)('pull-through with the Cache API %s', (_, edgeCache) => {
  /** A Cache API hit where it is on and works, else the KV read it saves. */
  const hitCost = (hits: number, otherReads = 0) =>
    edgeCache && edgeWorks ? { cacheHits: hits, kvReads: otherReads } : { kvReads: hits + otherReads };

  function harness(): Harness {
    const h = pullThroughHarness({ edgeCache });
    h.origin.push(h.repository, '1.0', v1);
    return h;
  }
  const getTag = (h: Harness, query = '', headers: Record<string, string> = { Accept: ACCEPT_ALL }) =>
    h.call(`GET /v2/${h.name}/manifests/1.0${query}`, { headers });

  describe('miss → fill → hit', () => {
    it('fills a cold tag from the origin once, then serves it from the cache within TAG_TTL', async () => {
      const h = harness();
      const first = await getTag(h);
      expect(first.status).toBe(200);
      expect(await bytesOf(first)).toEqual(v1.index.bytes);
      expect(first.headers.get('Docker-Content-Digest')).toBe(v1.index.digest);
      expect(first.headers.get('X-Cache-Status')).toBe('miss');
      expect(first.headers.get('Age')).toBe('0');
      expect(first.headers.get('Warning')).toBeNull();
      // KV: the tag, then the negative cache; writes: the tag and the index by digest.
      expect(first.headers.get('X-Edge-Cost')).toBe(edgeCost({ kvReads: 2, kvWrites: 2, upstream: 1 }));

      for (let i = 1; i <= 5; i++) {
        h.advance(5);
        const again = await getTag(h);
        expect(again.status).toBe(200);
        expect(await bytesOf(again)).toEqual(v1.index.bytes);
        expect(again.headers.get('X-Cache-Status')).toBe('hit');
        expect(again.headers.get('Age')).toBe(String(5 * i));
        expect(again.headers.get('X-Edge-Cost')).toBe(edgeCost(hitCost(1)));
      }
      // A tag stays in the Cache API for 30 s at most; then KV answers (and the Cache API keeps it again).
      h.advance(5);
      const later = await getTag(h);
      expect(later.headers.get('X-Cache-Status')).toBe('hit');
      expect(later.headers.get('Age')).toBe('30');
      expect(later.headers.get('X-Edge-Cost')).toBe(edgeCost({ kvReads: 1 }));
      h.advance(5);
      expect((await getTag(h)).headers.get('X-Edge-Cost')).toBe(edgeCost(hitCost(1)));
      expect(h.origin.count(`GET ${h.repository}:1.0`)).toBe(1);
      expect(h.origin.count('HEAD')).toBe(0);
    });

    it('answers HEAD and If-None-Match with the cache headers too', async () => {
      const h = harness();
      const head = await h.call(`HEAD /v2/${h.name}/manifests/1.0`, { headers: { Accept: ACCEPT_ALL } });
      expect(head.status).toBe(200);
      expect(head.headers.get('X-Cache-Status')).toBe('miss');
      expect(head.headers.get('Content-Length')).toBe(String(v1.index.size));
      expect(await head.text()).toBe('');
      h.advance(7);
      const notModified = await h.call(`GET /v2/${h.name}/manifests/1.0`, {
        headers: { Accept: ACCEPT_ALL, 'If-None-Match': `"${v1.index.digest}"` },
      });
      expect(notModified.status).toBe(304);
      expect(notModified.headers.get('X-Cache-Status')).toBe('hit');
      expect(notModified.headers.get('Age')).toBe('7');
      expect(notModified.headers.get('X-Edge-Cost')).toBe(edgeCost(hitCost(1)));
    });

    it('stores the tag and the index by digest in KV, with the clock as storedAt', async () => {
      const h = harness();
      await getTag(h);
      const image = { registry: REGISTRY, repository: h.repository };
      const tag = await env.MANIFESTS.getWithMetadata(tagKey(image, '1.0'), 'arrayBuffer');
      expect(new Uint8Array(tag.value!)).toEqual(v1.index.bytes);
      expect(tag.metadata).toEqual({ digest: v1.index.digest, mediaType: v1.index.mediaType, storedAt: T0 });
      const byDigest = await env.MANIFESTS.get(manifestKey(image, v1.index.digest), 'arrayBuffer');
      expect(new Uint8Array(byDigest!)).toEqual(v1.index.bytes);
    });

    it("prefetches the index's image manifests by digest (not its attestations), so a platform request is a hit", async () => {
      const h = harness();
      await getTag(h);
      expect(h.origin.calls.filter((c) => c.startsWith(`GET ${h.repository}@`)).sort()).toEqual(
        v1.children.map((c) => `GET ${h.repository}@${c.manifest.digest}`).sort(),
      );
      const arm64 = await getTag(h, '?platform=linux/arm64');
      expect(arm64.status).toBe(200);
      expect(arm64.headers.get('Docker-Content-Digest')).toBe(child(v1, 'arm64'));
      expect(await bytesOf(arm64)).toEqual(v1.blobs.get(child(v1, 'arm64')));
      expect(arm64.headers.get('X-Cache-Status')).toBe('hit');
      expect(arm64.headers.get('X-Edge-Cost')).toBe(edgeCost(hitCost(2)));
      expect(h.origin.calls).toHaveLength(1 + v1.children.length);
    });

    it('sends 20 concurrent requests for a cold tag to the origin as one GET', async () => {
      const h = harness();
      const responses = await Promise.all(Array.from({ length: 20 }, () => getTag(h)));
      expect(responses.map((r) => r.status)).toEqual(Array(20).fill(200));
      expect(new Set(responses.map((r) => r.headers.get('Docker-Content-Digest')))).toEqual(new Set([v1.index.digest]));
      for (const response of responses) expect(await bytesOf(response)).toEqual(v1.index.bytes);
      expect(h.origin.count(`GET ${h.repository}:1.0`)).toBe(1);
      const upstream = responses.map((r) => Number(/upstream=(\d+)/.exec(r.headers.get('X-Edge-Cost')!)![1]));
      expect(upstream.reduce((a, b) => a + b)).toBe(1);
    });

    it('serves a by-digest miss from the origin, verified, and keeps it', async () => {
      const h = harness();
      const digest = child(v1, 'amd64');
      const first = await h.call(`GET /v2/${h.name}/manifests/${digest}`, { headers: { Accept: ACCEPT_ALL } });
      expect(first.status).toBe(200);
      expect(await bytesOf(first)).toEqual(v1.blobs.get(digest));
      expect(first.headers.get('X-Cache-Status')).toBe('miss');
      expect(first.headers.get('X-Edge-Cost')).toBe(edgeCost({ kvReads: 2, kvWrites: 1, upstream: 1 }));
      const second = await h.call(`GET /v2/${h.name}/manifests/${digest}`);
      expect(second.headers.get('X-Cache-Status')).toBe('hit');
      expect(second.headers.get('X-Edge-Cost')).toBe(edgeCost(hitCost(1)));
      expect(h.origin.calls).toEqual([`GET ${h.repository}@${digest}`]);
    });
  });

  describe('stale → served, refreshed in the background', () => {
    it('serves a stale tag marked stale, then revalidates it with a HEAD and no GET', async () => {
      const h = harness();
      await getTag(h);
      h.advance(301);
      const stale = await getTag(h);
      expect(stale.status).toBe(200);
      expect(await bytesOf(stale)).toEqual(v1.index.bytes);
      expect(stale.headers.get('X-Cache-Status')).toBe('stale');
      expect(stale.headers.get('Age')).toBe('301');
      expect(stale.headers.get('Warning')).toBe(STALE);
      // The Cache API's copy is past its 30 s, so KV answers; the refresh comes after the response.
      expect(stale.headers.get('X-Edge-Cost')).toBe(edgeCost({ kvReads: 1 }));
      expect(h.origin.count('HEAD')).toBe(1);
      expect(h.origin.count(`GET ${h.repository}:1.0`)).toBe(1);

      h.advance(1);
      const fresh = await getTag(h);
      expect(fresh.headers.get('X-Cache-Status')).toBe('hit');
      expect(fresh.headers.get('Age')).toBe('1');
      expect(fresh.headers.get('Warning')).toBeNull();
      const stored = await env.MANIFESTS.getWithMetadata(tagKey({ registry: REGISTRY, repository: h.repository }, '1.0'), 'arrayBuffer');
      expect(stored.metadata).toEqual({ digest: v1.index.digest, mediaType: v1.index.mediaType, storedAt: T0 + 301_000 });
      expect(h.origin.count('HEAD')).toBe(1);
      expect(h.origin.count(`GET ${h.repository}:1.0`)).toBe(1);
    });

    it('picks up a tag that moved: HEAD, then GET; the next request gets the new digest', async () => {
      const h = harness();
      await getTag(h);
      h.origin.push(h.repository, '1.0', v2);
      h.advance(301);
      const stale = await getTag(h);
      expect(stale.headers.get('Docker-Content-Digest')).toBe(v1.index.digest);
      expect(stale.headers.get('X-Cache-Status')).toBe('stale');
      expect(h.origin.count('HEAD')).toBe(1);
      expect(h.origin.count(`GET ${h.repository}:1.0`)).toBe(2);

      const next = await getTag(h);
      expect(next.headers.get('Docker-Content-Digest')).toBe(v2.index.digest);
      expect(await bytesOf(next)).toEqual(v2.index.bytes);
      expect(next.headers.get('X-Cache-Status')).toBe('hit');
      // The new index's children were prefetched: arm/v7 is new, and needs no origin request.
      const armv7 = await getTag(h, '?platform=linux/arm/v7');
      expect(armv7.headers.get('Docker-Content-Digest')).toBe(child(v2, 'arm'));
      expect(armv7.headers.get('X-Edge-Cost')).toMatch(/upstream=0;/);
    });

    it('serves the stale copy while the origin is down, and says the revalidation failed', async () => {
      const h = harness();
      await getTag(h);
      h.origin.fault = 'unavailable';
      h.advance(301);
      const first = await getTag(h);
      expect(first.status).toBe(200);
      expect(await bytesOf(first)).toEqual(v1.index.bytes);
      expect(first.headers.get('X-Cache-Status')).toBe('stale');
      expect(first.headers.get('Warning')).toBe(STALE);
      const second = await getTag(h);
      expect(second.status).toBe(200);
      expect(second.headers.get('X-Cache-Status')).toBe('stale');
      expect(second.headers.get('Warning')).toBe(STALE_FAILED);
      expect(h.origin.count('HEAD')).toBe(2);

      h.origin.fault = null;
      await getTag(h); // stale still; this refresh succeeds
      const back = await getTag(h);
      expect(back.headers.get('X-Cache-Status')).toBe('hit');
      expect(back.headers.get('Warning')).toBeNull();
    });

    it('refreshes synchronously beyond STALE_TTL: revalidated with a HEAD', async () => {
      const h = harness();
      await getTag(h);
      h.advance(3600);
      const response = await getTag(h);
      expect(response.status).toBe(200);
      expect(response.headers.get('X-Cache-Status')).toBe('revalidated');
      expect(response.headers.get('Age')).toBe('0');
      // The tag, then the check for a write within the last second, then the re-stamp.
      expect(response.headers.get('X-Edge-Cost')).toBe(edgeCost({ kvReads: 2, kvWrites: 1, upstream: 1 }));
      expect(h.origin.count('HEAD')).toBe(1);
      expect(h.origin.count(`GET ${h.repository}:1.0`)).toBe(1);
    });

    it('beyond STALE_TTL with the origin down, answers 503 rather than a copy that old', async () => {
      const h = harness();
      await getTag(h);
      h.origin.fault = 'unavailable';
      h.advance(3600);
      const response = await getTag(h);
      expect(response.status).toBe(503);
      expect(response.headers.get('Content-Type')).toBe('application/json');
      const error = await errorOf(response);
      expect(error.code).toBe('UNAVAILABLE');
      expect(error.message).toBe(
        `${h.name}:1.0 was cached 3600 s ago, beyond STALE_TTL (3600 s), and could not be revalidated: upstream ${REGISTRY} failed with 503`,
      );
    });
  });

  describe('origin failures with nothing cached', () => {
    it.each([
      ['unavailable', `upstream ${REGISTRY} failed with 503`],
      ['timeout', `upstream ${REGISTRY} unreachable: no response within 10000 ms`],
    ] as const)('%s → 503 UNAVAILABLE with a clear message', async (fault, reason) => {
      const h = harness();
      h.origin.fault = fault;
      const response = await getTag(h);
      expect(response.status).toBe(503);
      expect(response.headers.get('Content-Type')).toBe('application/json');
      const error = await errorOf(response);
      expect(error).toEqual({ code: 'UNAVAILABLE', message: `${h.name}:1.0 is not cached: ${reason}`, detail: fault === 'unavailable' ? { upstreamStatus: 503 } : null });
      expect(response.headers.get('X-Edge-Cost')).toBe(edgeCost({ kvReads: 2, upstream: 1 }));
    });

    it('429 → TOOMANYREQUESTS with Retry-After, and the origin is not asked again before it passes', async () => {
      const h = harness();
      h.origin.fault = 'rate-limited';
      const first = await getTag(h);
      expect(first.status).toBe(429);
      expect(first.headers.get('Retry-After')).toBe('30');
      expect((await errorOf(first)).code).toBe('TOOMANYREQUESTS');

      h.advance(10);
      const waiting = await getTag(h);
      expect(waiting.status).toBe(429);
      expect(waiting.headers.get('Retry-After')).toBe('20');
      expect(await errorOf(waiting)).toEqual({
        code: 'TOOMANYREQUESTS',
        message: `${h.name}:1.0 is not cached: upstream ${REGISTRY} is rate limiting requests; retry after 20 s`,
        detail: { retryAfter: 20 },
      });
      expect(h.origin.calls).toHaveLength(1);

      h.origin.fault = null;
      h.advance(20);
      const after = await getTag(h);
      expect(after.status).toBe(200);
      expect(after.headers.get('X-Cache-Status')).toBe('miss');
      expect(h.origin.count(`GET ${h.repository}:1.0`)).toBe(2);
    });

    it('a 429 while stale: served stale, and no further HEAD until Retry-After passes', async () => {
      const h = harness();
      await getTag(h);
      h.origin.fault = 'rate-limited';
      h.advance(301);
      expect((await getTag(h)).headers.get('Warning')).toBe(STALE);
      h.advance(10);
      const waiting = await getTag(h);
      expect(waiting.status).toBe(200);
      expect(waiting.headers.get('Warning')).toBe(STALE_FAILED);
      expect(h.origin.count('HEAD')).toBe(1);
      h.origin.fault = null;
      h.advance(20);
      await getTag(h);
      expect(h.origin.count('HEAD')).toBe(2);
      expect((await getTag(h)).headers.get('X-Cache-Status')).toBe('hit');
    });
  });

  describe('verification', () => {
    it('refuses a by-digest manifest whose bytes do not match: 502, and nothing stored', async () => {
      const h = harness();
      const digest = child(v1, 'arm64');
      h.origin.fault = 'wrong-bytes';
      const response = await h.call(`GET /v2/${h.name}/manifests/${digest}`);
      expect(response.status).toBe(502);
      const error = await errorOf(response);
      expect(error.code).toBe('BAD_GATEWAY');
      expect(error.message).toBe(
        `${h.name}@${digest} is not cached: the origin registry's manifest for ${h.name}@${digest} does not match digest ${digest}; it was not stored`,
      );
      expect(await env.MANIFESTS.get(manifestKey({ registry: REGISTRY, repository: h.repository }, digest))).toBeNull();
      h.origin.fault = null;
      const retry = await h.call(`GET /v2/${h.name}/manifests/${digest}`);
      expect(retry.status).toBe(200);
      expect(retry.headers.get('X-Cache-Status')).toBe('miss');
    });

    it('refuses a tag whose bytes do not match what the origin said: 502, and nothing stored', async () => {
      const h = harness();
      h.origin.fault = 'wrong-bytes';
      const response = await getTag(h);
      expect(response.status).toBe(502);
      expect((await errorOf(response)).code).toBe('BAD_GATEWAY');
      expect(await env.MANIFESTS.get(tagKey({ registry: REGISTRY, repository: h.repository }, '1.0'))).toBeNull();
      expect(await env.MANIFESTS.get(manifestKey({ registry: REGISTRY, repository: h.repository }, v1.index.digest))).toBeNull();
    });
  });

  describe('negative cache', () => {
    it('remembers an origin 404 for NEGATIVE_TTL, in this isolate and in KV for the others', async () => {
      const h = harness();
      const missing = () => h.call(`GET /v2/${h.name}/manifests/nope`);
      const first = await missing();
      expect(first.status).toBe(404);
      expect((await errorOf(first)).code).toBe('MANIFEST_UNKNOWN');
      expect(first.headers.get('X-Edge-Cost')).toBe(edgeCost({ kvReads: 2, kvWrites: 1, upstream: 1 }));

      h.advance(10);
      const second = await missing();
      expect(second.status).toBe(404);
      expect(second.headers.get('X-Edge-Cost')).toBe(edgeCost({ kvReads: 1 }));
      // Another isolate has no memory of it, but finds the KV entry (NEGATIVE_TTL 30 s < KV's 60 s minimum).
      const other = await h.otherIsolate().call(`GET /v2/${h.name}/manifests/nope`);
      expect(other.status).toBe(404);
      expect(other.headers.get('X-Edge-Cost')).toBe(edgeCost({ kvReads: 2 }));
      expect(h.origin.calls).toEqual([`GET ${h.repository}:nope`]);

      h.advance(20);
      expect((await missing()).status).toBe(404);
      expect(h.origin.calls).toEqual([`GET ${h.repository}:nope`, `GET ${h.repository}:nope`]);
    });

    it('remembers a by-digest 404 too', async () => {
      const h = harness();
      const digest = `sha256:${'e'.repeat(64)}`;
      expect((await h.call(`GET /v2/${h.name}/manifests/${digest}`)).status).toBe(404);
      expect((await h.call(`GET /v2/${h.name}/manifests/${digest}`)).status).toBe(404);
      expect(h.origin.calls).toEqual([`GET ${h.repository}@${digest}`]);
    });

    it('is off with NEGATIVE_TTL=0', async () => {
      const h = pullThroughHarness({ edgeCache, vars: { NEGATIVE_TTL: '0' } });
      await h.call(`GET /v2/${h.name}/manifests/nope`);
      await h.call(`GET /v2/${h.name}/manifests/nope`);
      expect(h.origin.calls).toHaveLength(2);
    });

    it('forgets a tag the origin removed, on refresh', async () => {
      const h = harness();
      await getTag(h);
      h.origin.untag(h.repository, '1.0');
      h.advance(3600);
      const gone = await getTag(h);
      expect(gone.status).toBe(404);
      expect(await env.MANIFESTS.get(tagKey({ registry: REGISTRY, repository: h.repository }, '1.0'))).toBeNull();
      expect(h.origin.calls.slice(-2)).toEqual([`HEAD ${h.repository}:1.0`, `GET ${h.repository}:1.0`]);
    });
  });

  describe('KV writes, at most one per second per tag', () => {
    it('skips the re-stamp when another isolate wrote the tag within the last second', async () => {
      const h = harness();
      await getTag(h);
      h.advance(301);
      const image = { registry: REGISTRY, repository: h.repository };
      // While this isolate's HEAD is out, another isolate's refresh lands in KV.
      h.origin.onCall = async (call) => {
        if (!call.startsWith('HEAD')) return;
        const metadata = { digest: v1.index.digest, mediaType: v1.index.mediaType, storedAt: h.clock.now - 400 };
        await env.MANIFESTS.put(tagKey(image, '1.0'), v1.index.bytes, { metadata });
      };
      const writesBefore = h.isolate.totals.kvWrites;
      const stale = await getTag(h);
      expect(stale.headers.get('X-Cache-Status')).toBe('stale');
      expect(h.origin.count('HEAD')).toBe(1);
      expect(h.isolate.totals.kvWrites).toBe(writesBefore);
      const stored = await env.MANIFESTS.getWithMetadata(tagKey(image, '1.0'), 'arrayBuffer');
      expect((stored.metadata as { storedAt: number }).storedAt).toBe(h.clock.now - 400);
    });
  });
});

describe('registries without an origin stay KV only', () => {
  it('answers from the store, a hit however old, and never asks an origin', async () => {
    const h = pullThroughHarness({ edgeCache: false, vars: { UPSTREAMS: '' } });
    h.origin.push(h.repository, '1.0', v1);
    const image = { registry: REGISTRY, repository: h.repository };
    await new ManifestStore(env.MANIFESTS, () => T0).putTag(image, '1.0', v1.index.bytes, v1.index.mediaType);
    h.advance(30 * 24 * 3600);
    const response = await h.call(`GET /v2/${h.name}/manifests/1.0`, { headers: { Accept: ACCEPT_ALL } });
    expect(response.status).toBe(200);
    expect(response.headers.get('X-Cache-Status')).toBe('hit');
    expect(response.headers.get('Age')).toBe(String(30 * 24 * 3600));
    expect(response.headers.get('X-Edge-Cost')).toBe(edgeCost({ kvReads: 1 }));
    expect((await h.call(`GET /v2/${h.name}/manifests/2.0`)).status).toBe(404);
    expect(h.origin.calls).toEqual([]);
  });
});

describe('GET /resolve with an origin', () => {
  it('reports the cache state of the tag', async () => {
    const h = pullThroughHarness({ edgeCache: false });
    h.origin.push(h.repository, '1.0', v1);
    const resolve = async () => ((await (await h.call(`GET /resolve/${h.name}:1.0?platform=linux/arm64`)).json()) as { cache: unknown; manifest: { digest: string } });
    const miss = await resolve();
    expect(miss.cache).toEqual({ state: 'miss', ageSeconds: 0, stale: false, storedAt: new Date(T0).toISOString() });
    expect(miss.manifest.digest).toBe(child(v1, 'arm64'));
    h.advance(301);
    expect((await resolve()).cache).toEqual({ state: 'stale', ageSeconds: 301, stale: true, storedAt: new Date(T0).toISOString() });
    h.advance(1);
    expect((await resolve()).cache).toEqual({ state: 'hit', ageSeconds: 1, stale: false, storedAt: new Date(T0 + 301_000).toISOString() });
  });
});

describe('configuration', () => {
  it('EDGE_CACHE takes on or off only, and names itself otherwise', async () => {
    const h = pullThroughHarness({ edgeCache: true, vars: { EDGE_CACHE: 'sometimes' } });
    const response = await h.call('GET /v2/');
    expect(response.status).toBe(500);
    expect((await errorOf(response)).message).toBe('invalid configuration: EDGE_CACHE: "sometimes" is neither on nor off');
    expect(response.headers.get('X-Edge-Cost')).toBe(edgeCost({}));
  });
});
