/**
 * The isolate-memory layer of EdgeCachedStore: hot records answered without a Cache API or KV
 * read, tags only for MEMORY_TAG_MS, small manifests only, and nothing when EDGE_CACHE=off.
 */
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { NO_EDGE_CACHE, type EdgeCache } from '../../src/store/EdgeCache';
import { EdgeCachedStore } from '../../src/store/EdgeCachedStore';
import { IsolateState } from '../../src/store/IsolateState';
import type { ManifestRecord } from '../../src/store/ManifestRecord';
import { ManifestStore } from '../../src/store/ManifestStore';
import { createRequestMetrics } from '../../src/store/RequestMetrics';
import { sha256Digest } from '../../src/oci/digest';

const image = { registry: 'origin.test', repository: 'memory/app' };
const MEDIA = 'application/vnd.oci.image.index.v1+json';

/** An EdgeCache that counts reads and remembers nothing, so every hit below is from memory. */
function countingEdge(): EdgeCache & { gets: number } {
  return { gets: 0, async get() { this.gets++; return null; }, async put() {}, async delete() {} };
}

async function setup(edge: EdgeCache) {
  let now = 1_800_000_000_000;
  const isolate = new IsolateState(now);
  const metrics = createRequestMetrics(isolate.totals);
  const store = new EdgeCachedStore({
    store: new ManifestStore(env.MANIFESTS, () => now),
    edge,
    isolate,
    metrics,
    now: () => now,
    defer: () => undefined,
  });
  return { store, metrics, tick: (ms: number) => (now += ms), at: () => now };
}

async function record(size: number, at: number): Promise<ManifestRecord> {
  const bytes = new TextEncoder().encode(`{"schemaVersion":2,"manifests":[],"pad":"${'x'.repeat(size)}"}`);
  return { bytes, digest: await sha256Digest(bytes), mediaType: MEDIA, storedAt: at };
}

describe('EdgeCachedStore isolate memory', () => {
  it('answers a tag it just wrote from memory for 2 s, then reads again', async () => {
    const edge = countingEdge();
    const { store, metrics, tick, at } = await setup(edge);
    const written = await store.putTag(image, 'hot', await record(10, at()), 300_000);
    expect((await store.getTag(image, 'hot', 300_000))?.digest).toBe(written.digest);
    expect(edge.gets).toBe(0);
    expect(metrics.cacheHits).toBe(1);
    tick(2_001);
    expect((await store.getTag(image, 'hot', 300_000))?.digest).toBe(written.digest);
    expect(edge.gets).toBe(1);
  });

  it('keeps small manifests by digest, not large ones', async () => {
    const edge = countingEdge();
    const { store, at } = await setup(edge);
    const small = await store.putManifest(image, await record(10, at()));
    const large = await store.putManifest(image, await record(70 * 1024, at()));
    await store.getManifest(image, small.digest);
    expect(edge.gets).toBe(0);
    await store.getManifest(image, large.digest);
    expect(edge.gets).toBe(1);
  });

  it('is off with EDGE_CACHE=off: every read goes to KV', async () => {
    const { store, metrics, at } = await setup(NO_EDGE_CACHE);
    const written = await store.putManifest(image, await record(10, at()));
    expect((await store.getManifest(image, written.digest))?.digest).toBe(written.digest);
    expect(metrics.cacheHits).toBe(0);
  });
});
