/**
 * The slice of Workers KV the manifest store uses. The real `KVNamespace` binding satisfies it;
 * `MemoryKV` is the in-memory fake, so one behaviour suite runs against both.
 */
export interface KVPutOptions {
  metadata?: unknown;
  /** Seconds until KV deletes the key by itself; KV refuses values below 60. */
  expirationTtl?: number;
}

export interface BinaryKV {
  getWithMetadata<M = unknown>(
    key: string,
    type: 'arrayBuffer',
  ): Promise<{ value: ArrayBuffer | null; metadata: M | null }>;
  put(key: string, value: ArrayBuffer | ArrayBufferView, options?: KVPutOptions): Promise<void>;
  delete(key: string): Promise<void>;
  list(options: { prefix: string; cursor?: string | null; limit?: number }): Promise<{
    keys: { name: string }[];
    list_complete: boolean;
    cursor?: string;
  }>;
}
