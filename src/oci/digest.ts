/**
 * Content digests: computing them with Web Crypto and checking content against them
 * (OCI image-spec descriptor.md "Digests", "Verification"). Works in workerd and Node alike.
 *
 * Only `sha256` and `sha512` are supported; any other algorithm is DIGEST_INVALID, since
 * content whose digest cannot be verified is never stored or served.
 */
import { assertDigest, type DigestAlgorithm } from './grammar';
import { RegistryError } from './RegistryError';

/** Bytes to digest. */
export type DigestInput = ArrayBuffer | Uint8Array;

const SUBTLE_NAME: Record<DigestAlgorithm, string> = { sha256: 'SHA-256', sha512: 'SHA-512' };

/**
 * The digest of `bytes` with `algorithm`, as `algorithm:<lower-case hex>`.
 * @example await computeDigest('sha512', new Uint8Array()) // → 'sha512:cf83e135…'
 */
export async function computeDigest(algorithm: DigestAlgorithm, bytes: DigestInput): Promise<string> {
  const hash = await crypto.subtle.digest(SUBTLE_NAME[algorithm], bytes);
  return `${algorithm}:${toHex(new Uint8Array(hash))}`;
}

/**
 * The sha256 digest of `bytes`.
 * @example await sha256Digest(new TextEncoder().encode('abc'))
 * // → 'sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'
 */
export function sha256Digest(bytes: DigestInput): Promise<string> {
  return computeDigest('sha256', bytes);
}

/**
 * True if `bytes` have `digest` (sha256 or sha512). Throws DIGEST_INVALID if `digest` is
 * malformed or of an unsupported algorithm.
 */
export async function digestMatches(bytes: DigestInput, digest: string): Promise<boolean> {
  assertDigest(digest);
  const algorithm = digest.slice(0, digest.indexOf(':')) as DigestAlgorithm;
  return (await computeDigest(algorithm, bytes)) === digest;
}

/**
 * Throws DIGEST_INVALID unless `bytes` have `digest`: for a malformed digest, an unsupported
 * algorithm, or content that does not match (the message then gives both digests).
 */
export async function verifyDigest(bytes: DigestInput, digest: string): Promise<void> {
  assertDigest(digest);
  const algorithm = digest.slice(0, digest.indexOf(':')) as DigestAlgorithm;
  const actual = await computeDigest(algorithm, bytes);
  if (actual !== digest) {
    throw new RegistryError('DIGEST_INVALID', `content does not match digest ${digest} (it is ${actual})`, {
      expected: digest,
      actual,
    });
  }
}

function toHex(bytes: Uint8Array): string {
  let hex = '';
  for (const byte of bytes) hex += byte.toString(16).padStart(2, '0');
  return hex;
}
