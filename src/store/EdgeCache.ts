/**
 * The per-data-centre Cache API in front of KV (design.md "Request flow"): a hot data centre
 * answers manifests with no KV read. By-digest manifests are immutable and kept long; tags are
 * kept briefly (the caller picks the TTL). Disabled with `EDGE_CACHE=off`.
 *
 * Entries carry their own expiry in a header, checked against the worker's clock, so an entry
 * is never used past the TTL the caller chose even where the Cache API keeps it longer (or
 * the clock is a test's). On workers.dev and in some local setups the Cache API accepts
 * writes and never answers: everything then simply falls through to KV.
 */
import { isManifestMetadata, type ManifestRecord } from './ManifestRecord';

export interface EdgeCache {
  /** The record cached under `url`, unless absent or expired at `now`. */
  get(url: string, now: number): Promise<ManifestRecord | null>;
  /** Caches `record` under `url` for `ttlSeconds` from `now`. */
  put(url: string, record: ManifestRecord, ttlSeconds: number, now: number): Promise<void>;
  delete(url: string): Promise<void>;
}

/** Stands in when the Cache API is switched off: nothing is kept, nothing found. */
export const NO_EDGE_CACHE: EdgeCache = {
  get: async () => null,
  put: async () => undefined,
  delete: async () => undefined,
};

const DIGEST = 'X-Manifest-Digest';
const STORED_AT = 'X-Manifest-Stored-At';
const EXPIRES_AT = 'X-Edge-Expires-At';

/** The Cache API (`caches.default` in a worker) as an EdgeCache. */
export class CacheApiEdgeCache implements EdgeCache {
  constructor(private readonly cache: Cache) {}

  async get(url: string, now: number): Promise<ManifestRecord | null> {
    const response = await this.cache.match(url);
    if (!response) return null;
    const expiresAt = Number(response.headers.get(EXPIRES_AT));
    const metadata = {
      digest: response.headers.get(DIGEST),
      mediaType: response.headers.get('Content-Type'),
      storedAt: Number(response.headers.get(STORED_AT)),
    };
    if (!(expiresAt > now) || !isManifestMetadata(metadata) || !Number.isFinite(metadata.storedAt)) {
      await response.body?.cancel();
      return null;
    }
    return { ...metadata, bytes: new Uint8Array(await response.arrayBuffer()) };
  }

  async put(url: string, record: ManifestRecord, ttlSeconds: number, now: number): Promise<void> {
    const ttl = Math.floor(ttlSeconds);
    if (ttl <= 0) return;
    const response = new Response(record.bytes, {
      headers: {
        'Content-Type': record.mediaType,
        'Cache-Control': `public, max-age=${ttl}`,
        [DIGEST]: record.digest,
        [STORED_AT]: String(record.storedAt),
        [EXPIRES_AT]: String(now + ttl * 1000),
      },
    });
    await this.cache.put(url, response);
  }

  async delete(url: string): Promise<void> {
    await this.cache.delete(url);
  }
}
