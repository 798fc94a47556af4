/**
 * HTTP exchanges with one origin registry and its token server: each request under a deadline
 * (headers, and the body when it is read here), counted in UpstreamMetrics, with network
 * failures and timeouts turned into UNAVAILABLE "upstream <registry> unreachable: …".
 *
 * Redirects are never left to `fetch`: requests go out with `redirect: 'manual'`, and where a
 * redirect is to be followed it is followed here, dropping `Authorization` as soon as a hop
 * leaves the origin of the first URL, so credentials and tokens only ever go where they were
 * meant to go (RFC 9110 §15.4 leaves this to the client; fetch implementations differ).
 */
import { RegistryError } from '../oci/RegistryError';
import { countRequest, type UpstreamMetrics, type UpstreamRequestKind } from './UpstreamMetrics';

/** Redirect hops followed at most for one request. */
export const MAX_REDIRECTS = 5;

const REDIRECT_STATUSES = [301, 302, 303, 307, 308];

/** Options of an UpstreamTransport. */
export interface TransportOptions {
  /** The registry host, for messages: `docker.io`. */
  registry: string;
  fetch: typeof fetch;
  /** The clock, ms since the epoch. */
  now: () => number;
  /** Deadline for the response headers, and for the body where it is read here. */
  timeoutMs: number;
  metrics?: UpstreamMetrics;
}

/** A request as sent: always with explicit headers. */
export interface OutgoingRequest {
  method: 'GET' | 'HEAD';
  headers: Record<string, string>;
}

/** A response under its deadline. Call `done()` (or read/discard it here) when finished. */
export interface Exchange {
  response: Response;
  /** The URL that answered, after any redirects followed. */
  url: string;
  /** Aborts the request and its body when the deadline passes. */
  signal: AbortSignal;
  /** Stops the deadline, e.g. before handing a streamed body on. */
  done(): void;
  /** Who answered, for messages: `upstream docker.io`. */
  label: string;
}

/** Options of one `send`. */
export interface SendOptions {
  kind: UpstreamRequestKind;
  /** Follow redirects here (else a 3xx is the answer). */
  follow?: boolean;
  /** Who is asked, for messages; `upstream <registry>` by default. */
  label?: string;
}

export class UpstreamTransport {
  readonly registry: string;
  readonly now: () => number;
  readonly timeoutMs: number;
  readonly metrics: UpstreamMetrics | undefined;
  private readonly fetcher: typeof fetch;

  constructor(options: TransportOptions) {
    this.registry = options.registry;
    this.now = options.now;
    this.timeoutMs = options.timeoutMs;
    this.metrics = options.metrics;
    // Called as a plain function: workerd's fetch throws "Illegal invocation" on another `this`.
    this.fetcher = options.fetch;
  }

  /** Sends one request (and its redirect hops when `follow`). Throws UNAVAILABLE when unreachable. */
  async send(url: string, request: OutgoingRequest, options: SendOptions): Promise<Exchange> {
    const label = options.label ?? `upstream ${this.registry}`;
    const controller = new AbortController();
    const timeoutMs = this.timeoutMs;
    const timer = setTimeout(
      () => controller.abort(new DOMException(`no response within ${timeoutMs} ms`, 'TimeoutError')),
      timeoutMs,
    );
    const done = () => clearTimeout(timer);
    const { signal } = controller;
    const origin = new URL(url).origin;
    let current = url;
    let headers = request.headers;
    try {
      for (let hop = 0; ; hop++) {
        countRequest(this.metrics, options.kind);
        const fetcher = this.fetcher;
        const response = await untilAborted(
          fetcher(current, { method: request.method, headers, redirect: 'manual', signal }),
          signal,
        );
        const location = response.headers.get('location');
        const redirected = REDIRECT_STATUSES.includes(response.status) && location !== null;
        if (!options.follow || !redirected || hop >= MAX_REDIRECTS) {
          return { response, url: current, signal, done, label };
        }
        cancelBody(response);
        const next = new URL(location!, current);
        if (next.protocol !== 'https:' && next.protocol !== 'http:') {
          throw new RegistryError('BAD_GATEWAY', `${label} redirected to a ${next.protocol} URL`);
        }
        if (next.origin !== origin) headers = withoutAuthorization(headers);
        current = next.href;
      }
    } catch (error) {
      done();
      throw this.unreachable(error, signal, label, 'waiting for a response');
    }
  }

  /**
   * Reads the whole body, at most `limit` bytes (never buffering more: it is read as a stream
   * and cancelled past the limit, or refused up front by its Content-Length), then ends the
   * exchange. Throws `tooLarge()` past the limit, UNAVAILABLE on a timeout or broken stream.
   */
  async readBody(exchange: Exchange, limit: number, tooLarge: () => RegistryError): Promise<Uint8Array> {
    const { response, signal, label } = exchange;
    const reader = response.body?.getReader();
    try {
      const declared = Number(response.headers.get('content-length') ?? NaN);
      if (declared > limit) throw tooLarge();
      const chunks: Uint8Array[] = [];
      let total = 0;
      while (reader) {
        const { done, value } = await untilAborted(reader.read(), signal);
        if (done) break;
        const chunk = value instanceof Uint8Array ? value : new Uint8Array(value as ArrayBuffer);
        total += chunk.byteLength;
        if (total > limit) throw tooLarge();
        chunks.push(chunk);
      }
      return concat(chunks, total);
    } catch (error) {
      reader?.cancel().catch(() => undefined);
      throw this.unreachable(error, signal, label, 'reading the response');
    } finally {
      exchange.done();
    }
  }

  /** Ends an exchange whose body is not wanted. */
  discard(exchange: Exchange): void {
    exchange.done();
    cancelBody(exchange.response);
  }

  /** UNAVAILABLE for a network failure or timeout; a RegistryError passes unchanged. */
  private unreachable(error: unknown, signal: AbortSignal, label: string, doing: string): RegistryError {
    if (error instanceof RegistryError) return error;
    const reason = signal.aborted
      ? `timed out after ${this.timeoutMs} ms ${doing}`
      : error instanceof Error
        ? error.message
        : String(error);
    return new RegistryError('UNAVAILABLE', `${label} unreachable: ${reason}`);
  }
}

/** Settles like `promise`, or rejects with the signal's reason as soon as it aborts. */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason as Error);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason as Error);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error as Error);
      },
    );
  });
}

function withoutAuthorization(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).filter(([name]) => name.toLowerCase() !== 'authorization'));
}

function cancelBody(response: Response): void {
  if (response.body && !response.bodyUsed) response.body.cancel().catch(() => undefined);
}

function concat(chunks: Uint8Array[], total: number): Uint8Array {
  if (chunks.length === 1) return chunks[0]!;
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}
