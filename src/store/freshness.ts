/**
 * Where a tag's age falls between the freshness TTLs (docs/architecture.md, "A tag's source and its
 * freshness"): fresh → serve; stale → serve and refresh in the background; expired → refresh before
 * answering.
 */
import type { Config } from '../config/config';

export type Freshness = 'fresh' | 'stale' | 'expired';

/**
 * @example freshnessOf(299_000, { tagTtl: 300, staleTtl: 3600 }) // → 'fresh'
 * @example freshnessOf(300_000, { tagTtl: 300, staleTtl: 3600 }) // → 'stale'
 * @example freshnessOf(3_600_000, { tagTtl: 300, staleTtl: 3600 }) // → 'expired'
 */
export function freshnessOf(ageMs: number, ttl: Pick<Config['freshness'], 'tagTtl' | 'staleTtl'>): Freshness {
  if (ageMs < ttl.tagTtl * 1000) return 'fresh';
  if (ageMs < ttl.staleTtl * 1000) return 'stale';
  return 'expired';
}
