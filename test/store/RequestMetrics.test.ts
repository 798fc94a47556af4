import { describe, expect, it } from 'vitest';
import { CountingKV } from '../../src/store/CountingKV';
import { MemoryKV } from '../../src/store/MemoryKV';
import { createRequestMetrics, formatEdgeCost, zeroMetrics } from '../../src/store/RequestMetrics';

describe('createRequestMetrics(totals)', () => {
  it('counts like a plain object and adds every change into the totals', () => {
    const totals = zeroMetrics();
    const a = createRequestMetrics(totals);
    const b = createRequestMetrics(totals);
    a.kvReads++;
    a.kvReads += 2;
    b.kvReads++;
    b.upstreamRequests++;
    b.tokenRequests = (b.tokenRequests ?? 0) + 1; // as the RegistryClient's countRequest does
    expect({ ...a }).toEqual({ ...zeroMetrics(), kvReads: 3 });
    expect({ ...b }).toEqual({ ...zeroMetrics(), kvReads: 1, upstreamRequests: 1, tokenRequests: 1 });
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
    const metrics = createRequestMetrics();
    const kv = new CountingKV(new MemoryKV(), metrics);
    await kv.put('a', new Uint8Array([1]));
    await kv.getWithMetadata('a', 'arrayBuffer');
    await kv.getWithMetadata('b', 'arrayBuffer');
    await kv.list({ prefix: '' });
    await kv.delete('a');
    expect({ kvReads: metrics.kvReads, kvWrites: metrics.kvWrites }).toEqual({ kvReads: 3, kvWrites: 2 });
  });
});
