/**
 * Where manifests come from, as the resolver sees it: the KV store today, the pull-through
 * store (KV in front of an origin registry) when one is configured.
 */
import type { ImageKey } from '../store/keys';
import type { ManifestRecord } from '../store/ManifestRecord';

export interface ManifestSource {
  getTag(image: ImageKey, tag: string): Promise<ManifestRecord | null>;
  getManifest(image: ImageKey, digest: string): Promise<ManifestRecord | null>;
}
