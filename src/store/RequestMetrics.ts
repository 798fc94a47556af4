/**
 * What serving one request cost, counted where the work happens: KV reads and writes
 * (CountingKV), Cache API and memory hits (src/store/ImageStore.ts), requests to origin registries
 * and their token servers (the RegistryClient increments `upstreamRequests` / `tokenRequests`
 * of the object it is given, so this type is also its `UpstreamMetrics`).
 *
 * Each request counts into a plain object of its own (`zeroMetrics()`), committed into the
 * isolate's running totals (`GET /admin/metrics`) when the response is made and as background
 * work (refreshes, prefetches) ends; the `X-Edge-Cost` header shows what the response itself cost.
 */

export interface RequestMetrics {
  /** KV reads: `get` / `getWithMetadata`, and `list` pages. */
  kvReads: number;
  /** KV writes: `put` and `delete`. */
  kvWrites: number;
  /** Reads answered by this data centre's Cache API, with no KV read. */
  cacheHits: number;
  /** Reads answered from isolate memory: no I/O at all (not in `X-Edge-Cost`, which shows costs). */
  memoryHits: number;
  /** HTTP requests to origin registries, token requests and redirect hops included. */
  upstreamRequests: number;
  /** Of `upstreamRequests`, those to a token server. */
  tokenRequests: number;
  /** Of `upstreamRequests`, manifest GETs (Docker Hub counts these against its pull limit). */
  manifestGets: number;
  /** Of `upstreamRequests`, manifest HEADs (not counted by Docker Hub). */
  manifestHeads: number;
}

export const METRIC_FIELDS = [
  'kvReads',
  'kvWrites',
  'cacheHits',
  'memoryHits',
  'upstreamRequests',
  'tokenRequests',
  'manifestGets',
  'manifestHeads',
] as const satisfies readonly (keyof RequestMetrics)[];

export function zeroMetrics(): RequestMetrics {
  return { kvReads: 0, kvWrites: 0, cacheHits: 0, memoryHits: 0, upstreamRequests: 0, tokenRequests: 0, manifestGets: 0, manifestHeads: 0 };
}

/**
 * Adds what `metrics` counted since the last commit into `totals`: a request's plain counters
 * are committed when its response is made and again as each piece of its background work ends,
 * so the isolate's totals include work done after the response.
 * @example const commit = committer(metrics, isolate.totals); metrics.kvReads++; commit();
 */
export function committer(metrics: RequestMetrics, totals: RequestMetrics): () => void {
  const committed = zeroMetrics();
  return () => {
    for (const field of METRIC_FIELDS) {
      totals[field] += metrics[field] - committed[field];
      committed[field] = metrics[field];
    }
  };
}

/**
 * The `X-Edge-Cost` response header.
 * @example formatEdgeCost(zeroMetrics()) // → 'kv-reads=0; kv-writes=0; cache-hits=0; upstream=0; tokens=0'
 */
export function formatEdgeCost(metrics: RequestMetrics): string {
  return `kv-reads=${metrics.kvReads}; kv-writes=${metrics.kvWrites}; cache-hits=${metrics.cacheHits}; upstream=${metrics.upstreamRequests}; tokens=${metrics.tokenRequests}`;
}
