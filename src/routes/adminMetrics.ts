/**
 * `GET /admin/metrics` (admin): this isolate's running totals since it started — requests, KV
 * reads and writes, Cache API hits, origin and token requests, tag reads by cache state — for
 * benchmarks and integration tests. One isolate of many: totals are per isolate, not global.
 */
import { jsonResponse } from '../http/jsonResponse';
import { authorizeAdmin } from './admin';
import type { RequestContext } from './RequestContext';

export async function adminMetrics(request: Request, context: RequestContext): Promise<Response> {
  await authorizeAdmin(request, context);
  const { startedAt, ...totals } = context.isolate.totals;
  return jsonResponse(
    { isolate: { startedAt: new Date(startedAt).toISOString() }, ...totals, tagReads: { ...totals.tagReads } },
    { headers: { 'Cache-Control': 'no-store' } },
  );
}
