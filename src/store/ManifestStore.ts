/**
 * The KV tier (docs/architecture.md, "KV"): reads and writes of manifests by digest and of tags,
 * in the layout of src/store/keys.ts. KV is global and holds content: callers write only when
 * content changes (a new tag digest, a manifest not yet stored), and only verified manifests.
 * Reads give the bytes and metadata as stored; they are verified where they enter isolate memory.
 */
import type { ImageKey } from '../oci/reference';
import type { VerifiedManifest } from '../oci/VerifiedManifest';
import type { BinaryKV } from './BinaryKV';
import { manifestKey, tagKey, tagPrefix } from './keys';
import { isManifestMetadata, type ManifestMetadata, type StoredBytes } from './ManifestRecord';

export class ManifestStore {
  constructor(
    private readonly kv: BinaryKV,
    private readonly now: () => number = Date.now,
  ) {}

  /** The tag's current top-level manifest as stored, or null. */
  getTag(image: ImageKey, tag: string): Promise<StoredBytes | null> {
    return this.read(tagKey(image, tag));
  }

  /** The manifest stored under `digest` in this repository, or null. */
  async getManifest(image: ImageKey, digest: string): Promise<StoredBytes | null> {
    const stored = await this.read(manifestKey(image, digest));
    return stored && stored.digest === digest ? stored : null;
  }

  /** Stores `manifest` by its digest, then as the tag (two writes); returns the time written. */
  async putTag(image: ImageKey, tag: string, manifest: VerifiedManifest): Promise<number> {
    const storedAt = this.now();
    await this.write(manifestKey(image, manifest.digest), manifest, storedAt);
    await this.write(tagKey(image, tag), manifest, storedAt);
    return storedAt;
  }

  /** Stores `manifest` by its digest (one write); returns the time written. */
  async putManifest(image: ImageKey, manifest: VerifiedManifest): Promise<number> {
    const storedAt = this.now();
    await this.write(manifestKey(image, manifest.digest), manifest, storedAt);
    return storedAt;
  }

  /** Removes the tag (its manifests by digest stay: they are immutable). True if it existed. */
  async deleteTag(image: ImageKey, tag: string): Promise<boolean> {
    const key = tagKey(image, tag);
    const existing = await this.kv.getWithMetadata(key, 'arrayBuffer');
    if (existing.value === null) return false;
    await this.kv.delete(key);
    return true;
  }

  /** The stored tags of a repository, sorted, for `tags/list`. */
  async listTags(image: ImageKey): Promise<string[]> {
    const prefix = tagPrefix(image);
    const tags: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.kv.list({ prefix, cursor: cursor ?? null });
      for (const { name } of page.keys) tags.push(name.slice(prefix.length));
      cursor = page.list_complete ? undefined : page.cursor;
    } while (cursor);
    return tags.sort();
  }

  private async read(key: string): Promise<StoredBytes | null> {
    const { value, metadata } = await this.kv.getWithMetadata<ManifestMetadata>(key, 'arrayBuffer');
    if (value === null || !isManifestMetadata(metadata)) return null;
    return { bytes: new Uint8Array(value), digest: metadata.digest, mediaType: metadata.mediaType, storedAt: metadata.storedAt };
  }

  private write(key: string, manifest: VerifiedManifest, storedAt: number): Promise<void> {
    const metadata: ManifestMetadata = { digest: manifest.digest, mediaType: manifest.mediaType, storedAt };
    return this.kv.put(key, manifest.bytes, { metadata });
  }
}
