/**
 * The pull-through behaviour (docs/architecture.md, "The storage model"), through the worker with
 * the real KV binding and a FakeOrigin, with the Cache API on and off. The clock is moved, never
 * waited for. `X-Edge-Cost` values are exact: the Cache API rows depend on whether this
 * runtime's Cache API keeps entries (workerd's local one does), which is probed first.
 */
import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import type { BuiltImage } from '../../scripts/lib/ociLayout';
import { manifestKey, tagKey } from '../../src/store/keys';
import { ManifestStore } from '../../src/store/ManifestStore';
import { verified } from '../helpers/demo';
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
  const hitCost = (hits: number) => (edgeCache && edgeWorks ? { cacheHits: hits } : { kvReads: hits });

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
      // KV: the tag (the negative cache is memory and the Cache API); writes: the index by digest and the tag.
      expect(first.headers.get('X-Edge-Cost')).toBe(edgeCost({ kvReads: 1, kvWrites: 2, upstream: 1 }));

      // Within TAG_TTL this isolate answers from memory: no I/O at all.
      for (const seconds of [5, 60, 299]) {
        h.clock.now = T0 + seconds * 1000;
        const again = await getTag(h);
        expect(again.status).toBe(200);
        expect(await bytesOf(again)).toEqual(v1.index.bytes);
        expect(again.headers.get('X-Cache-Status')).toBe('hit');
        expect(again.headers.get('Age')).toBe(String(seconds));
        expect(again.headers.get('X-Edge-Cost')).toBe(edgeCost({}));
      }
      // Another isolate of the data centre: the Cache API answers (with it off, KV).
      const other = await getTag(h.otherIsolate());
      expect(other.headers.get('X-Cache-Status')).toBe('hit');
      expect(other.headers.get('Age')).toBe('299');
      expect(other.headers.get('X-Edge-Cost')).toBe(edgeCost(hitCost(1)));
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
      expect(notModified.headers.get('X-Edge-Cost')).toBe(edgeCost({}));
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
      expect(arm64.headers.get('X-Edge-Cost')).toBe(edgeCost({}));
      // Another isolate finds both the tag and the child in the Cache API (with it off, in KV).
      const elsewhere = await getTag(h.otherIsolate(), '?platform=linux/arm64');
      expect(elsewhere.headers.get('Docker-Content-Digest')).toBe(child(v1, 'arm64'));
      expect(elsewhere.headers.get('X-Edge-Cost')).toBe(edgeCost(hitCost(2)));
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
      expect(first.headers.get('X-Edge-Cost')).toBe(edgeCost({ kvReads: 1, kvWrites: 1, upstream: 1 }));
      const second = await h.call(`GET /v2/${h.name}/manifests/${digest}`);
      expect(second.headers.get('X-Cache-Status')).toBe('hit');
      expect(second.headers.get('X-Edge-Cost')).toBe(edgeCost({}));
      const other = await h.otherIsolate().call(`GET /v2/${h.name}/manifests/${digest}`);
      expect(other.headers.get('X-Edge-Cost')).toBe(edgeCost(hitCost(1)));
      expect(h.origin.calls).toEqual([`GET ${h.repository}@${digest}`]);
    });
  });

  describe('stale → served, refreshed in the background', () => {
    it('serves a stale tag marked stale, then revalidates it with a HEAD, no GET and no KV write', async () => {
      const h = harness();
      await getTag(h);
      h.advance(301);
      const stale = await getTag(h);
      expect(stale.status).toBe(200);
      expect(await bytesOf(stale)).toEqual(v1.index.bytes);
      expect(stale.headers.get('X-Cache-Status')).toBe('stale');
      expect(stale.headers.get('Age')).toBe('301');
      expect(stale.headers.get('Warning')).toBe(STALE);
      // Memory answers; the refresh comes after the response.
      expect(stale.headers.get('X-Edge-Cost')).toBe(edgeCost({}));
      expect(h.origin.count('HEAD')).toBe(1);
      expect(h.origin.count(`GET ${h.repository}:1.0`)).toBe(1);

      h.advance(1);
      const fresh = await getTag(h);
      expect(fresh.headers.get('X-Cache-Status')).toBe('hit');
      expect(fresh.headers.get('Age')).toBe('1');
      expect(fresh.headers.get('Warning')).toBeNull();
      // The confirmation is this data centre's: KV still has the content as first stored.
      const stored = await env.MANIFESTS.getWithMetadata(tagKey({ registry: REGISTRY, repository: h.repository }, '1.0'), 'arrayBuffer');
      expect(stored.metadata).toEqual({ digest: v1.index.digest, mediaType: v1.index.mediaType, storedAt: T0 });
      // Written once: the index by digest, the tag and the two prefetched children.
      expect(h.isolate.totals.kvWrites).toBe(2 + v1.children.length);
      // Another isolate of the data centre takes the confirmation from the Cache API (with it off, it reads KV and finds the tag stale).
      const other = await getTag(h.otherIsolate());
      expect(other.headers.get('X-Cache-Status')).toBe(edgeCache && edgeWorks ? 'hit' : 'stale');
      expect(h.origin.count('HEAD')).toBe(edgeCache && edgeWorks ? 1 : 2);
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
      // Memory had it: one HEAD, and the confirmation goes to the Cache API, not KV.
      expect(response.headers.get('X-Edge-Cost')).toBe(edgeCost({ upstream: 1 }));
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
        `${h.name}:1.0 was confirmed with the origin 3600 s ago, beyond STALE_TTL (3600 s), and could not be revalidated: upstream ${REGISTRY} failed with 503`,
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
      expect(response.headers.get('X-Edge-Cost')).toBe(edgeCost({ kvReads: 1, upstream: 1 }));
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
      expect(error.message).toMatch(
        new RegExp(`^${h.name}@${digest} is not cached: upstream ${REGISTRY} sent manifest ${h.repository}@${digest} with Docker-Content-Digest ${digest}, but its content is sha256:[0-9a-f]{64}; refusing it$`),
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
    it('remembers an origin 404 for NEGATIVE_TTL, in this isolate and in the Cache API for the others, never in KV', async () => {
      const h = harness();
      const missing = () => h.call(`GET /v2/${h.name}/manifests/nope`);
      const first = await missing();
      expect(first.status).toBe(404);
      expect((await errorOf(first)).code).toBe('MANIFEST_UNKNOWN');
      expect(first.headers.get('X-Edge-Cost')).toBe(edgeCost({ kvReads: 1, upstream: 1 }));

      h.advance(10);
      const second = await missing();
      expect(second.status).toBe(404);
      expect(second.headers.get('X-Edge-Cost')).toBe(edgeCost({ kvReads: 1 }));
      // Another isolate has no memory of it, but finds the Cache API entry (NEGATIVE_TTL 30 s); with it off, asks the origin.
      const other = await h.otherIsolate().call(`GET /v2/${h.name}/manifests/nope`);
      expect(other.status).toBe(404);
      const shared = edgeCache && edgeWorks;
      expect(other.headers.get('X-Edge-Cost')).toBe(edgeCost(shared ? { kvReads: 1, cacheHits: 1 } : { kvReads: 1, upstream: 1 }));
      expect(h.origin.calls).toEqual(Array(shared ? 1 : 2).fill(`GET ${h.repository}:nope`));

      h.advance(20);
      expect((await missing()).status).toBe(404);
      expect(h.origin.calls).toEqual(Array(shared ? 2 : 3).fill(`GET ${h.repository}:nope`));
      expect(h.isolate.totals.kvWrites).toBe(0);
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

  describe('KV writes, only when content changes', () => {
    it('an unchanged tag revalidated over 10 TAG_TTL windows costs no KV write', async () => {
      const h = harness();
      await getTag(h);
      const writes = h.isolate.totals.kvWrites;
      for (let window = 1; window <= 10; window++) {
        h.advance(301);
        expect((await getTag(h)).headers.get('X-Cache-Status')).toBe('stale');
        expect((await getTag(h)).headers.get('X-Cache-Status')).toBe('hit');
      }
      expect(h.origin.count('HEAD')).toBe(10);
      expect(h.origin.count(`GET ${h.repository}:1.0`)).toBe(1);
      expect(h.isolate.totals.kvWrites).toBe(writes);
    });

    it('a moved tag that another data centre already stored is not written again', async () => {
      const h = harness();
      await getTag(h);
      const image = { registry: REGISTRY, repository: h.repository };
      // Elsewhere the move was seen and stored: KV has v2, this isolate still v1.
      h.origin.push(h.repository, '1.0', v2);
      await new ManifestStore(env.MANIFESTS, () => h.clock.now).putTag(image, '1.0', await verified(v2.index.bytes, v2.index.mediaType));
      h.advance(301);
      const writes = h.isolate.totals.kvWrites;
      await getTag(h);
      expect((await getTag(h)).headers.get('Docker-Content-Digest')).toBe(v2.index.digest);
      // Only the new child (arm/v7), prefetched, is new content here.
      expect(h.isolate.totals.kvWrites - writes).toBe(1);
    });
  });
});

describe('registries without an origin stay KV only', () => {
  it('answers from the store, a hit however old, and never asks an origin', async () => {
    const h = pullThroughHarness({ edgeCache: false, vars: { UPSTREAMS: '' } });
    h.origin.push(h.repository, '1.0', v1);
    const image = { registry: REGISTRY, repository: h.repository };
    await new ManifestStore(env.MANIFESTS, () => T0).putTag(image, '1.0', await verified(v1.index.bytes, v1.index.mediaType));
    h.advance(30 * 24 * 3600);
    const response = await h.call(`GET /v2/${h.name}/manifests/1.0`, { headers: { Accept: ACCEPT_ALL } });
    expect(response.status).toBe(200);
    expect(response.headers.get('X-Cache-Status')).toBe('hit');
    // KV is the source: reading it is the confirmation, so the age is 0.
    expect(response.headers.get('Age')).toBe('0');
    expect(response.headers.get('X-Edge-Cost')).toBe(edgeCost({ kvReads: 1 }));
    h.advance(29);
    const again = await h.call(`GET /v2/${h.name}/manifests/1.0`, { headers: { Accept: ACCEPT_ALL } });
    expect(again.headers.get('Age')).toBe('29');
    expect(again.headers.get('X-Edge-Cost')).toBe(edgeCost({}));
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
    // Confirmed 1 s ago; the content itself is still the one stored at T0.
    expect((await resolve()).cache).toEqual({ state: 'hit', ageSeconds: 1, stale: false, storedAt: new Date(T0).toISOString() });
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
