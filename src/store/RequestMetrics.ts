/**
 * What serving one request cost, counted where the work happens: KV reads and writes
 * (CountingKV), Cache API and memory hits (src/store/ImageStore.ts), requests to origin registries
 * and their token servers (the RegistryClient increments `upstreamRequests` / `tokenRequests`
 * of the object it is given, so this type is also its `UpstreamMetrics`).
 *
 * Each request's counters also add into the isolate's running totals (`GET /admin/metrics`),
 * including work done after the response in `waitUntil` (background refreshes, prefetches);
 * the `X-Edge-Cost` header shows what the response itself cost.
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

const OWN = Symbol('own counts');
const TOTALS = Symbol('totals');

interface ForwardingMetrics extends RequestMetrics {
  [OWN]: RequestMetrics;
  [TOTALS]: RequestMetrics | undefined;
}

/**
 * The accessors of every request's counters, made once and shared: as 14 closures made per
 * request they were some 5 % of a hot request's CPU in workerd.
 */
const FORWARDING: PropertyDescriptorMap = Object.fromEntries(
  METRIC_FIELDS.map((field) => [
    field,
    {
      enumerable: true,
      get(this: ForwardingMetrics): number {
        return this[OWN][field];
      },
      set(this: ForwardingMetrics, value: number): void {
        const totals = this[TOTALS];
        if (totals) totals[field] += value - this[OWN][field];
        this[OWN][field] = value;
      },
    },
  ]),
);

/**
 * A fresh per-request counter object that also adds every increment into `totals`. Callers use
 * it as a plain object (`metrics.kvReads++`); accessors forward the change.
 * @example const metrics = createRequestMetrics(isolateTotals); metrics.kvReads++;
 */
export function createRequestMetrics(totals?: RequestMetrics): RequestMetrics {
  return Object.defineProperties({}, {
    ...FORWARDING,
    [OWN]: { value: zeroMetrics() },
    [TOTALS]: { value: totals },
  }) as ForwardingMetrics;
}

/**
 * The `X-Edge-Cost` response header.
 * @example formatEdgeCost(zeroMetrics()) // → 'kv-reads=0; kv-writes=0; cache-hits=0; upstream=0; tokens=0'
 */
export function formatEdgeCost(metrics: RequestMetrics): string {
  return [
    `kv-reads=${metrics.kvReads}`,
    `kv-writes=${metrics.kvWrites}`,
    `cache-hits=${metrics.cacheHits}`,
    `upstream=${metrics.upstreamRequests}`,
    `tokens=${metrics.tokenRequests}`,
  ].join('; ');
}
