/**
 * Manifest media types (OCI image-spec media-types.md; Docker image manifest v2 schema 2 and
 * schema 1 specifications) and predicates over them.
 *
 * | kind             | OCI                                          | Docker                                                      |
 * | ---------------- | -------------------------------------------- | ----------------------------------------------------------- |
 * | index            | `application/vnd.oci.image.index.v1+json`    | `application/vnd.docker.distribution.manifest.list.v2+json` |
 * | image manifest   | `application/vnd.oci.image.manifest.v1+json` | `application/vnd.docker.distribution.manifest.v2+json`      |
 * | schema 1 (legacy)| —                                            | `…manifest.v1+json`, `…manifest.v1+prettyjws` (signed)      |
 *
 * Predicates compare the essence of a media type: lower-cased, parameters and whitespace
 * removed, so a `Content-Type: application/vnd.oci.image.index.v1+json; charset=utf-8` counts.
 */

/** OCI image index. */
export const OCI_INDEX_MEDIA_TYPE = 'application/vnd.oci.image.index.v1+json';
/** OCI image manifest. */
export const OCI_MANIFEST_MEDIA_TYPE = 'application/vnd.oci.image.manifest.v1+json';
/** Docker manifest list (v2 schema 2). */
export const DOCKER_MANIFEST_LIST_MEDIA_TYPE = 'application/vnd.docker.distribution.manifest.list.v2+json';
/** Docker image manifest v2 schema 2. */
export const DOCKER_MANIFEST_MEDIA_TYPE = 'application/vnd.docker.distribution.manifest.v2+json';
/** Docker image manifest v2 schema 1, unsigned (deprecated). */
export const DOCKER_SCHEMA1_MEDIA_TYPE = 'application/vnd.docker.distribution.manifest.v1+json';
/** Docker image manifest v2 schema 1, signed JWS (deprecated). */
export const DOCKER_SCHEMA1_SIGNED_MEDIA_TYPE = 'application/vnd.docker.distribution.manifest.v1+prettyjws';
/** OCI image configuration. */
export const OCI_CONFIG_MEDIA_TYPE = 'application/vnd.oci.image.config.v1+json';
/** Docker image configuration. */
export const DOCKER_CONFIG_MEDIA_TYPE = 'application/vnd.docker.container.image.v1+json';
/** The OCI empty descriptor (`{}`), the config of artifacts that have none. */
export const OCI_EMPTY_MEDIA_TYPE = 'application/vnd.oci.empty.v1+json';

/** Index media types, OCI first. */
export const INDEX_MEDIA_TYPES: readonly string[] = [OCI_INDEX_MEDIA_TYPE, DOCKER_MANIFEST_LIST_MEDIA_TYPE];

/** Image manifest media types that can appear in an index, OCI first. */
export const IMAGE_MANIFEST_MEDIA_TYPES: readonly string[] = [OCI_MANIFEST_MEDIA_TYPE, DOCKER_MANIFEST_MEDIA_TYPE];

/** Docker schema 1 media types, which this worker recognises but does not serve. */
export const SCHEMA1_MEDIA_TYPES: readonly string[] = [DOCKER_SCHEMA1_SIGNED_MEDIA_TYPE, DOCKER_SCHEMA1_MEDIA_TYPE];

/**
 * Every manifest media type, for the `Accept` header a puller sends upstream: indexes first,
 * then image manifests, then schema 1 (so that a registry holding only schema 1 says so with
 * its content type rather than a 404, and `parseManifest` can refuse it clearly).
 */
export const ALL_MANIFEST_MEDIA_TYPES: readonly string[] = [
  ...INDEX_MEDIA_TYPES,
  ...IMAGE_MANIFEST_MEDIA_TYPES,
  ...SCHEMA1_MEDIA_TYPES,
];

/**
 * The essence of a media type or `Content-Type` value: `type/subtype`, lower-cased, without
 * parameters or whitespace.
 * @example mediaTypeEssence(' Application/JSON; charset=utf-8') // → 'application/json'
 */
export function mediaTypeEssence(contentType: string): string {
  const semicolon = contentType.indexOf(';');
  return (semicolon === -1 ? contentType : contentType.slice(0, semicolon)).trim().toLowerCase();
}

/** True for an OCI image index or a Docker manifest list. */
export function isIndexMediaType(mediaType: string): boolean {
  return INDEX_MEDIA_TYPES.includes(mediaTypeEssence(mediaType));
}

/** True for an OCI image manifest or a Docker v2 schema 2 manifest (not schema 1). */
export function isImageManifestMediaType(mediaType: string): boolean {
  return IMAGE_MANIFEST_MEDIA_TYPES.includes(mediaTypeEssence(mediaType));
}

/** True for a Docker v2 schema 1 manifest, signed or not. */
export function isSchema1MediaType(mediaType: string): boolean {
  return SCHEMA1_MEDIA_TYPES.includes(mediaTypeEssence(mediaType));
}
