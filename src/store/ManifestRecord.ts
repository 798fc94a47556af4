/**
 * A manifest as KV keeps it (src/store/keys.ts): the exact bytes, and in KV metadata (≤ 1024
 * bytes, so one read gives both) its digest, media type and when the content was written. And
 * what a read tells its caller about how it was answered.
 */
export interface ManifestMetadata {
  /** The digest the bytes were verified against before they were stored. */
  digest: string;
  mediaType: string;
  /** Milliseconds since the epoch when this content was written. */
  storedAt: number;
}

/** A KV value with its metadata, not yet verified (src/oci/VerifiedManifest.ts does that on arrival). */
export interface StoredBytes extends ManifestMetadata {
  bytes: Uint8Array;
}

/**
 * - `hit`: answered from memory, the Cache API or KV, fresh (a registry without an origin is
 *   always fresh: KV is its source);
 * - `stale`: not confirmed with the origin for TAG_TTL, served while a background refresh asks it;
 * - `revalidated`: was stale or expired, the origin confirmed the digest just now;
 * - `miss`: fetched from the origin just now.
 */
export type CacheState = 'hit' | 'stale' | 'revalidated' | 'miss';

export interface CacheInfo {
  state: CacheState;
  /** Whole seconds since the content was last confirmed with its source (or stored, by digest). */
  ageSeconds: number;
  /** Served stale and this isolate's last attempt to revalidate it failed (origin down, 429). */
  revalidationFailed?: boolean;
}

export function isManifestMetadata(value: unknown): value is ManifestMetadata {
  if (typeof value !== 'object' || value === null) return false;
  const m = value as Record<string, unknown>;
  return typeof m.digest === 'string' && typeof m.mediaType === 'string' && typeof m.storedAt === 'number';
}

/** Whole seconds from `since` to `now`, never negative. */
export function ageSeconds(now: number, since: number): number {
  return Math.max(0, Math.floor((now - since) / 1000));
}
