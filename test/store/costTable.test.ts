/**
 * The cost table of docs/benchmarks.md ("What a request costs"), measured: every row is a
 * scenario run through the worker with the real KV binding and Cache API, and a FakeOrigin,
 * counting KV reads and writes, Cache API operations and origin requests — the response's own
 * and its background work. A change to the storage model that changes a cost fails here, and the
 * table must be changed with it.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { buildMultiPlatformImage, DEMO_PLATFORMS, type BuiltImage } from '../../scripts/lib/ociLayout';
import { createWorker } from '../../src/createWorker';
import { IsolateState } from '../../src/store/IsolateState';
import { ManifestStore } from '../../src/store/ManifestStore';
import { env } from 'cloudflare:workers';
import { putImage } from '../helpers/demo';
import { call } from '../helpers/worker';
import { FakeOrigin } from './FakeOrigin';
import { ACCEPT_ALL, cacheApiWorks, FRESHNESS, REGISTRY, T0 } from './pullThroughHarness';

interface Cost {
  kvReads: number;
  kvWrites: number;
  cacheOps: number;
  origin: number;
}

/** caches.default, counting every operation (a counter at the binding's boundary, nothing faked). */
class CountingCache {
  ops = 0;
  match(url: string) {
    this.ops++;
    return caches.default.match(url);
  }
  put(url: string, response: Response) {
    this.ops++;
    return caches.default.put(url, response);
  }
  delete(url: string) {
    this.ops++;
    return caches.default.delete(url);
  }
}

/** One data centre: a Cache API, an origin, a clock; isolates made on demand. */
function dataCentre(origin: FakeOrigin) {
  const cache = new CountingCache();
  const clock = { now: T0 };
  const isolate = () => {
    const state = new IsolateState(clock.now);
    const worker = createWorker({ upstreamFor: origin.factory, now: () => clock.now, isolate: state, cache: cache as unknown as Cache });
    return {
      /** The cost of one request, background work included. */
      async cost(path: string, vars: Record<string, string> = {}): Promise<Cost & { status: number }> {
        const before = { ...state.totals };
        const ops = cache.ops;
        const response = await call(`GET ${path}`, { worker, headers: { Accept: ACCEPT_ALL }, vars: { UPSTREAMS: `${REGISTRY}=https://${REGISTRY}`, ...FRESHNESS, ...vars } });
        await response.arrayBuffer();
        return {
          status: response.status,
          kvReads: state.totals.kvReads - before.kvReads,
          kvWrites: state.totals.kvWrites - before.kvWrites,
          cacheOps: cache.ops - ops,
          origin: state.totals.upstreamRequests - before.upstreamRequests,
        };
      },
    };
  };
  return { clock, isolate };
}

let image: BuiltImage;
let works: boolean;
const N = DEMO_PLATFORMS.length; // 10 image manifests (and 10 attestations) in the index

beforeAll(async () => {
  image = await buildMultiPlatformImage({ repository: 'team/app' });
  works = await cacheApiWorks();
});

const repository = () => `cost/app-${crypto.randomUUID().slice(0, 8)}`;

describe('what a request costs (docs/benchmarks.md)', () => {
  it('needs a Cache API that keeps entries (workerd’s local one does)', () => {
    expect(works).toBe(true);
  });

  it('pulled through: a cold tag with N children, no platform named, background prefetch included', async () => {
    const origin = new FakeOrigin(REGISTRY);
    const repo = repository();
    origin.push(repo, '1.0', image);
    const dc = dataCentre(origin);
    const cold = await dc.isolate().cost(`/v2/${REGISTRY}/${repo}/manifests/1.0`);
    // Tag: KV read, Cache API tag + 404 lookups, GET, 2 KV writes, Cache API puts of the tag and the
    // index by digest; then 8 children: each a Cache API lookup, a KV read, a Cache API 404 lookup,
    // a GET, a KV write, a Cache API put.
    expect(cold).toEqual({ status: 200, kvReads: 1 + 8, kvWrites: 2 + 8, cacheOps: 4 + 8 * 3, origin: 1 + 8 });
    expect(N).toBeGreaterThan(8);
  });

  it('hot: a platform request answered from isolate memory costs nothing; another isolate of the data centre reads the Cache API', async () => {
    const origin = new FakeOrigin(REGISTRY);
    const repo = repository();
    origin.push(repo, '1.0', image);
    const dc = dataCentre(origin);
    const first = dc.isolate();
    await first.cost(`/v2/${REGISTRY}/${repo}/manifests/1.0`);
    dc.clock.now += 10_000;
    expect(await first.cost(`/resolve/${REGISTRY}/${repo}:1.0?platform=linux/arm64`)).toEqual({ status: 200, kvReads: 0, kvWrites: 0, cacheOps: 0, origin: 0 });
    expect(await dc.isolate().cost(`/resolve/${REGISTRY}/${repo}:1.0?platform=linux/arm64`)).toEqual({ status: 200, kvReads: 0, kvWrites: 0, cacheOps: 2, origin: 0 });
  });

  it('pulled through: a revalidation of an unchanged tag is one HEAD and one Cache API write; of a moved tag, GETs and writes of what is new', async () => {
    const origin = new FakeOrigin(REGISTRY);
    const repo = repository();
    origin.push(repo, '1.0', image);
    const dc = dataCentre(origin);
    const isolate = dc.isolate();
    await isolate.cost(`/v2/${REGISTRY}/${repo}/manifests/1.0`);
    dc.clock.now += 301_000;
    // Stale in memory: the Cache API is looked at (another isolate may have confirmed it), then HEAD and a Cache API put.
    expect(await isolate.cost(`/v2/${REGISTRY}/${repo}/manifests/1.0`)).toEqual({ status: 200, kvReads: 0, kvWrites: 0, cacheOps: 2, origin: 1 });

    // The tag moves to an index of two of the same children: only the index is new content.
    const moved = await buildMultiPlatformImage({ repository: 'team/app', platforms: DEMO_PLATFORMS.slice(0, 2) });
    origin.push(repo, '1.0', moved);
    dc.clock.now += 301_000;
    // The Cache API lookup and, after the response, HEAD, GET, one KV read (does KV already hold the
    // new digest?), 2 KV writes, Cache API puts of the tag and the index; the children are in memory already.
    expect(await isolate.cost(`/v2/${REGISTRY}/${repo}/manifests/1.0`)).toEqual({ status: 200, kvReads: 1, kvWrites: 2, cacheOps: 3, origin: 2 });
  });

  it('pulled through: a new data centre reads KV once per tag and child, then confirms the tag after the response', async () => {
    const origin = new FakeOrigin(REGISTRY);
    const repo = repository();
    origin.push(repo, '1.0', image);
    await dataCentre(origin).isolate().cost(`/v2/${REGISTRY}/${repo}/manifests/1.0`);
    // Another data centre: its own Cache API (none here: EDGE_CACHE=off stands for it), KV shared, and later.
    const other = dataCentre(origin);
    other.clock.now += 3_600_000;
    expect(await other.isolate().cost(`/resolve/${REGISTRY}/${repo}:1.0?platform=linux/arm64`, { EDGE_CACHE: 'off' })).toEqual({ status: 200, kvReads: 2, kvWrites: 0, cacheOps: 0, origin: 1 });
  });

  it('KV only: a new isolate reads KV once per tag and child, then nothing for 30 s', async () => {
    const repo = repository();
    await putImage(new ManifestStore(env.MANIFESTS), { registry: 'kv.test', repository: repo }, '1.0', image);
    const dc = dataCentre(new FakeOrigin(REGISTRY));
    const isolate = dc.isolate();
    const path = `/resolve/kv.test/${repo}:1.0?platform=linux/arm64`;
    // Tag: Cache API lookup, KV read, Cache API put; child: Cache API lookup, KV read, Cache API put.
    expect(await isolate.cost(path)).toEqual({ status: 200, kvReads: 2, kvWrites: 0, cacheOps: 4, origin: 0 });
    dc.clock.now += 29_000;
    expect(await isolate.cost(path)).toEqual({ status: 200, kvReads: 0, kvWrites: 0, cacheOps: 0, origin: 0 });
    dc.clock.now += 1_000;
    // After 30 s the tag is read again (the Cache API's copy is as old), the child stays in memory.
    expect(await isolate.cost(path)).toEqual({ status: 200, kvReads: 1, kvWrites: 0, cacheOps: 2, origin: 0 });
  });
});
