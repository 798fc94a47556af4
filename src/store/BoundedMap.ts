/**
 * A Map that forgets its oldest entries past a size limit, for per-isolate memos (backoffs,
 * negative-cache entries) that must not grow without bound in a long-lived isolate.
 */
export class BoundedMap<K, V> extends Map<K, V> {
  constructor(private readonly limit = 10_000) {
    super();
  }

  override set(key: K, value: V): this {
    // Re-inserting moves the key to the end: the order is "least recently set first".
    super.delete(key);
    super.set(key, value);
    while (this.size > this.limit) {
      const oldest = this.keys().next();
      if (oldest.done) break;
      super.delete(oldest.value);
    }
    return this;
  }
}
