// Builders for index entries in selection tables: the digest is the row's label, so a test
// names the expected choice by label.
import { parsePlatform } from '../../src/platform/parsePlatform';
import { toOciPlatform } from '../../src/platform/ociPlatform';
import type { IndexEntry, OciPlatform } from '../../src/platform/Platform';

export const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
export const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
export const DOCKER_MANIFEST = 'application/vnd.docker.distribution.manifest.v2+json';
export const DOCKER_LIST = 'application/vnd.docker.distribution.manifest.list.v2+json';

/**
 * An OCI image manifest entry labelled `label`. `platform` is a specifier written as-is (not
 * normalized: `linux/arm64/v8` keeps its `v8`), a raw OCI platform object, or null for none.
 * Without `platform`, the label itself is the specifier.
 */
export function entry(
  label: string,
  platform: string | OciPlatform | null = label,
  extra: Partial<IndexEntry> = {},
): IndexEntry {
  const e: IndexEntry = { mediaType: OCI_MANIFEST, digest: label, size: 1, ...extra };
  if (platform !== null) e.platform = typeof platform === 'string' ? toOciPlatform(parsePlatform(platform)) : platform;
  return e;
}

/** A buildx attestation manifest for the image at `subject`. */
export function attestation(label: string, subject = 'sha256:subject'): IndexEntry {
  return entry(label, { os: 'unknown', architecture: 'unknown' }, {
    annotations: { 'vnd.docker.reference.type': 'attestation-manifest', 'vnd.docker.reference.digest': subject },
  });
}
