/**
 * Bearer tokens kept in memory (one isolate) until shortly before they expire, so that
 * repeated pulls do not fetch a token each time (Docker registry token authentication
 * specification, "Token Response Fields": `expires_in` defaults to 60 seconds).
 *
 * Entries are held as plain strings with absolute expiry times on the caller's clock, so one
 * cache may safely serve many requests of an isolate. The cache is bounded: past
 * `maxEntries`, expired entries and then the oldest go first.
 */

/** Tokens are dropped this long before they expire, so a token is never sent stale. */
export const TOKEN_EXPIRY_MARGIN_MS = 15_000;

/** Options of a TokenCache. */
export interface TokenCacheOptions {
  /** How long before expiry a token stops being used; at most half its lifetime. */
  marginMs?: number;
  /** The most tokens kept. */
  maxEntries?: number;
}

export class TokenCache {
  private readonly entries = new Map<string, { token: string; usableUntil: number }>();
  private readonly marginMs: number;
  private readonly maxEntries: number;

  constructor(options: TokenCacheOptions = {}) {
    this.marginMs = options.marginMs ?? TOKEN_EXPIRY_MARGIN_MS;
    this.maxEntries = options.maxEntries ?? 1000;
  }

  /** The token stored under `key` if it is still usable at `now` (ms). */
  get(key: string, now: number): string | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (now < entry.usableUntil) return entry.token;
    this.entries.delete(key);
    return undefined;
  }

  /**
   * Keeps `token`, obtained at `now` (ms) and valid for `expiresInSeconds`, until
   * `min(margin, lifetime / 2)` before it expires.
   */
  set(key: string, token: string, expiresInSeconds: number, now: number): void {
    const lifetime = expiresInSeconds * 1000;
    const usableUntil = now + lifetime - Math.min(this.marginMs, lifetime / 2);
    this.entries.delete(key);
    this.entries.set(key, { token, usableUntil });
    if (this.entries.size > this.maxEntries) this.evict(now);
  }

  /** Forgets the token under `key` (the registry refused it). */
  delete(key: string): void {
    this.entries.delete(key);
  }

  /** The number of tokens held, usable or not. */
  get size(): number {
    return this.entries.size;
  }

  private evict(now: number): void {
    for (const [key, entry] of this.entries) if (entry.usableUntil <= now) this.entries.delete(key);
    for (const key of this.entries.keys()) {
      if (this.entries.size <= this.maxEntries) break;
      this.entries.delete(key);
    }
  }
}
