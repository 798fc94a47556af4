/**
 * The three kinds of measurement the scenarios make:
 * - `measureLoad`: wrk load on one URL, with what it cost — our worker's own counters
 *   (`/admin/metrics` before and after) and the upstream requests the delay proxy saw — per
 *   1000 client requests;
 * - `measureFirstRequests`: the latency of the first request for each of several tags
 *   (pull-through), one at a time, what it cost upstream, and the latency of the next one;
 * - `measureTtlWindows`: load across TAG_TTL expiries, with upstream manifest requests counted
 *   per TTL window.
 */
import { adminMetrics, costDelta, parseEdgeCost, per1000, type EdgeCost } from './edgeCost';
import type { DelayProxy, ProxiedRequest } from './delayProxy';
import { runLoad, type LoadResult, type LoadShape } from './wrk';

/** Our worker's admin API, for its isolate totals. */
export interface MetricsSource {
  url: string;
  token: string;
}

export interface LoadRow {
  id: string;
  name: string;
  request: string;
  /** wrk connections. */
  connections: number;
  load: LoadResult;
  /** Ours only: counters of /admin/metrics per 1000 client requests. */
  cost?: EdgeCost;
  /** Requests the delay proxy forwarded to the origin, per 1000 client requests. */
  upstream: { all: number; manifests: number; byKind: Record<string, number> };
  /** Reference rows only: errors under load, reported with the row (e.g. `13 socket errors (read 13)`). */
  errors?: string;
}

export interface LoadTarget {
  id: string;
  name: string;
  baseUrl: string;
  path: string;
  headers?: Record<string, string>;
  metrics?: MetricsSource;
  /**
   * A reference row of the runtime alone (the floor with KV reads): errors under load are
   * reported with the row instead of failing it. Rows of the systems compared never are.
   */
  reference?: boolean;
}

export async function measureLoad(target: LoadTarget, shape: LoadShape, proxy: DelayProxy): Promise<LoadRow> {
  let before: EdgeCost | undefined;
  let mark = 0;
  const load = await runLoad(`${target.baseUrl}${target.path}`, shape, target.headers, async () => {
    if (target.metrics) before = await adminMetrics(target.metrics.url, target.metrics.token);
    mark = proxy.mark();
  });
  // wrk cancels what is in flight at the end; let those reach the proxy log before counting.
  await new Promise((r) => setTimeout(r, 100));
  return loadRow(target, shape, load, proxy, mark, before);
}

/**
 * The row of one load run: upstream requests per 1000 (all, manifests, by kind) from the proxy
 * log since `mark`, and our costs from the admin metrics since `before`. Throws when the run
 * had errors, so no row is ever made of a broken run — but for reference rows, which carry them.
 */
async function loadRow(
  target: LoadTarget,
  shape: LoadShape,
  load: LoadResult,
  proxy: DelayProxy,
  mark: number,
  before: EdgeCost | undefined,
): Promise<LoadRow> {
  const upstream = proxy.entries(mark);
  const row: LoadRow = {
    id: target.id,
    name: target.name,
    request: `GET ${target.path}`,
    connections: shape.connections,
    load,
    upstream: {
      all: (upstream.length * 1000) / load.requests,
      manifests: (proxy.manifestRequests(mark).length * 1000) / load.requests,
      byKind: byKind(upstream, load.requests),
    },
  };
  if (target.metrics && before) {
    row.cost = per1000(costDelta(await adminMetrics(target.metrics.url, target.metrics.token), before), load.requests);
  }
  if (load.badStatus > 0 || load.socketErrors > 0) {
    const errors = `${load.badStatus} non-2xx/3xx responses, ${load.socketErrors} socket errors${load.socketErrorKinds ? ` (${load.socketErrorKinds})` : ''} of ${load.requests} requests`;
    if (!target.reference) throw new Error(`${target.name}: ${errors} under load`);
    row.errors = errors;
  }
  return row;
}

/** `GET ping`, `HEAD manifest-by-tag`… → per 1000 client requests. */
function byKind(entries: ProxiedRequest[], requests: number): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const e of entries) counts[`${e.method} ${e.kind}`] = (counts[`${e.method} ${e.kind}`] ?? 0) + 1;
  for (const key of Object.keys(counts)) counts[key] = (counts[key]! * 1000) / requests;
  return counts;
}

export interface FirstRequestResult {
  id: string;
  name: string;
  tags: number;
  /** Each tag's first request, ms. */
  firstMs: number[];
  /** The next request, once the first one's background work has settled (no upstream request for 300 ms), ms. */
  settledMs: number[];
  /** Upstream requests per first request, background work included, from the delay proxy (manifests; all). */
  upstreamManifestsPerTag: number;
  upstreamAllPerTag: number;
  /** Ours: `upstream=` of X-Edge-Cost on first requests, averaged. */
  edgeUpstreamPerTag?: number;
}

export interface FirstRequestTarget {
  id: string;
  name: string;
  baseUrl: string;
  /** One path per tag, each never requested before. */
  paths: string[];
  headers?: Record<string, string>;
  /** The Docker-Content-Digest each path must answer. */
  expectDigests: string[];
}

export async function measureFirstRequests(target: FirstRequestTarget, proxy: DelayProxy): Promise<FirstRequestResult> {
  const firstMs: number[] = [];
  const settledMs: number[] = [];
  const edge: number[] = [];
  let manifests = 0;
  let all = 0;
  for (const [i, path] of target.paths.entries()) {
    const mark = proxy.mark();
    const first = await timedGet(`${target.baseUrl}${path}`, target.headers);
    if (first.status !== 200 || first.digest !== target.expectDigests[i]) {
      throw new Error(`${target.name}: first GET ${path} answered ${first.status} ${first.digest}, expected ${target.expectDigests[i]}`);
    }
    firstMs.push(first.ms);
    const cost = parseEdgeCost(first.edgeCost);
    if (cost) edge.push(cost.upstream);
    // What the first request cost upstream, its background work (prefetch) included.
    await proxy.quiet();
    manifests += proxy.manifestRequests(mark).length;
    all += proxy.entries(mark).length;
    const settled = await timedGet(`${target.baseUrl}${path}`, target.headers);
    if (settled.status !== 200) throw new Error(`${target.name}: second GET ${path} answered ${settled.status}`);
    settledMs.push(settled.ms);
  }
  const n = target.paths.length;
  const result: FirstRequestResult = {
    id: target.id,
    name: target.name,
    tags: n,
    firstMs,
    settledMs,
    upstreamManifestsPerTag: manifests / n,
    upstreamAllPerTag: all / n,
  };
  if (edge.length === n) result.edgeUpstreamPerTag = edge.reduce((a, b) => a + b, 0) / n;
  return result;
}

async function timedGet(url: string, headers: Record<string, string> = {}) {
  const start = performance.now();
  const response = await fetch(url, { headers });
  await response.arrayBuffer();
  const ms = performance.now() - start;
  return {
    ms,
    status: response.status,
    digest: response.headers.get('Docker-Content-Digest'),
    edgeCost: response.headers.get('X-Edge-Cost'),
  };
}

export interface TtlResult {
  row: LoadRow;
  ttlSeconds: number;
  /** Upstream manifest requests in each whole TTL window of the measured run. */
  perWindow: number[];
  manifestRequests: number;
  maxPerWindow: number;
}

/** Load for `shape.seconds` across TTL expiries of one tag; counts upstream manifest requests per window. */
export async function measureTtlWindows(target: LoadTarget, shape: LoadShape, ttlSeconds: number, proxy: DelayProxy): Promise<TtlResult> {
  let start = 0;
  let mark = 0;
  let before: EdgeCost | undefined;
  const load = await runLoad(`${target.baseUrl}${target.path}`, shape, target.headers, async () => {
    if (target.metrics) before = await adminMetrics(target.metrics.url, target.metrics.token);
    mark = proxy.mark();
    start = performance.now();
  });
  await new Promise((r) => setTimeout(r, 100));
  const windows = Math.max(1, Math.floor(load.seconds / ttlSeconds));
  const perWindow = new Array<number>(windows).fill(0);
  const requests = proxy.manifestRequests(mark);
  for (const request of requests) {
    const w = Math.floor((request.at - start) / (ttlSeconds * 1000));
    if (w >= 0 && w < windows) perWindow[w]!++;
  }
  const row = await loadRow(target, shape, load, proxy, mark, before);
  return { row, ttlSeconds, perWindow, manifestRequests: requests.length, maxPerWindow: Math.max(...perWindow) };
}
