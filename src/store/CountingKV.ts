/** A `BinaryKV` that counts the reads and writes it passes on to another, into RequestMetrics. */
import type { BinaryKV, KVPutOptions } from './BinaryKV';
import type { RequestMetrics } from './RequestMetrics';

export class CountingKV implements BinaryKV {
  constructor(
    private readonly kv: BinaryKV,
    private readonly metrics: RequestMetrics,
  ) {}

  getWithMetadata<M = unknown>(key: string, type: 'arrayBuffer'): Promise<{ value: ArrayBuffer | null; metadata: M | null }> {
    this.metrics.kvReads++;
    return this.kv.getWithMetadata<M>(key, type);
  }

  put(key: string, value: ArrayBuffer | ArrayBufferView, options?: KVPutOptions): Promise<void> {
    this.metrics.kvWrites++;
    return this.kv.put(key, value, options);
  }

  delete(key: string): Promise<void> {
    this.metrics.kvWrites++;
    return this.kv.delete(key);
  }

  list(options: { prefix: string; cursor?: string | null; limit?: number }) {
    this.metrics.kvReads++;
    return this.kv.list(options);
  }
}
