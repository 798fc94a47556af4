/**
 * The KV key layout, in one place (design.md "Storage"). Keys are versioned: a change of
 * layout or value encoding gets a new prefix, and old keys simply age out.
 *
 * | key                                              | value                         | metadata          |
 * |--------------------------------------------------|-------------------------------|-------------------|
 * | `v1:tag:<registry>/<repository>:<tag>`           | the tag's top-level manifest  | ManifestMetadata  |
 * |                                                  | bytes, exactly as received    |                   |
 * | `v1:manifest:<registry>/<repository>@<digest>`   | the manifest bytes of digest  | ManifestMetadata  |
 *
 * Manifests by digest are scoped to their repository, as a registry scopes them: a digest
 * known under one repository is not served under another (that would leak private images).
 */
export const KEY_VERSION = 'v1';

export interface ImageKey {
  registry: string;
  repository: string;
}

export function tagKey(image: ImageKey, tag: string): string {
  return `${tagPrefix(image)}${tag}`;
}

/** The prefix shared by every tag key of one repository, for listing its tags. */
export function tagPrefix(image: ImageKey): string {
  return `${KEY_VERSION}:tag:${image.registry}/${image.repository}:`;
}

export function manifestKey(image: ImageKey, digest: string): string {
  return `${KEY_VERSION}:manifest:${image.registry}/${image.repository}@${digest}`;
}
