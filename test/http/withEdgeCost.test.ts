import { describe, expect, it } from 'vitest';
import { withEdgeCost } from '../../src/http/withEdgeCost';

const COST = 'kv-reads=1; kv-writes=0; cache-hits=2; upstream=0; tokens=0';

describe('withEdgeCost(response, cost)', () => {
  it('sets the header on our own response itself', async () => {
    const response = new Response('body\n', { status: 201, headers: { 'Content-Type': 'text/plain' } });
    const costed = withEdgeCost(response, COST);
    expect(costed).toBe(response);
    expect(costed.headers.get('X-Edge-Cost')).toBe(COST);
    expect(await costed.text()).toBe('body\n');
  });

  it('rebuilds a response whose headers are immutable, keeping its status, headers and body', async () => {
    const fetched = Response.redirect('https://blobs.example/sha256/abc', 307);
    expect(() => fetched.headers.set('X-Probe', '1')).toThrow(TypeError);
    const costed = withEdgeCost(fetched, COST);
    expect(costed).not.toBe(fetched);
    expect(costed.status).toBe(307);
    expect(costed.headers.get('Location')).toBe('https://blobs.example/sha256/abc');
    expect(costed.headers.get('X-Edge-Cost')).toBe(COST);
  });
});
