/**
 * The Cache API layer: entries live as long as the caller says, by the worker's clock, whatever
 * the Cache API itself keeps. Where this runtime's Cache API keeps nothing (workers.dev), the
 * layer must simply find nothing; the rows below hold either way.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { CacheApiEdgeCache, NO_EDGE_CACHE } from '../../src/store/EdgeCache';
import type { ManifestRecord } from '../../src/store/ManifestRecord';
import { cacheApiWorks } from './pullThroughHarness';

const NOW = 1_900_000_000_000;
const record: ManifestRecord = {
  bytes: new TextEncoder().encode('{"schemaVersion":2,"manifests":[]}'),
  digest: `sha256:${'d'.repeat(64)}`,
  mediaType: 'application/vnd.oci.image.index.v1+json',
  storedAt: NOW - 5_000,
};

let works: boolean;
beforeAll(async () => {
  works = await cacheApiWorks();
});

const url = () => `https://manifest-cache.internal/test/${crypto.randomUUID()}`;

describe('CacheApiEdgeCache over caches.default', () => {
  it('gives back the record it was given, bytes and metadata, until its TTL passes', async () => {
    const edge = new CacheApiEdgeCache(caches.default);
    const key = url();
    await edge.put(key, record, 30, NOW);
    expect(await edge.get(key, NOW)).toEqual(works ? record : null);
    expect(await edge.get(key, NOW + 29_999)).toEqual(works ? record : null);
    expect(await edge.get(key, NOW + 30_000)).toBeNull();
  });

  it('keeps nothing for a TTL of zero or less', async () => {
    const edge = new CacheApiEdgeCache(caches.default);
    const key = url();
    await edge.put(key, record, 0, NOW);
    expect(await edge.get(key, NOW)).toBeNull();
  });

  it('forgets a deleted entry', async () => {
    const edge = new CacheApiEdgeCache(caches.default);
    const key = url();
    await edge.put(key, record, 60, NOW);
    await edge.delete(key);
    expect(await edge.get(key, NOW)).toBeNull();
  });

  it('ignores an entry that is not one of its own', async () => {
    const key = url();
    await caches.default.put(key, new Response('{}', { headers: { 'Cache-Control': 'max-age=60', 'Content-Type': 'application/json' } }));
    expect(await new CacheApiEdgeCache(caches.default).get(key, NOW)).toBeNull();
  });
});

describe('NO_EDGE_CACHE (EDGE_CACHE=off)', () => {
  it('keeps nothing', async () => {
    const key = url();
    await NO_EDGE_CACHE.put(key, record, 60, NOW);
    expect(await NO_EDGE_CACHE.get(key, NOW)).toBeNull();
  });
});
