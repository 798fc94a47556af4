/**
 * Turns manifests into Workers KV bulk entries in exactly the store's layout (src/store/keys.ts,
 * src/store/ManifestRecord.ts), verifying every digest first: the seed never writes bytes the
 * worker would refuse.
 */
import { sha256Digest } from '../../src/oci/digest';
import type { ImageKey } from '../../src/oci/reference';
import { manifestKey, tagKey } from '../../src/store/keys';
import type { ManifestMetadata } from '../../src/store/ManifestRecord';

export interface ManifestBlob {
  digest: string;
  mediaType: string;
  bytes: Uint8Array;
}

/** One entry of `wrangler kv bulk put`'s JSON file. */
export interface KvBulkEntry {
  key: string;
  value: string;
  base64: true;
  metadata: ManifestMetadata;
}

export interface SeedPlan {
  image: ImageKey;
  /** Tag → the tag's top-level manifest. */
  tags: Map<string, ManifestBlob>;
  /** Every manifest reachable from the tags (children, nested indexes), by digest. */
  manifests: ManifestBlob[];
}

export async function kvEntries(plan: SeedPlan, storedAt = Date.now()): Promise<KvBulkEntry[]> {
  const entries: KvBulkEntry[] = [];
  const add = async (key: string, blob: ManifestBlob) => {
    const actual = await sha256Digest(blob.bytes);
    if (actual !== blob.digest) throw new Error(`${blob.digest}: content hashes to ${actual}; refusing to seed it`);
    const metadata: ManifestMetadata = { digest: blob.digest, mediaType: blob.mediaType, storedAt };
    entries.push({ key, value: Buffer.from(blob.bytes).toString('base64'), base64: true, metadata });
  };
  const seen = new Set<string>();
  for (const blob of [...plan.tags.values(), ...plan.manifests]) {
    if (seen.has(blob.digest)) continue;
    seen.add(blob.digest);
    await add(manifestKey(plan.image, blob.digest), blob);
  }
  for (const [tag, blob] of plan.tags) await add(tagKey(plan.image, tag), blob);
  return entries;
}
