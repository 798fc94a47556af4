/**
 * A manifest as the store keeps it: the exact bytes plus what we know of them. The metadata
 * travels in KV metadata (≤ 1024 bytes), so one KV read gives both.
 */
export interface ManifestMetadata {
  /** `sha256:<hex>` of `bytes`, verified before the record was stored. */
  digest: string;
  mediaType: string;
  /** Milliseconds since the epoch when the record was written. */
  storedAt: number;
}

export interface ManifestRecord extends ManifestMetadata {
  bytes: Uint8Array;
  /** How this read was answered; set by the manifest sources, absent on records the store returns. */
  cache?: CacheInfo;
}

/**
 * - `hit`: from KV or the Cache API, fresh (or a KV-only tag, which never goes stale);
 * - `stale`: older than TAG_TTL, served while a background refresh asks the origin;
 * - `revalidated`: was stale, the origin confirmed the digest just now (HEAD);
 * - `miss`: fetched from the origin just now.
 */
export type CacheState = 'hit' | 'stale' | 'revalidated' | 'miss';

export interface CacheInfo {
  state: CacheState;
  /** Whole seconds since the record was stored or last revalidated. */
  ageSeconds: number;
  /** Served stale and this isolate's last attempt to revalidate it failed (origin down, 429). */
  revalidationFailed?: boolean;
}

export function isManifestMetadata(value: unknown): value is ManifestMetadata {
  if (typeof value !== 'object' || value === null) return false;
  const m = value as Record<string, unknown>;
  return typeof m.digest === 'string' && typeof m.mediaType === 'string' && typeof m.storedAt === 'number';
}

/** `record` with its cache information (the stored fields unchanged). */
export function withCache(record: ManifestRecord, cache: CacheInfo): ManifestRecord {
  return { bytes: record.bytes, digest: record.digest, mediaType: record.mediaType, storedAt: record.storedAt, cache };
}

/** Whole seconds from `storedAt` to `now`, never negative. */
export function ageSeconds(now: number, storedAt: number): number {
  return Math.max(0, Math.floor((now - storedAt) / 1000));
}
