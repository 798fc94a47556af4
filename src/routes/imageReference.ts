/**
 * Turns the name and reference parts of a registry path into a validated ImageReference.
 *
 * containerd, when it uses this worker as a mirror (`hosts.toml`), adds `?ns=<registry>` to
 * say which registry the name belongs to (`/v2/owner/app/manifests/v1?ns=ghcr.io`). A name
 * without a host prefix is then on that registry rather than on DEFAULT_REGISTRY.
 */
import { assertDigest, assertTag } from '../oci/grammar';
import { parseImageName, type ImageName, type ImageReference } from '../oci/reference';
import { normalizeRegistryHost } from '../oci/registryHost';
import type { Config } from '../config/config';

/** The image a registry path names, honouring containerd's `ns` query parameter of `url`. */
export function registryImageName(url: URL, name: string, config: Config): ImageName {
  const ns = url.searchParams.get('ns');
  const defaultRegistry = ns ? normalizeRegistryHost(ns) : config.defaultRegistry;
  return parseImageName(name, { defaultRegistry });
}

/** `reference` is a tag or a digest, as in `/v2/<name>/manifests/<reference>`. */
export function registryReference(url: URL, name: string, reference: string, config: Config): ImageReference {
  const image = registryImageName(url, name, config);
  if (reference.includes(':')) {
    assertDigest(reference);
    return { image, digest: reference, reference };
  }
  assertTag(reference);
  return { image, tag: reference, reference };
}
