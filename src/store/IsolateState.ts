/**
 * What one isolate keeps between requests (docs/architecture.md, "Isolate memory"): the memory
 * tier, bounded by bytes; work in flight per key; and running totals for `GET /admin/metrics`.
 * Memory only — an isolate is one of many and may be evicted at any time, so nothing here is
 * needed for correctness, only to save work.
 */
import { MemoryCache } from './MemoryCache';
import type { CacheState } from './ManifestRecord';
import { zeroMetrics, type RequestMetrics } from './RequestMetrics';
import { SingleFlight } from './SingleFlight';

export interface IsolateTotals extends RequestMetrics {
  /** Milliseconds since the epoch when this isolate's counting began. */
  startedAt: number;
  /** Requests handled. */
  requests: number;
  /** Tag reads, by how they were answered. */
  tagReads: Record<CacheState, number>;
}

export class IsolateState {
  /** Tags, manifests, negative entries, tag lists and origin backoffs, in one byte budget. */
  readonly memory: MemoryCache;
  /** Lookups, fills and refreshes in flight, by key. */
  readonly flights = new SingleFlight();
  readonly totals: IsolateTotals;

  constructor(now: number = Date.now(), memory = new MemoryCache()) {
    this.memory = memory;
    this.totals = { ...zeroMetrics(), startedAt: now, requests: 0, tagReads: { hit: 0, stale: 0, revalidated: 0, miss: 0 } };
  }
}
