/**
 * The one read path for every image, KV-only or pulled through (docs/architecture.md, "The
 * storage model"):
 *
 *   isolate memory ──► Cache API ──► KV ──► origin (only where UPSTREAMS names one)
 *
 * Each tier is used the same way for both kinds of image. A manifest is verified once, where it
 * enters memory (src/oci/VerifiedManifest.ts). A tag's *source* is its origin, or KV for a
 * registry without one; when this data centre last confirmed the tag with its source
 * (`checkedAt`) lives in memory and the Cache API, never in KV. KV is written only when content
 * changes: a tag that moved, a manifest not yet stored.
 *
 * A tag, by the age of its last confirmation:
 * - fresh (TAG_TTL; 30 s at most where KV is the source) → served from the first tier that has it;
 * - stale (pulled through, up to STALE_TTL) → served, and confirmed after the response: HEAD
 *   first, so an unchanged tag costs one HEAD and a Cache API write; a moved tag → GET, verify,
 *   store;
 * - expired → confirmed before answering; if the origin fails, its error: a copy that old is
 *   never served. Where KV is the source, a stale copy is simply read again from KV.
 * - unknown → GET from the origin (`miss`), verified and stored, then up to PREFETCH_MAX of an
 *   index's image manifests fetched after the response. An origin 404 is remembered for
 *   NEGATIVE_TTL in memory and the Cache API; a 429 makes this isolate leave that key alone until
 *   Retry-After passes.
 * One lookup and one refresh per key at a time within an isolate (SingleFlight).
 */
import type { Config } from '../config/config';
import { isImageManifestMediaType, isIndexMediaType } from '../oci/mediaTypes';
import type { ImageKey } from '../oci/reference';
import { RegistryError } from '../oci/RegistryError';
import type { ManifestEntry, VerifiedManifest } from '../oci/VerifiedManifest';
import type { Upstream } from '../upstream/Upstream';
import type { BinaryKV } from './BinaryKV';
import type { EdgeCache } from './EdgeCache';
import { freshnessOf } from './freshness';
import { Copies, type ManifestSlot, type TagEntry } from './Copies';
import type { IsolateState } from './IsolateState';
import { manifestKey, tagKey } from './keys';
import { ageSeconds, type CacheInfo } from './ManifestRecord';
import { ManifestStore } from './ManifestStore';
import { OriginGuard } from './OriginGuard';
import { asOriginError, explainOriginFailure } from './originFailure';
import type { RequestMetrics } from './RequestMetrics';
import { TagLists, type TagListing } from './TagLists';

/** Image manifests of a new index fetched after the response; the rest are fetched on demand. */
export const PREFETCH_MAX = 8;
const PREFETCH_CONCURRENCY = 4;
/** buildx's attestation manifests: no platform request ever needs them. */
const REFERENCE_TYPE_ANNOTATION = 'vnd.docker.reference.type';

/** A manifest as a read answers it. */
export interface Served {
  manifest: VerifiedManifest;
  /** When its content was stored (ms since the epoch). */
  storedAt: number;
  cache: CacheInfo;
}

/** What routes read images through. */
export interface ImageReader {
  /** The tag's top-level manifest; null when neither KV nor the origin has it. */
  tag(image: ImageKey, tag: string): Promise<Served | null>;
  /** The manifest of `digest` in this repository; null when nobody has it. */
  manifest(image: ImageKey, digest: string): Promise<Served | null>;
  /** The repository's tags: the origin's list, or KV's; null when there is no such repository. */
  tags(image: ImageKey): Promise<TagListing | null>;
}

/** What a forced refresh (`POST /admin/refresh/…`) found. */
export interface RefreshResult {
  previous: Served | null;
  /** Null when the origin no longer has the tag (it was removed from KV). */
  current: Served | null;
}

export interface ImageStoreOptions {
  /** The KV binding, counted into `metrics`. */
  kv: BinaryKV;
  edge: EdgeCache;
  isolate: IsolateState;
  /** Whether UPSTREAMS names an origin for a registry host: a cheap check, made on every read. */
  pulledThrough: (registry: string) => boolean;
  /** The origin's client, made only when it is to be asked; undefined when none is configured (KV is the source). */
  origin: (registry: string) => Upstream | undefined;
  freshness: Config['freshness'];
  now: () => number;
  /** Runs work after the response, kept alive with `ctx.waitUntil`. */
  defer: (task: () => Promise<unknown>) => void;
  metrics: RequestMetrics;
}

export class ImageStore implements ImageReader {
  private readonly kv: ManifestStore;
  private readonly copies: Copies;
  private readonly guard: OriginGuard;

  constructor(private readonly options: ImageStoreOptions) {
    this.kv = new ManifestStore(options.kv, options.now);
    this.copies = new Copies({ ...options, kv: this.kv });
    this.guard = new OriginGuard(options);
  }

  async tag(image: ImageKey, tag: string): Promise<Served | null> {
    const { isolate, metrics, now } = this.options;
    const remembered = this.copies.memoryTag(image, tag);
    let served: Served | null;
    if (remembered && this.isFresh(remembered, this.options.pulledThrough(image.registry), now())) {
      metrics.memoryHits++;
      served = this.served(remembered, 'hit');
    } else {
      const origin = this.originOf(image.registry);
      served = await isolate.flights.run(`tag ${tagKey(image, tag)}`, () => this.lookupTag(image, tag, origin, remembered));
    }
    if (served) isolate.totals.tagReads[served.cache.state]++;
    return served;
  }

  manifest(image: ImageKey, digest: string): Promise<Served | null> {
    const kept = this.copies.memoryManifest(image, digest);
    if (kept) {
      this.options.metrics.memoryHits++;
      return Promise.resolve(this.servedManifest(kept, 'hit'));
    }
    return this.options.isolate.flights.run(`manifest ${manifestKey(image, digest)}`, () => this.lookupManifest(image, digest));
  }

  tags(image: ImageKey): Promise<TagListing | null> {
    const origin = this.originOf(image.registry);
    if (origin) return new TagLists(this.options).list(image, origin);
    return this.kv.listTags(image).then((tags) => (tags.length === 0 ? null : { tags, cache: { state: 'hit', ageSeconds: 0 } }));
  }

  /** The admin API's tag write: to KV, and at once to this isolate's memory and data centre's Cache API. */
  async putTag(image: ImageKey, tag: string, manifest: VerifiedManifest): Promise<number> {
    const storedAt = await this.kv.putTag(image, tag, manifest);
    const entry: TagEntry = { manifest, storedAt, checkedAt: storedAt };
    this.copies.keepManifest(image, entry, false);
    this.copies.rememberTag(image, tag, entry);
    const pulledThrough = this.originOf(image.registry) !== undefined;
    await Promise.all([this.copies.putEdgeTag(image, tag, entry, pulledThrough), this.guard.forgetMissing(image, tag)]);
    return storedAt;
  }

  /** The admin API's write of a manifest by digest. */
  async putManifest(image: ImageKey, manifest: VerifiedManifest): Promise<number> {
    const storedAt = await this.kv.putManifest(image, manifest);
    this.copies.keepManifest(image, { manifest, storedAt }, false);
    await this.guard.forgetMissing(image, manifest.digest);
    return storedAt;
  }

  /** Removes the tag from KV, memory and this data centre's Cache API; false when KV did not have it. */
  async deleteTag(image: ImageKey, tag: string): Promise<boolean> {
    const deleted = await this.kv.deleteTag(image, tag);
    await this.copies.forgetTag(image, tag);
    return deleted;
  }

  /** Asks the origin now, whatever the tag's age (admin). Throws NOT_FOUND without an origin. */
  async refreshTag(image: ImageKey, tag: string): Promise<RefreshResult> {
    const origin = this.originOf(image.registry);
    if (!origin) throw new RegistryError('NOT_FOUND', `no upstream is configured for ${image.registry}: nothing to refresh from`);
    const what = describe(image, tag);
    await this.guard.forgetMissing(image, tag);
    const entry = await this.copies.kvTag(image, tag);
    const previous = entry && this.served(entry, 'hit');
    this.guard.assertNotWaiting(tagKey(image, tag), image.registry, `refreshing ${what}`);
    try {
      return { previous, current: await this.refresh(image, tag, origin, entry) };
    } catch (err) {
      throw explainOriginFailure(asOriginError(err, image.registry), `refreshing ${what} failed`);
    }
  }

  private async lookupTag(image: ImageKey, tag: string, origin: Upstream | undefined, remembered: TagEntry | undefined): Promise<Served | null> {
    const now = this.options.now();
    // Another isolate of this data centre may have confirmed it since.
    const edge = await this.copies.edgeTag(image, tag);
    let entry = edge && (!remembered || edge.checkedAt > remembered.checkedAt) ? edge : remembered;
    if (entry && entry === edge) this.options.metrics.cacheHits++;
    if (entry && this.isFresh(entry, origin !== undefined, now)) {
      if (entry === edge) this.copies.rememberTag(image, tag, entry);
      return this.served(entry, 'hit');
    }
    if (!origin) {
      // KV is the source: read it again.
      const stored = await this.copies.kvTag(image, tag, now);
      if (!stored) {
        if (entry) await this.copies.forgetTag(image, tag);
        return null;
      }
      this.copies.keepTag(image, tag, stored, false);
      return this.served(stored, 'hit');
    }
    entry ??= (await this.copies.kvTag(image, tag)) ?? undefined;
    if (entry) return this.confirmed(image, tag, origin, entry, now);
    const context = `${describe(image, tag)} is not cached`;
    if (await this.guard.isMissing(image, tag)) return null;
    this.guard.assertNotWaiting(tagKey(image, tag), image.registry, context);
    try {
      return await this.fetchTag(image, tag, origin, null);
    } catch (err) {
      throw explainOriginFailure(asOriginError(err, image.registry), context);
    }
  }

  /** A pulled-through tag that is not fresh: served stale while it is refreshed, or refreshed first. */
  private async confirmed(image: ImageKey, tag: string, origin: Upstream, entry: TagEntry, now: number): Promise<Served | null> {
    const { freshness } = this.options;
    const key = tagKey(image, tag);
    switch (freshnessOf(now - entry.checkedAt, freshness)) {
      case 'fresh':
        this.copies.keepTag(image, tag, entry, true);
        return this.served(entry, 'hit');
      case 'stale': {
        const waiting = this.guard.waitSeconds(key) > 0;
        if (!waiting) {
          this.options.defer(async () => {
            // Requests that saw the tag stale at once each defer a refresh: one that ran meanwhile is enough.
            if ((this.copies.memoryTag(image, tag)?.checkedAt ?? -Infinity) > entry.checkedAt) return;
            await this.refresh(image, tag, origin, entry).catch((err: unknown) => {
              console.warn(`background refresh of ${describe(image, tag)} failed:`, err instanceof Error ? err.message : String(err));
            });
          });
        }
        const failed = waiting || this.guard.revalidationFailed(key);
        return this.served(entry, 'stale', failed);
      }
      case 'expired': {
        const age = ageSeconds(now, entry.checkedAt);
        const context = `${describe(image, tag)} was confirmed with the origin ${age} s ago, beyond STALE_TTL (${freshness.staleTtl} s), and could not be revalidated`;
        this.guard.assertNotWaiting(key, image.registry, context);
        try {
          return await this.refresh(image, tag, origin, entry);
        } catch (err) {
          throw explainOriginFailure(asOriginError(err, image.registry), context);
        }
      }
    }
  }

  /** Confirms `entry` with the origin (or fetches the tag if there is none); one per key at a time. */
  private refresh(image: ImageKey, tag: string, origin: Upstream, entry: TagEntry | null): Promise<Served | null> {
    const key = tagKey(image, tag);
    return this.options.isolate.flights.run(`refresh ${key}`, () =>
      this.guard.tracking(key, async () => {
        if (entry) {
          const head = await this.guard.call(image.registry, key, () => origin.headManifest(image, tag));
          if (head?.digest === entry.manifest.digest) return this.reconfirm(image, tag, entry);
          // Moved, or the HEAD said 404: a GET tells (and a registry's HEAD is not always right).
        }
        return this.fetchTag(image, tag, origin, entry);
      }),
    );
  }

  /** GET the tag from the origin; store it in KV only if KV does not have this digest yet. */
  private async fetchTag(image: ImageKey, tag: string, origin: Upstream, entry: TagEntry | null): Promise<Served | null> {
    const key = tagKey(image, tag);
    const fetched = await this.guard.call(image.registry, key, () => origin.getManifest(image, tag));
    if (!fetched) {
      await this.guard.addMissing(image, tag);
      if (entry) await this.deleteTag(image, tag);
      return null;
    }
    if (entry && fetched.digest === entry.manifest.digest) return this.reconfirm(image, tag, entry);
    const now = this.options.now();
    // Another data centre may have stored the move already: one read saves two writes.
    const inKv = entry ? await this.kv.getTag(image, tag) : null;
    const storedAt = inKv?.digest === fetched.digest ? inKv.storedAt : await this.write(image, tag, () => this.kv.putTag(image, tag, fetched));
    const stored: TagEntry = { manifest: fetched, storedAt, checkedAt: now };
    this.copies.keepManifest(image, stored, true);
    this.copies.keepTag(image, tag, stored, true);
    this.prefetch(image, fetched);
    return this.served(stored, 'miss');
  }

  /** The origin confirmed the digest: a new `checkedAt` in memory and the Cache API, no KV write. */
  private reconfirm(image: ImageKey, tag: string, entry: TagEntry): Served {
    const confirmed: TagEntry = { ...entry, checkedAt: this.options.now() };
    this.copies.keepTag(image, tag, confirmed, true);
    return this.served(confirmed, 'revalidated');
  }

  private async lookupManifest(image: ImageKey, digest: string): Promise<Served | null> {
    const fromEdge = await this.copies.edgeManifest(image, digest);
    if (fromEdge) {
      this.options.metrics.cacheHits++;
      this.copies.keepManifest(image, fromEdge, false);
      return this.servedManifest(fromEdge, 'hit');
    }
    const fromKv = await this.copies.kvManifest(image, digest);
    if (fromKv) {
      this.copies.keepManifest(image, fromKv, true);
      return this.servedManifest(fromKv, 'hit');
    }
    const origin = this.originOf(image.registry);
    if (!origin || (await this.guard.isMissing(image, digest))) return null;
    const what = `${image.registry}/${image.repository}@${digest}`;
    const key = manifestKey(image, digest);
    this.guard.assertNotWaiting(key, image.registry, `${what} is not cached`);
    try {
      const fetched = await this.guard.call(image.registry, key, () => origin.getManifest(image, digest));
      if (!fetched) {
        await this.guard.addMissing(image, digest);
        return null;
      }
      const storedAt = await this.write(image, digest, () => this.kv.putManifest(image, fetched));
      const slot = { manifest: fetched, storedAt };
      this.copies.keepManifest(image, slot, true);
      return this.servedManifest(slot, 'miss');
    } catch (err) {
      throw explainOriginFailure(asOriginError(err, image.registry), `${what} is not cached`);
    }
  }

  /** Up to PREFETCH_MAX image manifests of a new index, fetched by digest after the response. */
  private prefetch(image: ImageKey, manifest: VerifiedManifest): void {
    const digests = [...new Set((manifest.entries ?? []).filter(isPrefetchable).map((entry) => entry.digest))].slice(0, PREFETCH_MAX);
    if (digests.length === 0) return;
    this.options.defer(async () => {
      for (let i = 0; i < digests.length; i += PREFETCH_CONCURRENCY) {
        const batch = digests.slice(i, i + PREFETCH_CONCURRENCY);
        await Promise.all(
          batch.map((digest) =>
            this.manifest(image, digest).catch((err: unknown) => {
              console.warn(`prefetch of ${image.registry}/${image.repository}@${digest} failed:`, err instanceof Error ? err.message : String(err));
            }),
          ),
        );
      }
    });
  }

  private isFresh(entry: TagEntry, pulledThrough: boolean, now: number): boolean {
    return now - entry.checkedAt < this.copies.tagTtl(pulledThrough) * 1000;
  }

  /** The registry's origin client, when UPSTREAMS names one. */
  private originOf(registry: string): Upstream | undefined {
    return this.options.pulledThrough(registry) ? this.options.origin(registry) : undefined;
  }

  /** A KV write; KV's own failures (429 beyond one write per second per key) are logged, not thrown. */
  private async write(image: ImageKey, what: string, write: () => Promise<number>): Promise<number> {
    try {
      return await write();
    } catch (err) {
      console.warn(`KV write of ${image.registry}/${image.repository} ${what} failed:`, err instanceof Error ? err.message : String(err));
      return this.options.now();
    }
  }

  private served(entry: TagEntry, state: CacheInfo['state'], revalidationFailed = false): Served {
    const cache: CacheInfo = { state, ageSeconds: ageSeconds(this.options.now(), entry.checkedAt) };
    if (revalidationFailed) cache.revalidationFailed = true;
    return { manifest: entry.manifest, storedAt: entry.storedAt, cache };
  }

  private servedManifest(slot: ManifestSlot, state: CacheInfo['state']): Served {
    return { manifest: slot.manifest, storedAt: slot.storedAt, cache: { state, ageSeconds: ageSeconds(this.options.now(), slot.storedAt) } };
  }
}

function describe(image: ImageKey, tag: string): string {
  return `${image.registry}/${image.repository}:${tag}`;
}

function isPrefetchable(entry: ManifestEntry): boolean {
  if (!isIndexMediaType(entry.mediaType) && !isImageManifestMediaType(entry.mediaType)) return false;
  return entry.annotations === undefined || !Object.hasOwn(entry.annotations, REFERENCE_TYPE_ANNOTATION);
}
