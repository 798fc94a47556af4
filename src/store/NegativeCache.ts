/**
 * A short negative cache for origin 404s (NEGATIVE_TTL seconds; 0 turns it off), so repeated
 * requests for a missing tag or digest do not reach the origin. Kept in KV for every isolate
 * (`v1:missing:…`, see keys.ts) and in isolate memory to save the KV read. KV will not expire a
 * key sooner than 60 s, so the entry's own `expiresAt` decides, and KV's expiry only cleans up.
 */
import type { BinaryKV } from './BinaryKV';
import type { BoundedMap } from './BoundedMap';

interface MissingMetadata {
  expiresAt: number;
}

/** KV's smallest `expirationTtl`. */
const KV_MIN_TTL = 60;

export class NegativeCache {
  constructor(
    private readonly kv: BinaryKV,
    private readonly memory: BoundedMap<string, number>,
    private readonly ttlSeconds: number,
  ) {}

  /** True when the origin said 404 for `key` less than the TTL ago. */
  async has(key: string, now: number): Promise<boolean> {
    if (this.ttlSeconds <= 0) return false;
    const remembered = this.memory.get(key);
    if (remembered !== undefined && remembered > now) return true;
    const { value, metadata } = await this.kv.getWithMetadata<MissingMetadata>(key, 'arrayBuffer');
    const expiresAt = metadata?.expiresAt;
    if (value === null || typeof expiresAt !== 'number' || expiresAt <= now) return false;
    this.memory.set(key, expiresAt);
    return true;
  }

  /** Records a 404 for `key`. A failed KV write is logged: the 404 itself stands. */
  async add(key: string, now: number): Promise<void> {
    if (this.ttlSeconds <= 0) return;
    const expiresAt = now + this.ttlSeconds * 1000;
    this.memory.set(key, expiresAt);
    const metadata: MissingMetadata = { expiresAt };
    try {
      await this.kv.put(key, new Uint8Array(0), { metadata, expirationTtl: Math.max(KV_MIN_TTL, this.ttlSeconds) });
    } catch (err) {
      console.warn(`KV write of ${key} failed:`, err instanceof Error ? err.message : String(err));
    }
  }

  /** Forgets a 404 (an admin refresh asks the origin again). */
  async forget(key: string): Promise<void> {
    this.memory.delete(key);
    await this.kv.delete(key);
  }
}
