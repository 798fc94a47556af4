/** Turns the name and reference parts of a registry path into a validated ImageReference. */
import { assertDigest, assertTag } from '../oci/grammar';
import { parseImageName, type ImageReference } from '../oci/reference';
import type { Config } from '../config/config';

/** `reference` is a tag or a digest, as in `/v2/<name>/manifests/<reference>`. */
export function registryReference(name: string, reference: string, config: Config): ImageReference {
  const image = parseImageName(name, { defaultRegistry: config.defaultRegistry });
  if (reference.includes(':')) {
    assertDigest(reference);
    return { image, digest: reference, reference };
  }
  assertTag(reference);
  return { image, tag: reference, reference };
}
