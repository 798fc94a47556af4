/**
 * What keeps the worker from asking an origin registry what it need not ask
 * (docs/architecture.md, "Origin requests"):
 * - origin 404s, remembered for NEGATIVE_TTL in isolate memory and this data centre's Cache API
 *   (never in KV: a 404 is not content, and an index of missing children would cost a KV write each);
 * - 429s: this isolate leaves that key alone until Retry-After passes;
 * - failed revalidations, remembered so a stale answer can say so (`Warning: 111`).
 * All of it is per isolate or per data centre, in the memory tier's byte budget.
 */
import type { Config } from '../config/config';
import type { ImageKey } from '../oci/reference';
import type { EdgeCache } from './EdgeCache';
import type { IsolateState } from './IsolateState';
import { edgeMissingUrl } from './keys';
import { asOriginError, backoffSeconds, rateLimited } from './originFailure';
import type { RequestMetrics } from './RequestMetrics';

/** Weight of a small memory entry: a number or a flag under its key. */
const SMALL = 16;

export interface OriginGuardOptions {
  edge: EdgeCache;
  isolate: IsolateState;
  freshness: Config['freshness'];
  now: () => number;
  metrics: RequestMetrics;
}

export class OriginGuard {
  constructor(private readonly options: OriginGuardOptions) {}

  /** True when the origin said 404 for this tag or digest less than NEGATIVE_TTL ago. */
  async isMissing(image: ImageKey, reference: string): Promise<boolean> {
    if (this.options.freshness.negativeTtl <= 0) return false;
    const url = edgeMissingUrl(image, reference);
    const now = this.options.now();
    const remembered = this.options.isolate.memory.get<number>(url);
    if (remembered !== undefined) return remembered > now;
    const cached = await this.options.edge.get(url);
    const until = Number(cached?.meta.until);
    if (!(until > now)) return false;
    this.options.metrics.cacheHits++;
    this.options.isolate.memory.set(url, until, SMALL);
    return true;
  }

  /** Records an origin 404 in memory and the Cache API. */
  async addMissing(image: ImageKey, reference: string): Promise<void> {
    const ttl = this.options.freshness.negativeTtl;
    if (ttl <= 0) return;
    const url = edgeMissingUrl(image, reference);
    const until = this.options.now() + ttl * 1000;
    this.options.isolate.memory.set(url, until, SMALL);
    await this.options.edge.put(url, { body: new Uint8Array(0), meta: { until: String(until) } }, ttl);
  }

  /** Forgets a 404 (an admin write or refresh). */
  async forgetMissing(image: ImageKey, reference: string): Promise<void> {
    const url = edgeMissingUrl(image, reference);
    this.options.isolate.memory.delete(url);
    await this.options.edge.delete(url);
  }

  /** Calls the origin; errors become RegistryErrors, and a 429 starts this key's backoff. */
  async call<T>(registry: string, key: string, request: () => Promise<T>): Promise<T> {
    try {
      return await request();
    } catch (err) {
      const error = asOriginError(err, registry);
      if (error.code === 'TOOMANYREQUESTS') {
        const now = this.options.now();
        this.options.isolate.memory.set(`backoff ${key}`, now + backoffSeconds(error, now) * 1000, SMALL);
      }
      throw error;
    }
  }

  /** Whole seconds left before the origin may be asked about `key` again (0: now). */
  waitSeconds(key: string): number {
    const until = this.options.isolate.memory.get<number>(`backoff ${key}`);
    if (until === undefined) return 0;
    const remaining = Math.ceil((until - this.options.now()) / 1000);
    if (remaining > 0) return remaining;
    this.options.isolate.memory.delete(`backoff ${key}`);
    return 0;
  }

  /** Throws TOOMANYREQUESTS, with `context`, while this isolate waits out a 429 for `key`. */
  assertNotWaiting(key: string, registry: string, context: string): void {
    const seconds = this.waitSeconds(key);
    if (seconds > 0) throw rateLimited(context, registry, seconds);
  }

  /** Runs a revalidation of `key`, remembering whether it failed. */
  async tracking<T>(key: string, revalidate: () => Promise<T>): Promise<T> {
    try {
      const result = await revalidate();
      this.options.isolate.memory.delete(`failed ${key}`);
      return result;
    } catch (err) {
      this.options.isolate.memory.set(`failed ${key}`, true, SMALL);
      throw err;
    }
  }

  /** This isolate's last revalidation of `key` failed. */
  revalidationFailed(key: string): boolean {
    return this.options.isolate.memory.get<boolean>(`failed ${key}`) === true;
  }
}
