import { describe, expect, it } from 'vitest';
import { parseRetryAfter } from '../../src/upstream/parseRetryAfter';

describe('parseRetryAfter(value, now)', () => {
  const now = Date.parse('Wed, 21 Oct 2026 07:28:00 GMT');
  const rows: [string | null, number | undefined][] = [
    ['120', 120],
    [' 0 ', 0],
    ['Wed, 21 Oct 2026 07:30:00 GMT', 120],
    ['Wed, 21 Oct 2026 07:28:00 GMT', 0],
    ['Wed, 21 Oct 2026 07:20:00 GMT', 0], // in the past
    ['Wed, 21 Oct 2026 07:28:00.5 GMT', 1], // rounded up
    ['-5', undefined],
    ['1.5', undefined],
    ['soon', undefined],
    ['Mon, garbage', undefined],
    ['', undefined],
    [null, undefined],
  ];
  it.each(rows)('reads %j as %j', (value, expected) => {
    expect(parseRetryAfter(value, now)).toBe(expected);
  });
});
