/**
 * The manifest store over KV (design.md "Storage"). It owns reads and writes of manifests and
 * tags, and refuses to store bytes whose digest is not the one they are stored under. It knows
 * nothing of platforms or HTTP.
 */
import { digestMatches, sha256Digest } from '../oci/digest';
import { RegistryError } from '../oci/RegistryError';
import type { BinaryKV } from './BinaryKV';
import { manifestKey, tagKey, tagPrefix, type ImageKey } from './keys';
import { isManifestMetadata, type ManifestMetadata, type ManifestRecord } from './ManifestRecord';

export class ManifestStore {
  constructor(
    private readonly kv: BinaryKV,
    private readonly now: () => number = Date.now,
  ) {}

  /** The tag's current top-level manifest, or null when the tag is not stored. */
  getTag(image: ImageKey, tag: string): Promise<ManifestRecord | null> {
    return this.read(tagKey(image, tag));
  }

  /** The manifest with this digest in this repository, or null. */
  async getManifest(image: ImageKey, digest: string): Promise<ManifestRecord | null> {
    const record = await this.read(manifestKey(image, digest));
    return record && record.digest === digest ? record : null;
  }

  /**
   * Stores `bytes` as the tag's manifest, and by digest too. The digest is computed here; when
   * the caller states one (`expectedDigest`), the bytes must hash to it.
   */
  async putTag(
    image: ImageKey,
    tag: string,
    bytes: Uint8Array,
    mediaType: string,
    expectedDigest?: string,
  ): Promise<ManifestRecord> {
    const digest = await sha256Digest(bytes);
    if (expectedDigest !== undefined && !(await digestMatches(bytes, expectedDigest))) {
      throw mismatch(expectedDigest, digest);
    }
    const record: ManifestRecord = { bytes, digest, mediaType, storedAt: this.now() };
    await this.write(manifestKey(image, digest), record);
    await this.write(tagKey(image, tag), record);
    return record;
  }

  /** Stores `bytes` under `digest`; refuses bytes that do not hash to it. */
  async putManifest(image: ImageKey, digest: string, bytes: Uint8Array, mediaType: string): Promise<ManifestRecord> {
    if (!(await digestMatches(bytes, digest))) throw mismatch(digest, await sha256Digest(bytes));
    const record: ManifestRecord = { bytes, digest, mediaType, storedAt: this.now() };
    await this.write(manifestKey(image, digest), record);
    return record;
  }

  /**
   * Rewrites the tag with the same bytes and a new `storedAt`: the origin confirmed the digest
   * (a revalidation). One KV write; the bytes were verified when they were first stored.
   */
  async restampTag(image: ImageKey, tag: string, record: ManifestRecord): Promise<ManifestRecord> {
    const restamped: ManifestRecord = { bytes: record.bytes, digest: record.digest, mediaType: record.mediaType, storedAt: this.now() };
    await this.write(tagKey(image, tag), restamped);
    return restamped;
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

  private async read(key: string): Promise<ManifestRecord | null> {
    const { value, metadata } = await this.kv.getWithMetadata<ManifestMetadata>(key, 'arrayBuffer');
    if (value === null || !isManifestMetadata(metadata)) return null;
    return { bytes: new Uint8Array(value), digest: metadata.digest, mediaType: metadata.mediaType, storedAt: metadata.storedAt };
  }

  private write(key: string, record: ManifestRecord): Promise<void> {
    const metadata: ManifestMetadata = { digest: record.digest, mediaType: record.mediaType, storedAt: record.storedAt };
    return this.kv.put(key, record.bytes, { metadata });
  }
}

function mismatch(expected: string, actual: string): RegistryError {
  return new RegistryError('DIGEST_INVALID', `manifest content does not match digest ${expected}`, {
    expected,
    actual,
  });
}
