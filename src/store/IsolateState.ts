/**
 * What one isolate remembers between requests: work in flight per key, origin backoffs after
 * a 429, the negative cache's in-memory copy, the last tag writes, hot records and answers, and running totals for
 * `GET /admin/metrics`. Memory only — an isolate is one of many and may be evicted at any
 * time, so nothing here is needed for correctness, only to save work.
 */
import type { HotTag } from './AnswerBasis';
import { BoundedMap } from './BoundedMap';
import { HotAnswers } from './HotAnswers';
import type { CacheState, ManifestMetadata, ManifestRecord } from './ManifestRecord';
import { zeroMetrics, type RequestMetrics } from './RequestMetrics';
import { SingleFlight } from './SingleFlight';

export interface IsolateTotals extends RequestMetrics {
  /** Milliseconds since the epoch when this isolate's counting began. */
  startedAt: number;
  /** Requests handled. */
  requests: number;
  /** Tag reads of pull-through registries, by how they were answered. */
  tagReads: Record<CacheState, number>;
  /** Requests answered with a kept answer (src/store/HotAnswers.ts), without routing. */
  keptAnswers: number;
}

export class IsolateState {
  /** Lookups, fills and refreshes in flight, by KV key. */
  readonly flights = new SingleFlight();
  /** KV key → ms since the epoch before which the origin is not asked again (after a 429). */
  readonly backoff = new BoundedMap<string, number>();
  /** KV keys whose last revalidation with the origin failed (for `Warning: 111`). */
  readonly failedRevalidations = new BoundedMap<string, true>();
  /** Negative-cache key → ms since the epoch when the entry expires. */
  readonly missing = new BoundedMap<string, number>();
  /** Tag key → what this isolate last wrote there, bytes left out (KV takes one write per second per key). */
  readonly tagWrites = new BoundedMap<string, ManifestMetadata>(1_000);
  /** Edge-cache URL → a hot tag record and until when (ms) it may be answered from memory. */
  readonly hotTags = new BoundedMap<string, HotTag>(256);
  /** Edge-cache URL → a manifest by digest (immutable), small ones only: see EdgeCachedStore. */
  readonly hotManifests = new BoundedMap<string, ManifestRecord>(256);
  /** Answers of hot GET requests, given again to the same request while they hold. */
  readonly answers = new HotAnswers();
  readonly totals: IsolateTotals;

  constructor(now: number = Date.now()) {
    this.totals = {
      ...zeroMetrics(),
      startedAt: now,
      requests: 0,
      tagReads: { hit: 0, stale: 0, revalidated: 0, miss: 0 },
      keptAnswers: 0,
    };
  }
}
