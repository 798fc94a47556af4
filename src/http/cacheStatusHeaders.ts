/**
 * How a response was answered, in headers (docs/architecture.md, "A tag's source
 * and its freshness"): `X-Cache-Status: hit | stale | revalidated | miss`, `Age` in seconds since
 * the manifest was stored or last revalidated (RFC 9111 §5.1), and for a stale copy `Warning: 110 -
 * "Response is Stale"`, plus `111 - "Revalidation Failed"` when this isolate's last attempt to
 * reach the origin for it failed (RFC 7234 §5.5; obsolete in RFC 9111, but what clients and people
 * reading headers still recognise).
 */
import type { CacheInfo } from '../store/ManifestRecord';

export const STALE_WARNING = '110 - "Response is Stale"';
export const REVALIDATION_FAILED_WARNING = '111 - "Revalidation Failed"';

export function cacheStatusHeaders(cache: CacheInfo | undefined): Record<string, string> {
  if (!cache) return {};
  const headers: Record<string, string> = { 'X-Cache-Status': cache.state, Age: String(cache.ageSeconds) };
  if (cache.state === 'stale') {
    headers.Warning = cache.revalidationFailed ? `${STALE_WARNING}, ${REVALIDATION_FAILED_WARNING}` : STALE_WARNING;
  }
  return headers;
}
