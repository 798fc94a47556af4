import { describe, expect, it } from 'vitest';
import { nextLink } from '../../src/upstream/nextLink';

describe('nextLink(header, base)', () => {
  const base = 'https://registry.test/v2/library/golang/tags/list';
  const rows: [string, string | null, string | undefined][] = [
    ['a relative next link (distribution)', '</v2/library/golang/tags/list?last=1.22&n=100>; rel="next"', 'https://registry.test/v2/library/golang/tags/list?last=1.22&n=100'],
    ['an absolute next link', '<https://registry.test/v2/x/tags/list?last=b>; rel=next', 'https://registry.test/v2/x/tags/list?last=b'],
    ['next among other links', '<https://a.test/prev>; rel="prev", <https://a.test/next>; rel="next"', 'https://a.test/next'],
    ['next among several relations', '<https://a.test/n>; title="x"; rel="last next"', 'https://a.test/n'],
    ['rel in capitals', '<https://a.test/n>; REL="Next"', 'https://a.test/n'],
    ['only a prev link', '<https://a.test/prev>; rel="prev"', undefined],
    ['a link without rel', '<https://a.test/n>', undefined],
    ['no header', null, undefined],
    ['garbage', 'next please', undefined],
  ];
  it.each(rows)('reads %s', (_what, header, expected) => {
    expect(nextLink(header, base)).toBe(expected);
  });
});
