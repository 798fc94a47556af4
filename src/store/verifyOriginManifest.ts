/**
 * Checks a manifest from the origin before it is stored or served (issue 3, item 2): its bytes
 * must hash to the digest the origin stated and, by digest, to the digest asked for, and they
 * must parse as an index or image manifest. The RegistryClient verifies too; this is the
 * store's own guard, since nothing unverified may reach KV. Failures are BAD_GATEWAY: the
 * origin's answer is refused, not the client's request.
 */
import { digestMatches, sha256Digest } from '../oci/digest';
import { parseManifest, type ParsedManifest } from '../oci/manifest';
import { RegistryError } from '../oci/RegistryError';
import type { UpstreamManifest } from '../upstream/Upstream';
import type { ManifestRecord } from './ManifestRecord';

export interface VerifiedManifest {
  record: ManifestRecord;
  parsed: ParsedManifest;
}

/**
 * @param what the reference, for messages: `docker.io/library/golang:1.23`
 * @param expectedDigest the digest asked for, when fetching by digest
 */
export async function verifyOriginManifest(
  manifest: UpstreamManifest,
  what: string,
  now: number,
  expectedDigest?: string,
): Promise<VerifiedManifest> {
  const { bytes } = manifest;
  const actual = await sha256Digest(bytes);
  for (const digest of [manifest.digest, expectedDigest]) {
    if (digest !== undefined && !(await matches(bytes, digest))) {
      throw new RegistryError(
        'BAD_GATEWAY',
        `the origin registry's manifest for ${what} does not match digest ${digest}; it was not stored`,
        { expected: digest, actual },
      );
    }
  }
  let parsed: ParsedManifest;
  try {
    parsed = parseManifest(bytes, manifest.mediaType);
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new RegistryError('BAD_GATEWAY', `the origin registry's manifest for ${what} is invalid: ${reason}`);
  }
  // Tags are stored under their sha256, as ManifestStore computes it.
  return { record: { bytes, digest: expectedDigest ?? actual, mediaType: parsed.mediaType, storedAt: now }, parsed };
}

async function matches(bytes: Uint8Array, digest: string): Promise<boolean> {
  try {
    return await digestMatches(bytes, digest);
  } catch {
    return false; // a malformed or unsupported digest verifies nothing
  }
}
