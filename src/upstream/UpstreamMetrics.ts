/**
 * Counters of the HTTP requests a RegistryClient makes to origin registries and their token
 * servers, for tests, benchmarks and per-request accounting (upstream requests are
 * counted). The caller owns the object and reads it; the client only increments it.
 */

/**
 * What a RegistryClient has asked of its upstream. Pass a fresh object per request (see
 * `RegistryClient.with({ metrics })`) to count one request's work.
 */
export interface UpstreamMetrics {
  /** Every HTTP request sent upstream: registry requests, redirect hops and token requests. */
  upstreamRequests: number;
  /** Of those, the requests to a token endpoint. */
  tokenRequests: number;
  /** Of those, `GET …/manifests/…` (Docker Hub counts these against pull limits). */
  manifestGets?: number;
  /** Of those, `HEAD …/manifests/…` (not counted by Docker Hub). */
  manifestHeads?: number;
}

/** The kinds of request counted beside `upstreamRequests`. */
export type UpstreamRequestKind = 'token' | 'manifestGet' | 'manifestHead' | 'other';

/** Adds one request of `kind` to `metrics` (a no-op without metrics). */
export function countRequest(metrics: UpstreamMetrics | undefined, kind: UpstreamRequestKind): void {
  if (!metrics) return;
  metrics.upstreamRequests++;
  if (kind === 'token') metrics.tokenRequests++;
  else if (kind === 'manifestGet') metrics.manifestGets = (metrics.manifestGets ?? 0) + 1;
  else if (kind === 'manifestHead') metrics.manifestHeads = (metrics.manifestHeads ?? 0) + 1;
}
