/** The small pieces of per-isolate memory the pull-through source is built on. */
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { BackgroundTasks } from '../../src/store/BackgroundTasks';
import type { BinaryKV } from '../../src/store/BinaryKV';
import { BoundedMap } from '../../src/store/BoundedMap';
import { freshnessOf, type Freshness } from '../../src/store/freshness';
import { MemoryKV } from '../../src/store/MemoryKV';
import { NegativeCache } from '../../src/store/NegativeCache';
import { SingleFlight } from '../../src/store/SingleFlight';

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

describe('BoundedMap', () => {
  it('forgets the least recently set entries past its limit', () => {
    const map = new BoundedMap<string, number>(2);
    map.set('a', 1).set('b', 2).set('a', 3).set('c', 4);
    expect([...map]).toEqual([['a', 3], ['c', 4]]);
  });
});

const kvs: [string, () => BinaryKV][] = [
  ['MemoryKV', () => new MemoryKV()],
  ['the KV binding', () => env.MANIFESTS],
];

describe.each(kvs)('NegativeCache over %s', (_, makeKV) => {
  const key = () => `v1:missing:test/${crypto.randomUUID()}:x`;

  it('remembers a 404 for its TTL, below KV’s 60 s minimum too, in memory and in KV', async () => {
    const kv = makeKV();
    const k = key();
    const memory = new BoundedMap<string, number>();
    await new NegativeCache(kv, memory, 30).add(k, 1_000_000);
    expect(memory.get(k)).toBe(1_030_000);
    // This isolate (its memory) and another (KV only) agree.
    for (const cache of [new NegativeCache(kv, memory, 30), new NegativeCache(kv, new BoundedMap(), 30)]) {
      expect(await cache.has(k, 1_000_000 + 29_999)).toBe(true);
      expect(await cache.has(k, 1_000_000 + 30_000)).toBe(false);
    }
  });

  it('forgets on request, and does nothing with a TTL of 0', async () => {
    const kv = makeKV();
    const memory = new BoundedMap<string, number>();
    const k = key();
    const cache = new NegativeCache(kv, memory, 30);
    await cache.add(k, 0);
    await cache.forget(k);
    expect(await cache.has(k, 1)).toBe(false);
    const off = new NegativeCache(kv, memory, 0);
    await off.add(k, 0);
    expect(await off.has(k, 1)).toBe(false);
    expect(await cache.has(k, 1)).toBe(false);
  });
});
