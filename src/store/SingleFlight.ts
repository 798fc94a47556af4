/**
 * At most one piece of work per key at a time within an isolate: callers that arrive while
 * the work is running join it (a thundering herd of requests for a cold tag makes one origin
 * request). Results are plain data, so they may cross from one request to another.
 *
 * workerd runs a continuation on another request's promise in the awaiting request's context,
 * so joining works; but if the request doing the work is cancelled (its client went away, its
 * `waitUntil` ran past the limit), the promise never settles and the joiner would wait until
 * workerd gives up on it. So a joiner waits with a timer of its own — a timer is pending work
 * of its request, which also keeps workerd's hang detection off it — and when the timer fires
 * first, does the work itself.
 */
const JOIN_TIMEOUT_MS = 15_000;
const TIMED_OUT = Symbol('timed out');

export class SingleFlight {
  private readonly flights = new Map<string, Promise<unknown>>();

  constructor(private readonly joinTimeoutMs = JOIN_TIMEOUT_MS) {}

  /** The running work for `key` (joined), or `work()` started now. */
  run<T>(key: string, work: () => Promise<T>): Promise<T> {
    const running = this.flights.get(key) as Promise<T> | undefined;
    if (running) return this.join(running, work);
    const flight = (async () => work())().finally(() => {
      if (this.flights.get(key) === flight) this.flights.delete(key);
    });
    this.flights.set(key, flight);
    return flight;
  }

  /** True while work for `key` is running. */
  has(key: string): boolean {
    return this.flights.has(key);
  }

  private async join<T>(running: Promise<T>, work: () => Promise<T>): Promise<T> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<typeof TIMED_OUT>((resolve) => {
      timer = setTimeout(() => resolve(TIMED_OUT), this.joinTimeoutMs);
    });
    try {
      const result = await Promise.race([running, timeout]);
      return result === TIMED_OUT ? await work() : result;
    } finally {
      clearTimeout(timer);
    }
  }
}
