import { describe, expect, it } from 'vitest';
import { computeDigest, digestMatches, sha256Digest, verifyDigest } from '../../src/oci/digest';
import { registryErrorOfAsync } from './registryErrorOf';

const bytes = (text: string) => new TextEncoder().encode(text);

const EMPTY_SHA256 = 'sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
const ABC_SHA256 = 'sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad';
const EMPTY_SHA512 =
  'sha512:cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e';
const ABC_SHA512 =
  'sha512:ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f';

describe('sha256Digest(bytes)', () => {
  const rows: [string, string, string][] = [
    ['the empty string', '', EMPTY_SHA256],
    ['"abc"', 'abc', ABC_SHA256],
  ];
  it.each(rows)('digests %s', async (_what, text, expected) => {
    expect(await sha256Digest(bytes(text))).toBe(expected);
  });

  it('takes an ArrayBuffer as well as a Uint8Array', async () => {
    const buffer = new ArrayBuffer(3);
    new Uint8Array(buffer).set(bytes('abc'));
    expect(await sha256Digest(buffer)).toBe(ABC_SHA256);
  });

  it('digests only the view of a Uint8Array, not its whole buffer', async () => {
    expect(await sha256Digest(bytes('xabcx').subarray(1, 4))).toBe(ABC_SHA256);
  });
});

describe('computeDigest(algorithm, bytes)', () => {
  it('computes sha512 of the empty string', async () => {
    expect(await computeDigest('sha512', bytes(''))).toBe(EMPTY_SHA512);
  });
  it('computes sha512 of "abc"', async () => {
    expect(await computeDigest('sha512', bytes('abc'))).toBe(ABC_SHA512);
  });
});

describe('digestMatches(bytes, digest)', () => {
  const rows: [string, string, string, boolean][] = [
    ['sha256 of matching content', 'abc', ABC_SHA256, true],
    ['sha512 of matching content', 'abc', ABC_SHA512, true],
    ['sha256 of other content', 'abd', ABC_SHA256, false],
    ['sha512 of other content', '', ABC_SHA512, false],
  ];
  it.each(rows)('answers for %s', async (_why, text, digest, expected) => {
    expect(await digestMatches(bytes(text), digest)).toBe(expected);
  });

  it('throws DIGEST_INVALID for an unsupported algorithm', async () => {
    expect(await registryErrorOfAsync(() => digestMatches(bytes('abc'), 'md5:900150983cd24fb0d6963f7d28e17f72'))).toEqual({
      code: 'DIGEST_INVALID',
      message: 'invalid digest "md5:900150983cd24fb0d6963f7d28e17f72": unsupported algorithm "md5" (supported: sha256, sha512)',
    });
  });
});

describe('verifyDigest(bytes, digest)', () => {
  it('resolves for matching content', async () => {
    await expect(verifyDigest(bytes('abc'), ABC_SHA256)).resolves.toBeUndefined();
    await expect(verifyDigest(bytes(''), EMPTY_SHA512)).resolves.toBeUndefined();
  });

  it('throws DIGEST_INVALID naming both digests on a mismatch', async () => {
    expect(await registryErrorOfAsync(() => verifyDigest(bytes(''), ABC_SHA256))).toEqual({
      code: 'DIGEST_INVALID',
      message: `content does not match digest ${ABC_SHA256} (it is ${EMPTY_SHA256})`,
    });
  });

  it('throws DIGEST_INVALID for an unsupported algorithm', async () => {
    expect(await registryErrorOfAsync(() => verifyDigest(bytes('abc'), 'sha384:cb00753f'))).toEqual({
      code: 'DIGEST_INVALID',
      message: 'invalid digest "sha384:cb00753f": unsupported algorithm "sha384" (supported: sha256, sha512)',
    });
  });

  it('throws DIGEST_INVALID for upper-case hex', async () => {
    const upper = `sha256:${ABC_SHA256.slice(7).toUpperCase()}`;
    expect((await registryErrorOfAsync(() => verifyDigest(bytes('abc'), upper))).code).toBe('DIGEST_INVALID');
  });
});
