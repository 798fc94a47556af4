/**
 * Checking a manifest an origin registry sent before anyone stores or serves it (a miss
 * fills the store: docs/architecture.md, "A tag's source and its freshness"; OCI distribution-spec
 * "Pulling manifests": the client SHOULD verify the digest; OCI image-spec descriptor.md
 * "Verification"):
 *
 * 1. its sha256 is computed;
 * 2. when the registry sent `Docker-Content-Digest`, the bytes must have that digest;
 * 3. when it was asked for by digest, the bytes must have the digest asked for;
 * 4. it must parse and validate as an index or image manifest (`parseManifest`), which also
 *    gives its media type from the `mediaType` field or the `Content-Type`.
 *
 * Any failure is BAD_GATEWAY: the upstream sent something we refuse, never passed on.
 */
import { isValidDigest } from '../oci/grammar';
import { RegistryError } from '../oci/RegistryError';
import { verifyManifest, type VerifiedManifest } from '../oci/VerifiedManifest';

/** A manifest as received, with what the registry said about it. */
export interface ReceivedManifest {
  /** Who sent it, for messages: `upstream docker.io`. */
  label: string;
  /** `<repository>:<tag>` or `<repository>@<digest>`, for messages. */
  name: string;
  /** The tag or digest asked for. */
  reference: string;
  bytes: Uint8Array;
  contentType: string | null;
  dockerContentDigest: string | null;
}

/**
 * The verified manifest, hashed and parsed once (src/oci/VerifiedManifest.ts). Throws
 * BAD_GATEWAY for a digest mismatch or an invalid manifest.
 * @example
 * await verifyUpstreamManifest({ label: 'upstream ghcr.io', name: 'o/a:v1', reference: 'v1', bytes, contentType,
 *   dockerContentDigest }) // → { bytes, digest: 'sha256:…', mediaType: 'application/vnd.oci.image.index.v1+json', … }
 */
export async function verifyUpstreamManifest(received: ReceivedManifest): Promise<VerifiedManifest> {
  const { label, name, reference, bytes } = received;
  const stated = received.dockerContentDigest?.trim() || undefined;
  if (stated !== undefined && !isValidDigest(stated)) {
    throw new RegistryError('BAD_GATEWAY', `${label} sent an invalid Docker-Content-Digest for manifest ${name}`, {
      reference,
    });
  }
  const asked = isValidDigest(reference) ? reference : undefined;
  try {
    return await verifyManifest(bytes, { contentType: received.contentType ?? undefined, digest: asked, stated });
  } catch (error) {
    if (!(error instanceof RegistryError)) throw error;
    if (error.code === 'DIGEST_INVALID') {
      const { expected, actual } = error.detail as { expected: string; actual: string };
      const message = expected === stated
        ? `${label} sent manifest ${name} with Docker-Content-Digest ${expected}, but its content is ${actual}`
        : `${label} sent content ${actual} for manifest ${name}`;
      throw new RegistryError('BAD_GATEWAY', `${message}; refusing it`, { expected, actual });
    }
    if (error.code === 'MANIFEST_INVALID') {
      throw new RegistryError('BAD_GATEWAY', `upstream sent an invalid manifest: ${error.message}`, {
        upstream: label,
        manifest: name,
        ...(error.detail !== undefined ? { problems: error.detail } : {}),
      });
    }
    throw error;
  }
}
