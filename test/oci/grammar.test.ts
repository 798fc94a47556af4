import { describe, expect, it } from 'vitest';
import {
  assertDigest,
  assertName,
  assertTag,
  isValidDigest,
  isValidName,
  isValidTag,
  quote,
} from '../../src/oci/grammar';
import { registryErrorOf } from './registryErrorOf';

const hex64 = 'a'.repeat(64);
const hex128 = '0123456789abcdef'.repeat(8);

describe('assertName(name)', () => {
  const valid: [string, string][] = [
    ['a one-part name', 'golang'],
    ['a two-part name', 'library/golang'],
    ['a deep path', 'a/b/c/d'],
    ['digits only', '0/1'],
    ['a single dot separator', 'a.b'],
    ['a single underscore separator', 'a_b'],
    ['a double underscore separator', 'a__b'],
    ['a run of dashes', 'a--b'],
    ['a long run of dashes', 'a-----b'],
    ['exactly 255 characters', `${'a'.repeat(127)}/${'b'.repeat(127)}`],
  ];
  it.each(valid)('accepts %s: %s', (_why, name) => {
    expect(isValidName(name)).toBe(true);
    expect(() => assertName(name)).not.toThrow();
  });

  const invalid: [string, string, string][] = [
    ['empty', '', 'invalid repository name "": must not be empty'],
    ['upper case', 'Library/golang', 'invalid repository name "Library/golang": must be lower-case'],
    [
      'two dots',
      'a..b',
      'invalid repository name "a..b": each path component must be lower-case letters and digits, joined by ".", "_", "__" or "-"',
    ],
    [
      'a leading separator',
      '-a',
      'invalid repository name "-a": each path component must be lower-case letters and digits, joined by ".", "_", "__" or "-"',
    ],
    [
      'a separator leading a component',
      'a/.b',
      'invalid repository name "a/.b": each path component must be lower-case letters and digits, joined by ".", "_", "__" or "-"',
    ],
    [
      'a trailing separator',
      'a_',
      'invalid repository name "a_": each path component must be lower-case letters and digits, joined by ".", "_", "__" or "-"',
    ],
    [
      'three underscores',
      'a___b',
      'invalid repository name "a___b": each path component must be lower-case letters and digits, joined by ".", "_", "__" or "-"',
    ],
    [
      'a trailing slash',
      'a/',
      'invalid repository name "a/": has an empty path component (leading, trailing or double "/")',
    ],
    [
      'a leading slash',
      '/a',
      'invalid repository name "/a": has an empty path component (leading, trailing or double "/")',
    ],
    [
      'a double slash',
      'a//b',
      'invalid repository name "a//b": has an empty path component (leading, trailing or double "/")',
    ],
    [
      'a colon',
      'a:b',
      'invalid repository name "a:b": each path component must be lower-case letters and digits, joined by ".", "_", "__" or "-"',
    ],
    [
      '256 characters',
      `${'a'.repeat(128)}/${'b'.repeat(127)}`,
      `invalid repository name "${'a'.repeat(100)}…": longer than 255 characters (256)`,
    ],
  ];
  it.each(invalid)('rejects %s with NAME_INVALID', (_why, name, message) => {
    expect(isValidName(name)).toBe(false);
    expect(registryErrorOf(() => assertName(name))).toEqual({ code: 'NAME_INVALID', message });
  });
});

describe('assertTag(tag)', () => {
  const valid: [string, string][] = [
    ['a plain word', 'latest'],
    ['dots and dashes', '1.23.4-bookworm'],
    ['a leading underscore', '_x'],
    ['upper case', 'V1.0-RC'],
    ['a single character', 'a'],
    ['128 characters', 'a'.repeat(128)],
  ];
  it.each(valid)('accepts %s', (_why, tag) => {
    expect(isValidTag(tag)).toBe(true);
    expect(() => assertTag(tag)).not.toThrow();
  });

  const invalid: [string, string, string][] = [
    ['empty', '', 'invalid tag "": must not be empty'],
    ['129 characters', 'a'.repeat(129), `invalid tag "${'a'.repeat(100)}…": longer than 128 characters (129)`],
    ['a leading dot', '.hidden', 'invalid tag ".hidden": must start with a letter, a digit or "_"'],
    ['a leading dash', '-rc1', 'invalid tag "-rc1": must start with a letter, a digit or "_"'],
    ['a slash', 'a/b', 'invalid tag "a/b": may contain only letters, digits, "_", "." and "-"'],
    ['a plus', '1.0+build', 'invalid tag "1.0+build": may contain only letters, digits, "_", "." and "-"'],
    ['a space', 'a b', 'invalid tag "a b": may contain only letters, digits, "_", "." and "-"'],
  ];
  it.each(invalid)('rejects %s with TAG_INVALID', (_why, tag, message) => {
    expect(isValidTag(tag)).toBe(false);
    expect(registryErrorOf(() => assertTag(tag))).toEqual({ code: 'TAG_INVALID', message });
  });
});

describe('assertDigest(digest)', () => {
  const valid: [string, string][] = [
    ['sha256 with 64 hex', `sha256:${hex64}`],
    ['sha512 with 128 hex', `sha512:${hex128}`],
  ];
  it.each(valid)('accepts %s', (_why, digest) => {
    expect(isValidDigest(digest)).toBe(true);
    expect(() => assertDigest(digest)).not.toThrow();
  });

  const invalid: [string, string, string][] = [
    ['sha256 with 63 hex', `sha256:${'a'.repeat(63)}`, 'a sha256 digest is exactly 64 lower-case hex characters'],
    ['sha256 with 65 hex', `sha256:${'a'.repeat(65)}`, 'a sha256 digest is exactly 64 lower-case hex characters'],
    ['sha256 with upper-case hex', `sha256:${'A'.repeat(64)}`, 'a sha256 digest is exactly 64 lower-case hex characters'],
    ['sha256 with non-hex letters', `sha256:${'g'.repeat(64)}`, 'a sha256 digest is exactly 64 lower-case hex characters'],
    ['sha512 with 64 hex', `sha512:${hex64}`, 'a sha512 digest is exactly 128 lower-case hex characters'],
    [
      'an unknown algorithm of valid shape',
      'md5:d41d8cd98f00b204e9800998ecf8427e',
      'unsupported algorithm "md5" (supported: sha256, sha512)',
    ],
    [
      'an algorithm with a registered-looking suffix',
      `sha256+b64u:${hex64}`,
      'unsupported algorithm "sha256+b64u" (supported: sha256, sha512)',
    ],
    ['no algorithm', hex64, 'not of the form "algorithm:hex"'],
    ['an empty encoding', 'sha256:', 'not of the form "algorithm:hex"'],
    ['an upper-case algorithm', `SHA256:${hex64}`, 'not of the form "algorithm:hex"'],
    ['an empty string', '', 'not of the form "algorithm:hex"'],
  ];
  it.each(invalid)('rejects %s with DIGEST_INVALID', (_why, digest, reason) => {
    expect(isValidDigest(digest)).toBe(false);
    expect(registryErrorOf(() => assertDigest(digest))).toEqual({
      code: 'DIGEST_INVALID',
      message: `invalid digest ${quote(digest)}: ${reason}`,
    });
  });
});

describe('quote(input)', () => {
  it('escapes quotes and control characters', () => {
    expect(quote('a"b\n')).toBe('"a\\"b\\n"');
  });
  it('keeps 100 characters and marks the cut', () => {
    expect(quote('x'.repeat(101))).toBe(`"${'x'.repeat(100)}…"`);
    expect(quote('x'.repeat(100))).toBe(`"${'x'.repeat(100)}"`);
  });
});
