/**
 * The KV manifest store behind the per-data-centre Cache API, for the pull-through source:
 * reads try the Cache API first (by-digest manifests always; tags only while fresh), writes go
 * to KV and then to the Cache API in the background. KV write failures (KV answers 429 beyond
 * one write per second per key) are logged, not thrown: the manifest has been verified and
 * can still be served, and the next request will try again.
 */
import { RegistryError } from '../oci/RegistryError';
import type { AnswerBasis } from './AnswerBasis';
import { NO_EDGE_CACHE, type EdgeCache } from './EdgeCache';
import type { IsolateState } from './IsolateState';
import { edgeManifestUrl, edgeTagUrl, tagKey, type ImageKey } from './keys';
import type { ManifestRecord } from './ManifestRecord';
import type { ManifestStore } from './ManifestStore';
import type { RequestMetrics } from './RequestMetrics';

/** A year: manifests by digest never change. */
const IMMUTABLE_TTL = 365 * 24 * 3600;
/** The longest a tag is answered from one data centre's Cache API without reading KV. */
export const MAX_EDGE_TAG_TTL = 30;
/** KV takes one write per second per key. */
const KV_WRITE_INTERVAL_MS = 1000;
/**
 * Hot records are answered from isolate memory, before the Cache API: tags for this long (a
 * write elsewhere shows here within it), manifests by digest while they stay in the bounded map.
 * Only manifests up to MEMORY_MAX_BYTES are kept, so the maps hold at most 2 × 256 × 64 KiB.
 * EDGE_CACHE=off turns this off too: every read then goes to KV.
 */
const MEMORY_TAG_MS = 2000;
const MEMORY_MAX_BYTES = 64 * 1024;

export interface EdgeCachedStoreOptions {
  store: ManifestStore;
  edge: EdgeCache;
  isolate: IsolateState;
  metrics: RequestMetrics;
  now: () => number;
  /** Runs work after the response (BackgroundTasks.defer). */
  defer: (task: () => Promise<unknown>) => void;
  /** Told which reads came from isolate memory (src/store/HotAnswers.ts). */
  basis?: AnswerBasis;
}

export class EdgeCachedStore {
  constructor(private readonly options: EdgeCachedStoreOptions) {}

  /**
   * The tag's record: from the Cache API when it is younger than `freshMs` there, else from KV
   * (and then cached for the rest of its freshness, at most MAX_EDGE_TAG_TTL s).
   */
  async getTag(image: ImageKey, tag: string, freshMs: number): Promise<ManifestRecord | null> {
    const { edge, store, metrics } = this.options;
    const url = edgeTagUrl(image, tag);
    const now = this.options.now();
    const hot = this.memory ? this.options.isolate.hotTags.get(url) : undefined;
    if (hot && now < hot.until && now - hot.record.storedAt < freshMs) {
      metrics.cacheHits++;
      this.options.basis?.usedHot(url, hot, hot.record.storedAt + freshMs);
      return hot.record;
    }
    this.options.basis?.usedCold();
    const cached = await edge.get(url, now);
    if (cached && now - cached.storedAt < freshMs) {
      metrics.cacheHits++;
      this.remember(url, cached, now);
      return cached;
    }
    const record = await store.getTag(image, tag);
    if (record) this.cacheTag(image, tag, record, freshMs);
    return record;
  }

  /** The manifest by digest: Cache API, else KV (then cached at the edge). */
  async getManifest(image: ImageKey, digest: string): Promise<ManifestRecord | null> {
    const { edge, store, metrics } = this.options;
    const url = edgeManifestUrl(image, digest);
    const hot = this.memory ? this.options.isolate.hotManifests.get(url) : undefined;
    if (hot) {
      metrics.cacheHits++;
      return hot;
    }
    this.options.basis?.usedCold();
    const cached = await edge.get(url, this.options.now());
    if (cached && cached.digest === digest) {
      metrics.cacheHits++;
      this.rememberManifest(url, cached);
      return cached;
    }
    const record = await store.getManifest(image, digest);
    if (record) this.cacheManifest(image, record);
    return record;
  }

  /** Stores a verified tag manifest (tag and by digest) in KV and the Cache API. */
  async putTag(image: ImageKey, tag: string, record: ManifestRecord, freshMs: number): Promise<ManifestRecord> {
    const stored = await this.write(image, tag, 'store', () =>
      this.options.store.putTag(image, tag, record.bytes, record.mediaType, record.digest),
    );
    const result = stored ?? record;
    this.rememberWrite(image, tag, result);
    this.cacheManifest(image, result);
    this.cacheTag(image, tag, result, freshMs);
    return result;
  }

  /** Stores a verified manifest by its digest in KV and the Cache API. */
  async putManifest(image: ImageKey, record: ManifestRecord): Promise<ManifestRecord> {
    const stored = await this.write(image, record.digest, 'store', () =>
      this.options.store.putManifest(image, record.digest, record.bytes, record.mediaType),
    );
    const result = stored ?? record;
    this.cacheManifest(image, result);
    return result;
  }

  /** Re-stamps the tag's `storedAt` after the origin confirmed its digest. */
  async restampTag(image: ImageKey, tag: string, record: ManifestRecord, freshMs: number): Promise<ManifestRecord> {
    const restamped = await this.write(image, tag, 're-stamp', () => this.options.store.restampTag(image, tag, record));
    const result = restamped ?? { ...record, storedAt: this.options.now() };
    this.rememberWrite(image, tag, result);
    this.cacheTag(image, tag, result, freshMs);
    return result;
  }

  /**
   * The tag as written less than a second ago, by this isolate or (as far as KV shows) any
   * other: writing the key again now would exceed KV's one write per second per key, so
   * callers skip their write and use this. `candidate` is the caller's record: when this
   * isolate's own recent write has the same digest, it answers without a KV read. Across
   * isolates the check is best effort (another data centre's write may not be visible yet);
   * Cloudflare offers no cross-isolate lock short of a Durable Object, and a write KV refuses
   * is logged and harmless.
   */
  async recentTagWrite(image: ImageKey, tag: string, candidate: ManifestRecord): Promise<ManifestRecord | null> {
    const now = this.options.now();
    const own = this.options.isolate.tagWrites.get(tagKey(image, tag));
    if (own && now - own.storedAt < KV_WRITE_INTERVAL_MS && own.digest === candidate.digest) {
      return { bytes: candidate.bytes, digest: own.digest, mediaType: own.mediaType, storedAt: own.storedAt };
    }
    const current = await this.options.store.getTag(image, tag);
    return current && now - current.storedAt < KV_WRITE_INTERVAL_MS ? current : null;
  }

  /** Removes the tag from KV and this data centre's Cache API (the origin no longer has it). */
  async deleteTag(image: ImageKey, tag: string): Promise<void> {
    await this.write(image, tag, 'delete', () => this.options.store.deleteTag(image, tag));
    await this.forgetTag(image, tag);
  }

  /**
   * Forgets the tag in this isolate's memory and this data centre's Cache API, after a write to
   * KV (a deletion here, or the admin API's writes): the next read goes to KV. Other data centres' Cache API
   * copies expire on their own, within MAX_EDGE_TAG_TTL.
   */
  async forgetTag(image: ImageKey, tag: string): Promise<void> {
    this.options.isolate.tagWrites.delete(tagKey(image, tag));
    this.options.isolate.hotTags.delete(edgeTagUrl(image, tag));
    await this.options.edge.delete(edgeTagUrl(image, tag));
  }

  private rememberWrite(image: ImageKey, tag: string, record: ManifestRecord): void {
    this.options.isolate.tagWrites.set(tagKey(image, tag), { digest: record.digest, mediaType: record.mediaType, storedAt: record.storedAt });
  }

  /** Keeps a fresh tag record in isolate memory for MEMORY_TAG_MS (small records only). */
  private get memory(): boolean {
    return this.options.edge !== NO_EDGE_CACHE;
  }

  private remember(url: string, record: ManifestRecord, now: number): void {
    if (this.memory && record.bytes.byteLength <= MEMORY_MAX_BYTES) this.options.isolate.hotTags.set(url, { record, until: now + MEMORY_TAG_MS });
  }

  private rememberManifest(url: string, record: ManifestRecord): void {
    if (this.memory && record.bytes.byteLength <= MEMORY_MAX_BYTES) this.options.isolate.hotManifests.set(url, record);
  }

  private cacheTag(image: ImageKey, tag: string, record: ManifestRecord, freshMs: number): void {
    const now = this.options.now();
    const seconds = Math.min(MAX_EDGE_TAG_TTL, Math.floor((freshMs - (now - record.storedAt)) / 1000));
    if (seconds <= 0) return;
    this.remember(edgeTagUrl(image, tag), record, now);
    this.options.defer(() => this.options.edge.put(edgeTagUrl(image, tag), record, seconds, now));
  }

  private cacheManifest(image: ImageKey, record: ManifestRecord): void {
    const now = this.options.now();
    this.rememberManifest(edgeManifestUrl(image, record.digest), record);
    this.options.defer(() => this.options.edge.put(edgeManifestUrl(image, record.digest), record, IMMUTABLE_TTL, now));
  }

  private async write<T>(image: ImageKey, what: string, action: string, write: () => Promise<T>): Promise<T | undefined> {
    try {
      return await write();
    } catch (err) {
      // The store's own refusals (a digest mismatch) are real errors; KV's are not.
      if (err instanceof RegistryError) throw err;
      console.warn(`KV ${action} of ${image.registry}/${image.repository} ${what} failed:`, err instanceof Error ? err.message : String(err));
      return undefined;
    }
  }
}
