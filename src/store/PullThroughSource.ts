/**
 * The pull-through manifest source (design.md "Storage", issue 3 items 2–3): KV (behind the
 * Cache API) in front of the origin registry of each configured registry host; KV only for
 * the others.
 *
 * Tags, by age since stored or last revalidated (TAG_TTL, STALE_TTL):
 * - fresh → served (`hit`);
 * - stale → served (`stale`), and refreshed after the response: HEAD first, so an unchanged tag
 *   costs no GET (Docker Hub does not count HEADs); unchanged → `storedAt` re-stamped, changed
 *   → GET, verify, store;
 * - expired → refreshed before answering (`revalidated` or `miss`); if the origin fails, its
 *   error (502/503/429): a copy that old is never served;
 * - not in KV → GET (`miss`), verified and stored as the tag and by digest; the index's
 *   children are then prefetched by digest in the background, so the platform request that
 *   follows is a KV hit. Origin failing and nothing cached → its error, explained.
 * An origin 404 is remembered for NEGATIVE_TTL; a 429 makes this isolate leave that key alone
 * until Retry-After passes. Manifests by digest are immutable: Cache API, KV, else GET by digest.
 *
 * One lookup and one refresh per key at a time within an isolate (SingleFlight): concurrent
 * requests for a cold tag share one origin GET. Across isolates there is no lock — Cloudflare
 * offers none short of a Durable Object — so KV's limit of one write per second per key is
 * kept by checking the stored `storedAt` just before a refresh writes
 * (EdgeCachedStore.recentTagWrite), and a write KV still refuses is logged and harmless.
 */
import type { Config } from '../config/config';
import { isImageManifestMediaType, isIndexMediaType } from '../oci/mediaTypes';
import type { ParsedManifest } from '../oci/manifest';
import type { Descriptor } from '../oci/manifestSchema';
import { RegistryError } from '../oci/RegistryError';
import type { ManifestSource } from '../resolve/ManifestSource';
import type { Upstream } from '../upstream/Upstream';
import type { AnswerBasis } from './AnswerBasis';
import type { BinaryKV } from './BinaryKV';
import type { EdgeCache } from './EdgeCache';
import { EdgeCachedStore } from './EdgeCachedStore';
import { freshnessOf } from './freshness';
import type { IsolateState } from './IsolateState';
import { manifestKey, missingKey, tagKey, type ImageKey } from './keys';
import { ageSeconds, withCache, type ManifestRecord } from './ManifestRecord';
import type { ManifestStore } from './ManifestStore';
import { NegativeCache } from './NegativeCache';
import { asOriginError, backoffSeconds, explainOriginFailure, rateLimited } from './originFailure';
import type { RequestMetrics } from './RequestMetrics';
import { verifyOriginManifest } from './verifyOriginManifest';

/** Children fetched at a time when an index is prefetched. */
const PREFETCH_CONCURRENCY = 4;
/** buildx's attestation manifests: no platform request ever needs them. */
const REFERENCE_TYPE_ANNOTATION = 'vnd.docker.reference.type';

export interface PullThroughOptions {
  /** The KV manifest store (over a CountingKV). */
  store: ManifestStore;
  /** The same KV, for the negative cache. */
  kv: BinaryKV;
  edge: EdgeCache;
  /** The origin of a registry host; undefined when none is configured (KV only). */
  upstreamFor: (registry: string) => Upstream | undefined;
  freshness: Config['freshness'];
  now: () => number;
  /** Runs work after the response, kept alive with `ctx.waitUntil` (BackgroundTasks.defer). */
  defer: (task: () => Promise<unknown>) => void;
  metrics: RequestMetrics;
  isolate: IsolateState;
  /** Told which reads came from isolate memory (src/store/HotAnswers.ts). */
  basis?: AnswerBasis;
}

/** What a forced refresh (`POST /admin/refresh/…`) found. */
export interface RefreshResult {
  previous: ManifestRecord | null;
  /** Null when the origin no longer has the tag (it was removed from KV). */
  current: ManifestRecord | null;
}

export class PullThroughSource implements ManifestSource {
  private readonly tiers: EdgeCachedStore;
  private readonly negative: NegativeCache;

  constructor(private readonly options: PullThroughOptions) {
    const { store, edge, isolate, metrics, now, defer, basis } = options;
    this.tiers = new EdgeCachedStore({ store, edge, isolate, metrics, now, defer, basis });
    this.negative = new NegativeCache(options.kv, isolate.missing, options.freshness.negativeTtl);
  }

  async getTag(image: ImageKey, tag: string): Promise<ManifestRecord | null> {
    const upstream = this.options.upstreamFor(image.registry);
    if (!upstream) return this.storedTag(image, tag);
    const key = tagKey(image, tag);
    const record = await this.lookup(key, () => this.lookupTag(upstream, image, tag, key));
    if (record?.cache) this.options.isolate.totals.tagReads[record.cache.state]++;
    return record;
  }

  getManifest(image: ImageKey, digest: string): Promise<ManifestRecord | null> {
    const key = manifestKey(image, digest);
    return this.lookup(key, () => this.lookupManifest(image, digest, key));
  }

  /**
   * One lookup per key at a time (SingleFlight). A request that joins another's lookup did not
   * read for itself, so its answer cannot be said to come from memory (AnswerBasis).
   */
  private lookup(key: string, work: () => Promise<ManifestRecord | null>): Promise<ManifestRecord | null> {
    let own = false;
    const flight = this.options.isolate.flights.run(`lookup ${key}`, () => {
      own = true;
      return work();
    });
    // SingleFlight starts its own work at once; not started now means joined (failing or not).
    if (!own) this.options.basis?.usedCold();
    return flight;
  }

  /** Asks the origin now, whatever the tag's age (admin). Throws NOT_FOUND without an origin. */
  async refreshTag(image: ImageKey, tag: string): Promise<RefreshResult> {
    const upstream = this.options.upstreamFor(image.registry);
    if (!upstream) {
      throw new RegistryError('NOT_FOUND', `no upstream is configured for ${image.registry}: nothing to refresh from`);
    }
    const key = tagKey(image, tag);
    const what = describe(image, tag);
    await this.negative.forget(missingKey(image, tag));
    const previous = await this.options.store.getTag(image, tag);
    this.assertNotWaiting(key, image.registry, `refreshing ${what}`);
    try {
      return { previous, current: await this.refresh(upstream, image, tag, key, previous) };
    } catch (err) {
      throw explainOriginFailure(asOriginError(err, image.registry), `refreshing ${what} failed`);
    }
  }

  /** The admin API's tag write: to KV, then forgotten by this isolate and data centre's caches. */
  async putTag(image: ImageKey, tag: string, bytes: Uint8Array, mediaType: string): Promise<ManifestRecord> {
    const record = await this.options.store.putTag(image, tag, bytes, mediaType);
    await this.tiers.forgetTag(image, tag);
    return record;
  }

  /** The admin API's tag removal: false when KV did not have it; the caches forget it either way. */
  async deleteTag(image: ImageKey, tag: string): Promise<boolean> {
    const deleted = await this.options.store.deleteTag(image, tag);
    await this.tiers.forgetTag(image, tag);
    return deleted;
  }

  /** A tag of a registry without an origin: whatever KV has, which never goes stale. */
  private async storedTag(image: ImageKey, tag: string): Promise<ManifestRecord | null> {
    this.options.basis?.usedCold();
    const record = await this.options.store.getTag(image, tag);
    return record && withCache(record, { state: 'hit', ageSeconds: ageSeconds(this.options.now(), record.storedAt) });
  }

  private async lookupTag(upstream: Upstream, image: ImageKey, tag: string, key: string): Promise<ManifestRecord | null> {
    const { freshness, now } = this.options;
    const what = describe(image, tag);
    const cached = await this.tiers.getTag(image, tag, freshness.tagTtl * 1000);
    const at = now();
    if (cached) {
      const age = ageSeconds(at, cached.storedAt);
      switch (freshnessOf(at - cached.storedAt, freshness)) {
        case 'fresh':
          return withCache(cached, { state: 'hit', ageSeconds: age });
        case 'stale':
          return this.serveStale(upstream, image, tag, key, cached, age);
        case 'expired': {
          const context = `${what} was cached ${age} s ago, beyond STALE_TTL (${freshness.staleTtl} s), and could not be revalidated`;
          this.assertNotWaiting(key, image.registry, context);
          try {
            return await this.refresh(upstream, image, tag, key, cached);
          } catch (err) {
            throw explainOriginFailure(asOriginError(err, image.registry), context);
          }
        }
      }
    }
    if (await this.negative.has(missingKey(image, tag), at)) return null;
    const context = `${what} is not cached`;
    this.assertNotWaiting(key, image.registry, context);
    try {
      return await this.fetchTag(upstream, image, tag, key, false);
    } catch (err) {
      throw explainOriginFailure(asOriginError(err, image.registry), context);
    }
  }

  /** Serves the stale copy and refreshes it after the response (unless waiting out a 429). */
  private serveStale(upstream: Upstream, image: ImageKey, tag: string, key: string, cached: ManifestRecord, age: number): ManifestRecord {
    const waiting = this.waitSeconds(key) > 0;
    if (!waiting) {
      this.options.defer(() =>
        this.refresh(upstream, image, tag, key, cached).catch((err: unknown) => {
          console.warn(`background refresh of ${describe(image, tag)} failed:`, err instanceof Error ? err.message : String(err));
        }),
      );
    }
    const failed = waiting || this.options.isolate.failedRevalidations.has(key);
    return withCache(cached, { state: 'stale', ageSeconds: age, ...(failed ? { revalidationFailed: true } : {}) });
  }

  /** Revalidates `cached` with the origin (or fetches the tag if there is none); one per key at a time. */
  private refresh(upstream: Upstream, image: ImageKey, tag: string, key: string, cached: ManifestRecord | null): Promise<ManifestRecord | null> {
    const { isolate } = this.options;
    return isolate.flights.run(`refresh ${key}`, async () => {
      try {
        const result = await this.revalidate(upstream, image, tag, key, cached);
        isolate.failedRevalidations.delete(key);
        return result;
      } catch (err) {
        isolate.failedRevalidations.set(key, true);
        throw err;
      }
    });
  }

  private async revalidate(upstream: Upstream, image: ImageKey, tag: string, key: string, cached: ManifestRecord | null): Promise<ManifestRecord | null> {
    if (cached) {
      const head = await this.fromOrigin(image.registry, key, () => upstream.headManifest(image, tag));
      if (head?.digest === cached.digest) {
        const recent = await this.tiers.recentTagWrite(image, tag, cached);
        const record = recent ?? (await this.tiers.restampTag(image, tag, cached, this.options.freshness.tagTtl * 1000));
        return withCache(record, { state: 'revalidated', ageSeconds: ageSeconds(this.options.now(), record.storedAt) });
      }
      // Changed, or the HEAD said 404: a GET tells (and a registry's HEAD is not always right).
    }
    return this.fetchTag(upstream, image, tag, key, cached !== null);
  }

  /** GET the tag from the origin, verify, store (unless written within the last second). */
  private async fetchTag(upstream: Upstream, image: ImageKey, tag: string, key: string, replacing: boolean): Promise<ManifestRecord | null> {
    const manifest = await this.fromOrigin(image.registry, key, () => upstream.getManifest(image, tag));
    const now = this.options.now();
    if (!manifest) {
      await this.negative.add(missingKey(image, tag), now);
      if (replacing) await this.tiers.deleteTag(image, tag);
      return null;
    }
    const { record, parsed } = await verifyOriginManifest(manifest, describe(image, tag), now);
    const recent = replacing ? await this.tiers.recentTagWrite(image, tag, record) : null;
    const stored = recent
      ? recent.digest === record.digest ? recent : record
      : await this.tiers.putTag(image, tag, record, this.options.freshness.tagTtl * 1000);
    this.prefetchChildren(image, parsed);
    return withCache(stored, { state: 'miss', ageSeconds: 0 });
  }

  private async lookupManifest(image: ImageKey, digest: string, key: string): Promise<ManifestRecord | null> {
    const stored = await this.tiers.getManifest(image, digest);
    const now = this.options.now();
    if (stored) return withCache(stored, { state: 'hit', ageSeconds: ageSeconds(now, stored.storedAt) });
    const upstream = this.options.upstreamFor(image.registry);
    if (!upstream || (await this.negative.has(missingKey(image, digest), now))) return null;
    const what = `${image.registry}/${image.repository}@${digest}`;
    this.assertNotWaiting(key, image.registry, `${what} is not cached`);
    try {
      const manifest = await this.fromOrigin(image.registry, key, () => upstream.getManifest(image, digest));
      if (!manifest) {
        await this.negative.add(missingKey(image, digest), now);
        return null;
      }
      const { record } = await verifyOriginManifest(manifest, what, now, digest);
      return withCache(await this.tiers.putManifest(image, record), { state: 'miss', ageSeconds: 0 });
    } catch (err) {
      throw explainOriginFailure(asOriginError(err, image.registry), `${what} is not cached`);
    }
  }

  /** Fetches an index's image manifests by digest after the response, a few at a time. */
  private prefetchChildren(image: ImageKey, parsed: ParsedManifest): void {
    if (parsed.kind !== 'index') return;
    const digests = [...new Set(parsed.manifests.filter(isPrefetchable).map((entry) => entry.digest))];
    if (digests.length === 0) return;
    this.options.defer(async () => {
      for (let i = 0; i < digests.length; i += PREFETCH_CONCURRENCY) {
        const batch = digests.slice(i, i + PREFETCH_CONCURRENCY);
        await Promise.all(
          batch.map((digest) =>
            this.getManifest(image, digest).catch((err: unknown) => {
              console.warn(`prefetch of ${image.registry}/${image.repository}@${digest} failed:`, err instanceof Error ? err.message : String(err));
            }),
          ),
        );
      }
    });
  }

  /** Calls the origin; errors become RegistryErrors, and a 429 starts this key's backoff. */
  private async fromOrigin<T>(registry: string, key: string, call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (err) {
      const error = asOriginError(err, registry);
      if (error.code === 'TOOMANYREQUESTS') {
        const now = this.options.now();
        this.options.isolate.backoff.set(key, now + backoffSeconds(error, now) * 1000);
      }
      throw error;
    }
  }

  /** Whole seconds left before the origin may be asked about `key` again (0: now). */
  private waitSeconds(key: string): number {
    const until = this.options.isolate.backoff.get(key);
    if (until === undefined) return 0;
    const remaining = Math.ceil((until - this.options.now()) / 1000);
    if (remaining > 0) return remaining;
    this.options.isolate.backoff.delete(key);
    return 0;
  }

  private assertNotWaiting(key: string, registry: string, context: string): void {
    const seconds = this.waitSeconds(key);
    if (seconds > 0) throw rateLimited(context, registry, seconds);
  }
}

function describe(image: ImageKey, tag: string): string {
  return `${image.registry}/${image.repository}:${tag}`;
}

function isPrefetchable(entry: Descriptor): boolean {
  if (!isIndexMediaType(entry.mediaType) && !isImageManifestMediaType(entry.mediaType)) return false;
  return entry.annotations === undefined || !Object.hasOwn(entry.annotations, REFERENCE_TYPE_ANNOTATION);
}
