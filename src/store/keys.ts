/**
 * The KV key layout, and the Cache API keys in front of it, in one place (design.md "Storage").
 * Keys are versioned: a change of layout or value encoding gets a new prefix, and old keys
 * simply age out.
 *
 * | KV key                                           | value                         | metadata          |
 * |--------------------------------------------------|-------------------------------|-------------------|
 * | `v1:tag:<registry>/<repository>:<tag>`           | the tag's top-level manifest  | ManifestMetadata  |
 * |                                                  | bytes, exactly as received    |                   |
 * | `v1:manifest:<registry>/<repository>@<digest>`   | the manifest bytes of digest  | ManifestMetadata  |
 * | `v1:missing:<registry>/<repository>:<tag>`       | empty: the origin said 404    | `{ expiresAt }`   |
 * | `v1:missing:<registry>/<repository>@<digest>`    | (negative cache, NEGATIVE_TTL)| ms since epoch    |
 * | `v1:taglist:<registry>/<repository>`             | JSON array of the origin's    | `{ storedAt }`    |
 * |                                                  | tags (tags/list, ~60 s)       |                   |
 *
 * `missing` and `taglist` keys are written with a KV `expirationTtl` (at least 60 s, KV's
 * minimum) so they clean themselves up; readers check the timestamps in the metadata, which
 * is what makes a negative TTL below 60 s work.
 *
 * Cache API keys (per data centre, `caches.default`) are synthetic URLs on a host nobody can
 * reach, so nothing outside the worker can read or poison them:
 *
 * | Cache API key                                                            | kept for            |
 * |--------------------------------------------------------------------------|---------------------|
 * | `https://manifest-cache.internal/v1/manifest/<registry>/<repository>@<digest>` | a year (immutable)  |
 * | `https://manifest-cache.internal/v1/tag/<registry>/<repository>:<tag>`  | min(TAG_TTL, 30 s)  |
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

/** The negative-cache key of a tag (`:tag`) or digest (`@digest`) the origin does not have. */
export function missingKey(image: ImageKey, reference: string): string {
  const separator = reference.includes(':') ? '@' : ':';
  return `${KEY_VERSION}:missing:${image.registry}/${image.repository}${separator}${reference}`;
}

/** The origin's tag list of a repository, cached briefly for `tags/list`. */
export function tagListKey(image: ImageKey): string {
  return `${KEY_VERSION}:taglist:${image.registry}/${image.repository}`;
}

const EDGE_ORIGIN = 'https://manifest-cache.internal';

/** The Cache API key of a tag. */
export function edgeTagUrl(image: ImageKey, tag: string): string {
  return `${EDGE_ORIGIN}/${KEY_VERSION}/tag/${image.registry}/${image.repository}:${tag}`;
}

/** The Cache API key of a manifest by digest. */
export function edgeManifestUrl(image: ImageKey, digest: string): string {
  return `${EDGE_ORIGIN}/${KEY_VERSION}/manifest/${image.registry}/${image.repository}@${digest}`;
}
