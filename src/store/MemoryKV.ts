/**
 * An in-memory `BinaryKV`, for tests and scripts; copies bytes in and out like KV does.
 * `expirationTtl` is accepted and ignored: callers that care about expiry check their own
 * timestamps (as the negative cache does), since KV's expiry is not exact either.
 */
import type { BinaryKV, KVPutOptions } from './BinaryKV';

export class MemoryKV implements BinaryKV {
  private readonly entries = new Map<string, { value: Uint8Array; metadata: unknown }>();

  async getWithMetadata<M = unknown>(key: string): Promise<{ value: ArrayBuffer | null; metadata: M | null }> {
    const entry = this.entries.get(key);
    if (!entry) return { value: null, metadata: null };
    return { value: entry.value.slice().buffer, metadata: (entry.metadata ?? null) as M | null };
  }

  async put(key: string, value: ArrayBuffer | ArrayBufferView, options: KVPutOptions = {}): Promise<void> {
    const bytes = value instanceof ArrayBuffer
      ? new Uint8Array(value.slice(0))
      : new Uint8Array(value.buffer.slice(value.byteOffset, value.byteOffset + value.byteLength));
    this.entries.set(key, { value: bytes, metadata: structuredClone(options.metadata) });
  }

  async delete(key: string): Promise<void> {
    this.entries.delete(key);
  }

  async list(options: { prefix: string; cursor?: string | null; limit?: number }) {
    const limit = options.limit ?? 1000;
    const names = [...this.entries.keys()].filter((k) => k.startsWith(options.prefix)).sort();
    const start = options.cursor ? Number(options.cursor) : 0;
    const page = names.slice(start, start + limit);
    const done = start + limit >= names.length;
    return {
      keys: page.map((name) => ({ name })),
      list_complete: done,
      ...(done ? {} : { cursor: String(start + limit) }),
    };
  }
}
