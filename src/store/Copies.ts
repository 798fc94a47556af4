/**
 * The copies of tags and manifests below the origin, for one request (docs/architecture.md, "The
 * storage model"): isolate memory, this data centre's Cache API and KV — how each is read, how a
 * copy read from the Cache API or KV is verified as it enters memory, and how copies are kept.
 * What to read when, and when to ask the origin, is src/store/ImageStore.ts's business.
 */
import type { Config } from '../config/config';
import type { ImageKey } from '../oci/reference';
import { verifyManifest, type VerifiedManifest } from '../oci/VerifiedManifest';
import type { EdgeCache } from './EdgeCache';
import type { IsolateState } from './IsolateState';
import { edgeManifestUrl, edgeTagUrl, manifestKey, tagKey } from './keys';
import type { StoredBytes } from './ManifestRecord';
import type { ManifestStore } from './ManifestStore';

/** The longest a tag whose source is KV is answered without reading KV again. */
export const KV_TAG_TTL = 30;
/** Manifests by digest never change: the Cache API keeps them a year. */
const IMMUTABLE_TTL = 365 * 24 * 3600;

/** A tag as memory and the Cache API hold it. */
export interface TagEntry {
  manifest: VerifiedManifest;
  /** When its content was stored in KV (ms since the epoch). */
  storedAt: number;
  /** When this data centre last confirmed the digest with the tag's source. */
  checkedAt: number;
}

/** A manifest by digest as memory holds it. */
export interface ManifestSlot {
  manifest: VerifiedManifest;
  storedAt: number;
}

export interface CopiesOptions {
  kv: ManifestStore;
  edge: EdgeCache;
  isolate: IsolateState;
  freshness: Config['freshness'];
  now: () => number;
  defer: (task: () => Promise<unknown>) => void;
}

export class Copies {
  constructor(private readonly options: CopiesOptions) {}

  /** How long a tag is fresh, in seconds: TAG_TTL, and at most KV_TAG_TTL where KV is its source. */
  tagTtl(pulledThrough: boolean): number {
    const { tagTtl } = this.options.freshness;
    return pulledThrough ? tagTtl : Math.min(tagTtl, KV_TAG_TTL);
  }

  memoryTag(image: ImageKey, tag: string): TagEntry | undefined {
    return this.options.isolate.memory.get<TagEntry>(tagKey(image, tag));
  }

  memoryManifest(image: ImageKey, digest: string): ManifestSlot | undefined {
    return this.options.isolate.memory.get<ManifestSlot>(manifestKey(image, digest));
  }

  /** The tag in this data centre's Cache API, verified; null when absent or unreadable. */
  async edgeTag(image: ImageKey, tag: string): Promise<TagEntry | null> {
    const url = edgeTagUrl(image, tag);
    const cached = await this.options.edge.get(url);
    if (!cached) return null;
    const { meta } = cached;
    const storedAt = Number(meta['stored-at']);
    const checkedAt = Number(meta['checked-at']);
    const slot = await this.arrive(image, { bytes: cached.body, digest: meta.digest ?? '', mediaType: meta['media-type'] ?? '', storedAt }, url);
    if (!slot || !Number.isFinite(checkedAt)) return null;
    return { manifest: slot.manifest, storedAt, checkedAt };
  }

  /** The tag in KV, verified, as confirmed at `checkedAt` (reading KV confirms a KV-only tag), else when stored. */
  async kvTag(image: ImageKey, tag: string, checkedAt?: number): Promise<TagEntry | null> {
    const stored = await this.options.kv.getTag(image, tag);
    const slot = stored && (await this.arrive(image, stored, tagKey(image, tag)));
    return slot && { ...slot, checkedAt: checkedAt ?? slot.storedAt };
  }

  /** The manifest in this data centre's Cache API, verified; null when absent or unreadable. */
  async edgeManifest(image: ImageKey, digest: string): Promise<ManifestSlot | null> {
    const url = edgeManifestUrl(image, digest);
    const cached = await this.options.edge.get(url);
    if (!cached) return null;
    const storedAt = Number(cached.meta['stored-at']);
    return this.arrive(image, { bytes: cached.body, digest, mediaType: cached.meta['media-type'] ?? '', storedAt }, url);
  }

  /** The manifest in KV, verified; null when absent or unreadable. */
  async kvManifest(image: ImageKey, digest: string): Promise<ManifestSlot | null> {
    const stored = await this.options.kv.getManifest(image, digest);
    return stored && this.arrive(image, stored, manifestKey(image, digest));
  }

  /** Keeps a tag in memory now, and in this data centre's Cache API after the response. */
  keepTag(image: ImageKey, tag: string, entry: TagEntry, pulledThrough: boolean): void {
    this.rememberTag(image, tag, entry);
    this.options.defer(() => this.putEdgeTag(image, tag, entry, pulledThrough));
  }

  rememberTag(image: ImageKey, tag: string, entry: TagEntry): void {
    this.options.isolate.memory.set(tagKey(image, tag), entry, entry.manifest.weight);
  }

  /** The Cache API keeps a tag as long as it may be served: STALE_TTL, or KV_TAG_TTL where KV is the source. */
  putEdgeTag(image: ImageKey, tag: string, entry: TagEntry, pulledThrough: boolean): Promise<void> {
    const ttl = pulledThrough ? this.options.freshness.staleTtl : this.tagTtl(false);
    const { manifest, storedAt, checkedAt } = entry;
    const meta = { digest: manifest.digest, 'media-type': manifest.mediaType, 'stored-at': String(storedAt), 'checked-at': String(checkedAt) };
    return this.options.edge.put(edgeTagUrl(image, tag), { body: manifest.bytes, meta }, ttl - (this.options.now() - checkedAt) / 1000);
  }

  /** Keeps a manifest in memory now; with `edge`, in this data centre's Cache API after the response. */
  keepManifest(image: ImageKey, slot: ManifestSlot, edge: boolean): void {
    this.options.isolate.memory.set(manifestKey(image, slot.manifest.digest), slot, slot.manifest.weight);
    if (!edge) return;
    const meta = { 'media-type': slot.manifest.mediaType, 'stored-at': String(slot.storedAt) };
    this.options.defer(() => this.options.edge.put(edgeManifestUrl(image, slot.manifest.digest), { body: slot.manifest.bytes, meta }, IMMUTABLE_TTL));
  }

  /** Forgets the tag in memory and this data centre's Cache API. */
  async forgetTag(image: ImageKey, tag: string): Promise<void> {
    this.options.isolate.memory.delete(tagKey(image, tag));
    await this.options.edge.delete(edgeTagUrl(image, tag));
  }

  /**
   * Bytes from the Cache API or KV entering memory: verified against the digest they were stored
   * under, unless memory already holds that manifest (then its verified value is used). Bytes
   * that fail are logged and treated as absent.
   */
  private async arrive(image: ImageKey, stored: StoredBytes, where: string): Promise<ManifestSlot | null> {
    const known = this.memoryManifest(image, stored.digest);
    if (known) return { manifest: known.manifest, storedAt: stored.storedAt };
    try {
      const manifest = await verifyManifest(stored.bytes, { digest: stored.digest, contentType: stored.mediaType });
      return { manifest, storedAt: Number.isFinite(stored.storedAt) ? stored.storedAt : 0 };
    } catch (err) {
      console.error(`${where}: stored bytes refused:`, err instanceof Error ? err.message : String(err));
      return null;
    }
  }
}
