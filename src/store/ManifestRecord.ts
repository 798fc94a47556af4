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
}

export function isManifestMetadata(value: unknown): value is ManifestMetadata {
  if (typeof value !== 'object' || value === null) return false;
  const m = value as Record<string, unknown>;
  return typeof m.digest === 'string' && typeof m.mediaType === 'string' && typeof m.storedAt === 'number';
}
