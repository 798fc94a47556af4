/**
 * Every storage key in one place: KV (global), the Cache API (per data centre) and isolate memory
 * (docs/architecture.md, "Keys"). Keys are versioned: a change of layout or value encoding gets a
 * new prefix, and old keys simply age out.
 *
 * KV holds content only, written when it changes:
 *
 * | KV key                                          | value                                   | metadata         |
 * |-------------------------------------------------|-----------------------------------------|------------------|
 * | `v1:tag:<registry>/<repository>:<tag>`          | the tag's top-level manifest, as received | ManifestMetadata |
 * | `v1:manifest:<registry>/<repository>@<digest>`  | the manifest bytes of that digest        | ManifestMetadata |
 *
 * The Cache API holds what one data centre knows: when it last confirmed each tag with its source
 * (the origin, or KV for a registry without one), origin 404s and tag lists. Its keys are
 * synthetic URLs on a host nobody can reach, so nothing outside the worker can read or poison them:
 *
 * | Cache API key (`https://manifest-cache.internal/v2/…`) | holds                                   |
 * |--------------------------------------------------------|-----------------------------------------|
 * | `tag/<registry>/<repository>:<tag>`                     | the tag's manifest, stored and checked times |
 * | `manifest/<registry>/<repository>@<digest>`             | a manifest by digest (immutable)        |
 * | `missing/<registry>/<repository>:<tag>` or `@<digest>`  | an origin 404, until NEGATIVE_TTL ends   |
 * | `taglist/<registry>/<repository>`                       | the origin's tags/list                  |
 *
 * Isolate memory (src/store/MemoryCache.ts) uses the KV and Cache API keys themselves.
 *
 * Manifests by digest are scoped to their repository, as a registry scopes them: a digest known
 * under one repository is not served under another (that would leak private images).
 */
import type { ImageKey } from '../oci/reference';

export const KEY_VERSION = 'v1';

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

/** The Cache API's keys; `v2` since tags carry their checked time. */
const EDGE = 'https://manifest-cache.internal/v2';

/** The Cache API key of a tag. */
export function edgeTagUrl(image: ImageKey, tag: string): string {
  return `${EDGE}/tag/${image.registry}/${image.repository}:${tag}`;
}

/** The Cache API key of a manifest by digest. */
export function edgeManifestUrl(image: ImageKey, digest: string): string {
  return `${EDGE}/manifest/${image.registry}/${image.repository}@${digest}`;
}

/** The Cache API key of an origin 404 for a tag (`:tag`) or digest (`@digest`). */
export function edgeMissingUrl(image: ImageKey, reference: string): string {
  const separator = reference.includes(':') ? '@' : ':';
  return `${EDGE}/missing/${image.registry}/${image.repository}${separator}${reference}`;
}

/** The Cache API key of a repository's tag list from its origin. */
export function edgeTagListUrl(image: ImageKey): string {
  return `${EDGE}/taglist/${image.registry}/${image.repository}`;
}
