/** The small pieces of per-isolate memory the image store is built on. */
import { describe, expect, it } from 'vitest';
import { BackgroundTasks } from '../../src/store/BackgroundTasks';
import { CacheApiEdgeCache, NO_EDGE_CACHE } from '../../src/store/EdgeCache';
import { freshnessOf, type Freshness } from '../../src/store/freshness';
import { IsolateState } from '../../src/store/IsolateState';
import { MemoryCache } from '../../src/store/MemoryCache';
import { OriginGuard } from '../../src/store/OriginGuard';
import { zeroMetrics } from '../../src/store/RequestMetrics';
import { SingleFlight } from '../../src/store/SingleFlight';
import { cacheApiWorks } from './pullThroughHarness';

describe('freshnessOf(ageMs, { tagTtl: 300, staleTtl: 3600 })', () => {
  const ttl = { tagTtl: 300, staleTtl: 3600 };
  it.each([
    [0, 'fresh'],
    [299_999, 'fresh'],
    [300_000, 'stale'],
    [3_599_999, 'stale'],
    [3_600_000, 'expired'],
    [Number.MAX_SAFE_INTEGER, 'expired'],
  ] as [number, Freshness][])('%i ms → %s', (age, expected) => {
    expect(freshnessOf(age, ttl)).toBe(expected);
  });

  it('TAG_TTL=0 makes every tag at least stale', () => {
    expect(freshnessOf(0, { tagTtl: 0, staleTtl: 60 })).toBe('stale');
  });
});

describe('SingleFlight', () => {
  it('runs one piece of work per key at a time, and starts anew once it settles', async () => {
    const flights = new SingleFlight();
    let runs = 0;
    const work = async () => {
      runs++;
      await new Promise((resolve) => setTimeout(resolve, 5));
      return runs;
    };
    const [a, b, c] = await Promise.all([flights.run('k', work), flights.run('k', work), flights.run('other', work)]);
    expect([a, b, c]).toEqual([2, 2, 2]);
    expect(flights.has('k')).toBe(false);
    expect(await flights.run('k', work)).toBe(3);
  });

  it('does the work itself when what it joined has not settled in time (its request was cancelled)', async () => {
    const flights = new SingleFlight(20);
    void flights.run('k', () => new Promise<string>(() => {}));
    expect(await flights.run('k', async () => 'own')).toBe('own');
    expect(flights.has('k')).toBe(true);
  });

  it('shares a failure with every waiter, then forgets it', async () => {
    const flights = new SingleFlight();
    const fail = () => Promise.reject(new Error('origin down'));
    await expect(Promise.all([flights.run('k', fail), flights.run('k', fail)])).rejects.toThrow('origin down');
    expect(await flights.run('k', async () => 'ok')).toBe('ok');
  });
});

describe('BackgroundTasks', () => {
  it('holds tasks until flush, then starts later ones at once, each kept alive with waitUntil', async () => {
    const kept: Promise<unknown>[] = [];
    const background = new BackgroundTasks((promise) => kept.push(promise));
    const started: string[] = [];
    background.defer(async () => started.push('a'));
    expect(started).toEqual([]);
    background.flush();
    background.defer(async () => started.push('b'));
    background.defer(() => Promise.reject(new Error('logged, not thrown')));
    await Promise.all(kept);
    expect(started).toEqual(['a', 'b']);
    expect(kept).toHaveLength(3);
  });
});

describe('MemoryCache(budget)', () => {
  /** What `set` adds to a value's weight: a fixed overhead and the key. */
  const cost = (key: string, weight: number) => weight + 96 + key.length * 2;

  it('holds values up to its byte budget, forgetting the least recently used first', () => {
    const memory = new MemoryCache(3 * cost('a', 1000), Infinity);
    memory.set('a', 'A', 1000);
    memory.set('b', 'B', 1000);
    memory.set('c', 'C', 1000);
    expect(memory.get('a')).toBe('A'); // now the most recently used
    memory.set('d', 'D', 1000);
    expect(memory.get('b')).toBeUndefined();
    expect(['a', 'c', 'd'].map((k) => memory.get(k))).toEqual(['A', 'C', 'D']);
    expect(memory.bytes).toBe(3 * cost('a', 1000));
  });

  it('does not keep a value heavier than its largest entry, and leaves the rest alone', () => {
    const memory = new MemoryCache(10_000, 2_000);
    memory.set('small', 1, 100);
    expect(memory.set('big', 2, 1_900)).toBe(false);
    expect(memory.get('big')).toBeUndefined();
    expect(memory.get('small')).toBe(1);
    expect(memory.bytes).toBe(cost('small', 100));
  });

  it('replaces a value under the same key, counting only the new weight', () => {
    const memory = new MemoryCache(10_000);
    memory.set('k', 1, 500);
    memory.set('k', 2, 200);
    memory.delete('missing');
    expect(memory.get('k')).toBe(2);
    expect(memory.bytes).toBe(cost('k', 200));
    memory.delete('k');
    expect(memory.bytes).toBe(0);
    expect(memory.size).toBe(0);
  });

  it('stays within its budget whatever is put in it', () => {
    const memory = new MemoryCache(50_000);
    for (let i = 0; i < 2_000; i++) memory.set(`key-${i}`, i, (i * 7919) % 12_000);
    expect(memory.bytes).toBeLessThanOrEqual(50_000);
    expect(memory.size).toBeGreaterThan(3);
  });
});

describe.each([
  ['the Cache API', true],
  ['no Cache API', false],
] as const)('OriginGuard negative entries, with %s', (_, withCache) => {
  const image = () => ({ registry: 'origin.test', repository: `neg/${crypto.randomUUID()}` });
  const guard = (isolate: IsolateState, clock: { now: number }, negativeTtl = 30) =>
    new OriginGuard({
      edge: withCache ? new CacheApiEdgeCache(caches.default) : NO_EDGE_CACHE,
      isolate,
      freshness: { tagTtl: 300, staleTtl: 3600, negativeTtl },
      now: () => clock.now,
      metrics: zeroMetrics(),
    });

  it('remembers a 404 for NEGATIVE_TTL, below KV’s 60 s minimum too; another isolate sees it through the Cache API', async () => {
    const clock = { now: 1_000_000 };
    const img = image();
    await guard(new IsolateState(0), clock).addMissing(img, '1.0');
    const here = new IsolateState(0);
    const mine = guard(here, clock);
    await mine.addMissing(img, '2.0');
    clock.now += 29_999;
    expect(await mine.isMissing(img, '2.0')).toBe(true);
    expect(await mine.isMissing(img, '1.0')).toBe(withCache && (await cacheApiWorks()));
    clock.now += 1;
    expect(await mine.isMissing(img, '2.0')).toBe(false);
    expect(await guard(new IsolateState(0), clock).isMissing(img, '1.0')).toBe(false);
  });

  it('forgets on request, and does nothing with a TTL of 0', async () => {
    const clock = { now: 0 };
    const img = image();
    const isolate = new IsolateState(0);
    await guard(isolate, clock).addMissing(img, 'x');
    await guard(isolate, clock).forgetMissing(img, 'x');
    expect(await guard(isolate, clock).isMissing(img, 'x')).toBe(false);
    await guard(isolate, clock, 0).addMissing(img, 'y');
    expect(await guard(isolate, clock).isMissing(img, 'y')).toBe(false);
    expect(isolate.memory.size).toBe(0);
  });
});
