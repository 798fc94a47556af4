import { describe, expect, it } from 'vitest';
import { CountingKV } from '../../src/store/CountingKV';
import { MemoryKV } from '../../src/store/MemoryKV';
import { committer, formatEdgeCost, zeroMetrics } from '../../src/store/RequestMetrics';

describe('committer(metrics, totals)', () => {
  it('adds what each request counted since its last commit into the totals, never twice', () => {
    const totals = zeroMetrics();
    const a = zeroMetrics();
    const b = zeroMetrics();
    const commitA = committer(a, totals);
    const commitB = committer(b, totals);
    a.kvReads++;
    a.kvReads += 2;
    b.kvReads++;
    b.upstreamRequests++;
    commitA();
    commitB();
    commitA();
    expect(totals).toEqual({ ...zeroMetrics(), kvReads: 4, upstreamRequests: 1 });
    b.tokenRequests = (b.tokenRequests ?? 0) + 1; // as the RegistryClient's countRequest does, after the response
    commitB();
    expect(a).toEqual({ ...zeroMetrics(), kvReads: 3 });
    expect(totals).toEqual({ ...zeroMetrics(), kvReads: 4, upstreamRequests: 1, tokenRequests: 1 });
  });
});

describe('formatEdgeCost(metrics)', () => {
  it('writes the X-Edge-Cost header', () => {
    const metrics = { ...zeroMetrics(), kvReads: 1, kvWrites: 2, cacheHits: 3, upstreamRequests: 4, tokenRequests: 1, manifestGets: 2 };
    expect(formatEdgeCost(metrics)).toBe('kv-reads=1; kv-writes=2; cache-hits=3; upstream=4; tokens=1');
  });
});

describe('CountingKV', () => {
  it('counts get and list as reads, put and delete as writes', async () => {
    const metrics = zeroMetrics();
    const kv = new CountingKV(new MemoryKV(), metrics);
    await kv.put('a', new Uint8Array([1]));
    await kv.getWithMetadata('a', 'arrayBuffer');
    await kv.getWithMetadata('b', 'arrayBuffer');
    await kv.list({ prefix: '' });
    await kv.delete('a');
    expect({ kvReads: metrics.kvReads, kvWrites: metrics.kvWrites }).toEqual({ kvReads: 3, kvWrites: 2 });
  });
});
