/**
 * The Cache API tier: bodies with string metadata, kept for the TTL asked (what entries mean and
 * when they end is the image store's business, by its own clock). Where this runtime's Cache API
 * keeps nothing (workers.dev), the tier must simply find nothing; the rows below hold either way.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { CacheApiEdgeCache, NO_EDGE_CACHE, type EdgeEntry } from '../../src/store/EdgeCache';
import { cacheApiWorks } from './pullThroughHarness';

const entry: EdgeEntry = {
  body: new TextEncoder().encode('{"schemaVersion":2,"manifests":[]}'),
  meta: { digest: `sha256:${'d'.repeat(64)}`, 'media-type': 'application/vnd.oci.image.index.v1+json', 'checked-at': '1900000000000' },
};

let works: boolean;
beforeAll(async () => {
  works = await cacheApiWorks();
});

const url = () => `https://manifest-cache.internal/test/${crypto.randomUUID()}`;

describe('CacheApiEdgeCache over caches.default', () => {
  it('gives back the body and metadata it was given', async () => {
    const edge = new CacheApiEdgeCache(caches.default);
    const key = url();
    await edge.put(key, entry, 30);
    expect(await edge.get(key)).toEqual(works ? entry : null);
  });

  it('keeps nothing for a TTL below one second', async () => {
    const edge = new CacheApiEdgeCache(caches.default);
    const key = url();
    await edge.put(key, entry, 0.9);
    expect(await edge.get(key)).toBeNull();
  });

  it('forgets a deleted entry', async () => {
    const edge = new CacheApiEdgeCache(caches.default);
    const key = url();
    await edge.put(key, entry, 60);
    await edge.delete(key);
    expect(await edge.get(key)).toBeNull();
  });

  it('finds no metadata on an entry that is not one of its own', async () => {
    const key = url();
    await caches.default.put(key, new Response('{}', { headers: { 'Cache-Control': 'max-age=60', 'Content-Type': 'application/json' } }));
    expect(await new CacheApiEdgeCache(caches.default).get(key)).toEqual(works ? { body: new TextEncoder().encode('{}'), meta: {} } : null);
  });
});

describe('NO_EDGE_CACHE (EDGE_CACHE=off)', () => {
  it('keeps nothing', async () => {
    const key = url();
    await NO_EDGE_CACHE.put(key, entry, 60);
    expect(await NO_EDGE_CACHE.get(key)).toBeNull();
  });
});
