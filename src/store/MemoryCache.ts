/**
 * The isolate's memory tier: one map, bounded by bytes, least recently used first out
 * (docs/architecture.md, "Isolate memory"). Every per-isolate cache lives here under its own
 * key prefix — tags, manifests by digest, negative entries, tag lists, origin backoffs — so one
 * budget bounds them all, far below the isolate's 128 MB. A value states its own weight (an
 * estimate from above of the bytes it holds); one heavier than a quarter of the budget is not
 * kept at all, so a few large manifests cannot flush everything else.
 */

/** The total budget of an isolate's memory tier. */
export const MEMORY_BUDGET_BYTES = 24 * 1024 * 1024;
/** Fixed cost of an entry besides its value's weight: the key twice over, map slots. */
const ENTRY_OVERHEAD = 96;

interface Slot {
  value: unknown;
  weight: number;
}

export class MemoryCache {
  private readonly slots = new Map<string, Slot>();
  private used = 0;

  constructor(
    readonly budget = MEMORY_BUDGET_BYTES,
    readonly maxWeight = budget / 4,
  ) {}

  /** The value under `key`, now the most recently used; undefined when absent. */
  get<T>(key: string): T | undefined {
    const slot = this.slots.get(key);
    if (!slot) return undefined;
    this.slots.delete(key);
    this.slots.set(key, slot);
    return slot.value as T;
  }

  /** Keeps `value` under `key` unless it weighs more than `maxWeight`; evicts the least recently used past the budget. */
  set(key: string, value: unknown, weight: number): boolean {
    this.delete(key);
    const total = weight + ENTRY_OVERHEAD + key.length * 2;
    if (total > this.maxWeight) return false;
    this.slots.set(key, { value, weight: total });
    this.used += total;
    for (const [oldest, slot] of this.slots) {
      if (this.used <= this.budget) break;
      this.slots.delete(oldest);
      this.used -= slot.weight;
    }
    return true;
  }

  delete(key: string): void {
    const slot = this.slots.get(key);
    if (!slot) return;
    this.slots.delete(key);
    this.used -= slot.weight;
  }

  /** Bytes in use, by the values' own estimates. */
  get bytes(): number {
    return this.used;
  }

  get size(): number {
    return this.slots.size;
  }
}
