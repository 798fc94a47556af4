/**
 * The per-data-centre tier: the Cache API (`caches.default`) as a small store of bodies with
 * string metadata (docs/architecture.md, "Cache API"). What an entry means, and how long it is
 * good for, is the caller's business: entries carry their own times in the metadata, read
 * against the worker's clock, because the Cache API may keep an entry longer than asked (and
 * a test's clock is not the Cache API's). Disabled with `EDGE_CACHE=off`; on workers.dev the
 * Cache API accepts writes and never answers — either way everything falls through to KV.
 */

export interface EdgeEntry {
  body: Uint8Array;
  /** Header-safe strings: names of letters and dashes, values of printable ASCII. */
  meta: Record<string, string>;
}

export interface EdgeCache {
  /** The entry under `url`, or null. */
  get(url: string): Promise<EdgeEntry | null>;
  /** Keeps `entry` under `url` for at most `ttlSeconds`; nothing for less than a second. */
  put(url: string, entry: EdgeEntry, ttlSeconds: number): Promise<void>;
  delete(url: string): Promise<void>;
}

/** Stands in when the Cache API is off: nothing is kept, nothing found. */
export const NO_EDGE_CACHE: EdgeCache = {
  get: async () => null,
  put: async () => undefined,
  delete: async () => undefined,
};

/** The slice of the Cache API used here (`caches.default` satisfies it). */
export interface CacheLike {
  match(url: string): Promise<Response | undefined>;
  put(url: string, response: Response): Promise<void>;
  delete(url: string): Promise<boolean>;
}

/** Metadata travels as headers under this prefix. */
const META = 'x-meta-';

/** The Cache API as an EdgeCache. */
export class CacheApiEdgeCache implements EdgeCache {
  constructor(private readonly cache: CacheLike) {}

  async get(url: string): Promise<EdgeEntry | null> {
    const response = await this.cache.match(url);
    if (!response) return null;
    const meta: Record<string, string> = {};
    for (const [name, value] of response.headers) {
      if (name.startsWith(META)) meta[name.slice(META.length)] = value;
    }
    return { body: new Uint8Array(await response.arrayBuffer()), meta };
  }

  async put(url: string, entry: EdgeEntry, ttlSeconds: number): Promise<void> {
    const ttl = Math.floor(ttlSeconds);
    if (ttl <= 0) return;
    const headers = new Headers({ 'Cache-Control': `public, max-age=${ttl}` });
    for (const [name, value] of Object.entries(entry.meta)) headers.set(`${META}${name}`, value);
    await this.cache.put(url, new Response(entry.body, { headers }));
  }

  async delete(url: string): Promise<void> {
    await this.cache.delete(url);
  }
}
