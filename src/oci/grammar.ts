/**
 * The distribution-spec grammar for repository names, tags and digests
 * (OCI distribution-spec "Pulling manifests"; image-spec descriptor.md "Digests").
 *
 * | part   | grammar                                                                   | limit          |
 * | ------ | ------------------------------------------------------------------------- | -------------- |
 * | name   | `[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*(\/[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*)*` | 255 characters |
 * | tag    | `[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}`                                       | 128 characters |
 * | digest | `[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]+`                           | see below      |
 *
 * Only the registered digest algorithms are accepted: `sha256` with exactly 64 and `sha512` with
 * exactly 128 lower-case hex characters. A digest with any other algorithm matches the grammar
 * but is refused, because every digest this worker handles must be one it can verify.
 *
 * The `is…` predicates answer yes/no; the `assert…` functions throw a `RegistryError`
 * (NAME_INVALID, TAG_INVALID, DIGEST_INVALID) whose message quotes the input and says why.
 */
import { RegistryError } from './RegistryError';

/** A repository name: lower-case path components joined by `/`. */
export const NAME_PATTERN =
  /^[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*)*$/;

/** The longest repository name clients accept. */
export const MAX_NAME_LENGTH = 255;

/** A tag: up to 128 characters, not starting with `.` or `-`. */
export const TAG_PATTERN = /^[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}$/;

/** A digest of any algorithm: `algorithm:encoded`. */
export const DIGEST_PATTERN = /^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/;

/** The digest algorithms this worker accepts and can compute, with their encoded form. */
export const DIGEST_ALGORITHMS = {
  sha256: /^[a-f0-9]{64}$/,
  sha512: /^[a-f0-9]{128}$/,
} as const;

/** A registered digest algorithm. */
export type DigestAlgorithm = keyof typeof DIGEST_ALGORITHMS;

const HEX_LENGTH: Record<DigestAlgorithm, number> = { sha256: 64, sha512: 128 };

/** Longest stretch of user input repeated in an error message. */
const QUOTE_LIMIT = 100;

/**
 * Quotes user input for an error message: JSON-escaped, cut to about 100 characters.
 * @example quote('a"b') // → '"a\\"b"'
 */
export function quote(input: string): string {
  const cut = input.length > QUOTE_LIMIT ? `${input.slice(0, QUOTE_LIMIT)}…` : input;
  return JSON.stringify(cut);
}

/** True if `name` is a valid repository name (grammar and length). */
export function isValidName(name: string): boolean {
  return name.length <= MAX_NAME_LENGTH && NAME_PATTERN.test(name);
}

/** True if `tag` is a valid tag. */
export function isValidTag(tag: string): boolean {
  return TAG_PATTERN.test(tag);
}

/** True if `digest` is a valid digest of a registered algorithm (`sha256` or `sha512`). */
export function isValidDigest(digest: string): boolean {
  return digestProblem(digest) === undefined;
}

/**
 * Throws NAME_INVALID unless `name` is a valid repository name.
 * @example assertName('library/golang') // ok
 * @example assertName('Library/golang') // throws: invalid repository name "Library/golang": must be lower-case
 */
export function assertName(name: string): void {
  const problem = nameProblem(name);
  if (problem !== undefined) {
    throw new RegistryError('NAME_INVALID', `invalid repository name ${quote(name)}: ${problem}`);
  }
}

/**
 * Throws TAG_INVALID unless `tag` is a valid tag.
 * @example assertTag('1.23-bookworm') // ok
 * @example assertTag('-rc1') // throws
 */
export function assertTag(tag: string): void {
  const problem = tagProblem(tag);
  if (problem !== undefined) {
    throw new RegistryError('TAG_INVALID', `invalid tag ${quote(tag)}: ${problem}`);
  }
}

/**
 * Throws DIGEST_INVALID unless `digest` is a valid `sha256:` or `sha512:` digest.
 * @example assertDigest('sha256:' + 'a'.repeat(64)) // ok
 * @example assertDigest('md5:d41d8cd98f00b204e9800998ecf8427e') // throws: unsupported algorithm
 */
export function assertDigest(digest: string): void {
  const problem = digestProblem(digest);
  if (problem !== undefined) {
    throw new RegistryError('DIGEST_INVALID', `invalid digest ${quote(digest)}: ${problem}`);
  }
}

function nameProblem(name: string): string | undefined {
  if (name === '') return 'must not be empty';
  if (name.length > MAX_NAME_LENGTH) return `longer than ${MAX_NAME_LENGTH} characters (${name.length})`;
  if (NAME_PATTERN.test(name)) return undefined;
  if (name !== name.toLowerCase()) return 'must be lower-case';
  if (name.split('/').includes('')) return 'has an empty path component (leading, trailing or double "/")';
  return 'each path component must be lower-case letters and digits, joined by ".", "_", "__" or "-"';
}

function tagProblem(tag: string): string | undefined {
  if (tag === '') return 'must not be empty';
  if (tag.length > 128) return `longer than 128 characters (${tag.length})`;
  if (TAG_PATTERN.test(tag)) return undefined;
  if (!/^[a-zA-Z0-9_]/.test(tag)) return 'must start with a letter, a digit or "_"';
  return 'may contain only letters, digits, "_", "." and "-"';
}

function digestProblem(digest: string): string | undefined {
  if (!DIGEST_PATTERN.test(digest)) return 'not of the form "algorithm:hex"';
  const colon = digest.indexOf(':');
  const algorithm = digest.slice(0, colon);
  const encoded = digest.slice(colon + 1);
  if (!isDigestAlgorithm(algorithm)) {
    return `unsupported algorithm ${quote(algorithm)} (supported: ${Object.keys(DIGEST_ALGORITHMS).join(', ')})`;
  }
  if (!DIGEST_ALGORITHMS[algorithm].test(encoded)) {
    return `a ${algorithm} digest is exactly ${HEX_LENGTH[algorithm]} lower-case hex characters`;
  }
  return undefined;
}

/** True if `algorithm` is one of the registered digest algorithms. */
export function isDigestAlgorithm(algorithm: string): algorithm is DigestAlgorithm {
  return Object.hasOwn(DIGEST_ALGORITHMS, algorithm);
}
