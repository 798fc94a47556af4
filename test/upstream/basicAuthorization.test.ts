import { describe, expect, it } from 'vitest';
import { basicAuthorization } from '../../src/upstream/basicAuthorization';

describe('basicAuthorization(credentials)', () => {
  const rows: [string, string, string][] = [
    ['Aladdin', 'open sesame', 'Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ=='], // RFC 7617 §2
    ['test', '123£', 'Basic dGVzdDoxMjPCow=='], // RFC 7617 §2.1, UTF-8
    ['u', 'p:with:colons', 'Basic dTpwOndpdGg6Y29sb25z'],
  ];
  it.each(rows)('encodes %s:%s', (username, password, expected) => {
    expect(basicAuthorization({ username, password })).toBe(expected);
  });
});
