/**
 * Work that should not delay the response (background refreshes, prefetches, Cache API
 * writes), kept alive with `ctx.waitUntil`. Tasks deferred while the response is being built
 * start once it exists (`flush`), so the response's own cost (`X-Edge-Cost`) is exactly what
 * it needed; tasks deferred after that start at once. A failing task is logged, never thrown.
 */
export class BackgroundTasks {
  private queue: (() => Promise<unknown>)[] | null = [];

  constructor(private readonly waitUntil: (promise: Promise<unknown>) => void) {}

  defer(task: () => Promise<unknown>): void {
    if (this.queue) this.queue.push(task);
    else this.start(task);
  }

  /** Tasks deferred and not yet started. */
  get pending(): number {
    return this.queue?.length ?? 0;
  }

  /** Starts everything deferred so far; later tasks start immediately. */
  flush(): void {
    const queue = this.queue ?? [];
    this.queue = null;
    for (const task of queue) this.start(task);
  }

  private start(task: () => Promise<unknown>): void {
    this.waitUntil(
      (async () => task())().catch((err: unknown) => {
        console.warn('background task failed:', err instanceof Error ? `${err.name}: ${err.message}` : String(err));
      }),
    );
  }
}
