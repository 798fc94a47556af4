import { describe, expect, it } from 'vitest';
import { TokenCache } from '../../src/upstream/TokenCache';

describe('TokenCache', () => {
  const t0 = 1_000_000;

  const rows: [string, number, number, boolean][] = [
    ['is usable just before the 15 s margin (300 s token)', 300, 284_999, true],
    ['is dropped at the 15 s margin (300 s token)', 300, 285_000, false],
    ['is usable until 45 s of a 60 s token', 60, 44_999, true],
    ['is dropped at 45 s of a 60 s token', 60, 45_000, false],
    ['keeps a 10 s token for half its life', 10, 4_999, true],
    ['drops a 10 s token after half its life', 10, 5_000, false],
  ];
  it.each(rows)('%s', (_what, expiresIn, elapsed, usable) => {
    const cache = new TokenCache();
    cache.set('k', 'tok', expiresIn, t0);
    expect(cache.get('k', t0 + elapsed)).toBe(usable ? 'tok' : undefined);
  });

  it('forgets a deleted token', () => {
    const cache = new TokenCache();
    cache.set('k', 'tok', 300, t0);
    cache.delete('k');
    expect(cache.get('k', t0)).toBeUndefined();
  });

  it('replaces a token stored under the same key', () => {
    const cache = new TokenCache();
    cache.set('k', 'old', 300, t0);
    cache.set('k', 'new', 300, t0);
    expect([cache.get('k', t0), cache.size]).toEqual(['new', 1]);
  });

  it('stays within maxEntries, dropping expired and then the oldest entries', () => {
    const cache = new TokenCache({ maxEntries: 2 });
    cache.set('expired', 'a', 10, t0 - 60_000);
    cache.set('old', 'b', 300, t0);
    cache.set('new', 'c', 300, t0);
    expect([cache.size, cache.get('old', t0), cache.get('new', t0)]).toEqual([2, 'b', 'c']);
    cache.set('newest', 'd', 300, t0);
    expect([cache.size, cache.get('old', t0), cache.get('newest', t0)]).toEqual([2, undefined, 'd']);
  });
});
