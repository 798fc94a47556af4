/**
 * Reading what our worker says a request cost: the `X-Edge-Cost` response header
 * (`kv-reads=N; kv-writes=N; cache-hits=N; upstream=N[; tokens=N]`) and the isolate totals of
 * `GET /admin/metrics` (src/store/RequestMetrics.ts). Under Miniflare there is one isolate, so
 * the difference of two snapshots is exactly what a load run cost, background refreshes
 * (`waitUntil`) included.
 */

export interface EdgeCost {
  kvReads: number;
  kvWrites: number;
  cacheHits: number;
  upstream: number;
}

const HEADER_FIELDS: Record<string, keyof EdgeCost> = {
  'kv-reads': 'kvReads',
  'kv-writes': 'kvWrites',
  'cache-hits': 'cacheHits',
  upstream: 'upstream',
};

/** Parses the header; undefined when it is absent or names none of the four counters. */
export function parseEdgeCost(header: string | null): EdgeCost | undefined {
  if (!header) return undefined;
  const cost: EdgeCost = { kvReads: 0, kvWrites: 0, cacheHits: 0, upstream: 0 };
  let seen = 0;
  for (const part of header.split(';')) {
    const [key = '', value = ''] = part.split('=').map((s) => s.trim());
    const field = HEADER_FIELDS[key];
    if (field && /^\d+$/.test(value)) {
      cost[field] = Number(value);
      seen++;
    }
  }
  return seen > 0 ? cost : undefined;
}

/** The isolate totals; accepts `{ kvReads, … }` at the top level or under `totals`/`metrics`. */
export async function adminMetrics(baseUrl: string, token: string): Promise<EdgeCost> {
  const response = await fetch(`${baseUrl}/admin/metrics`, { headers: { Authorization: `Bearer ${token}` } });
  const text = await response.text();
  if (response.status !== 200) throw new Error(`GET /admin/metrics: ${response.status} ${text.slice(0, 200)}`);
  const json = JSON.parse(text) as Record<string, unknown>;
  const totals = pickTotals(json);
  if (!totals) throw new Error(`GET /admin/metrics: no kvReads/kvWrites/cacheHits/upstreamRequests in ${text.slice(0, 300)}`);
  return totals;
}

function pickTotals(json: Record<string, unknown>): EdgeCost | undefined {
  for (const candidate of [json, json['totals'], json['metrics']]) {
    if (typeof candidate !== 'object' || candidate === null) continue;
    const c = candidate as Record<string, unknown>;
    const n = (k: string) => (typeof c[k] === 'number' ? (c[k] as number) : undefined);
    const kvReads = n('kvReads');
    const upstream = n('upstreamRequests') ?? n('upstream');
    if (kvReads === undefined || upstream === undefined) continue;
    return { kvReads, kvWrites: n('kvWrites') ?? 0, cacheHits: n('cacheHits') ?? 0, upstream };
  }
  return undefined;
}

export function costDelta(after: EdgeCost, before: EdgeCost): EdgeCost {
  return {
    kvReads: after.kvReads - before.kvReads,
    kvWrites: after.kvWrites - before.kvWrites,
    cacheHits: after.cacheHits - before.cacheHits,
    upstream: after.upstream - before.upstream,
  };
}

/** Per 1000 client requests. */
export function per1000(cost: EdgeCost, requests: number): EdgeCost {
  const f = (n: number) => (requests > 0 ? (n * 1000) / requests : NaN);
  return { kvReads: f(cost.kvReads), kvWrites: f(cost.kvWrites), cacheHits: f(cost.cacheHits), upstream: f(cost.upstream) };
}
