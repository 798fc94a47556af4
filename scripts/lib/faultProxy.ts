/**
 * A fault-injecting HTTP proxy for integration tests (docs/security.md, "Availability"): it sits
 * between the worker and a real origin (docker-registry, or its token server), passes requests
 * through unchanged, and fails the ones a rule matches in the ways origins fail:
 *
 * | fault          | what the client sees                                                       |
 * | -------------- | -------------------------------------------------------------------------- |
 * | `hang`         | the connection is accepted and nothing is ever answered                    |
 * | `close`        | the connection is closed before any answer                                 |
 * | `status`       | an answer of the given status, headers and body (5xx, 429 + Retry-After)   |
 * | `slowBody`     | the origin's headers, then its body a few bytes at a time, slower than any |
 * |                | sensible deadline                                                          |
 * | `resetMidBody` | the origin's headers and half its body, then a TCP reset                   |
 * | `truncate`     | half the body, with a Content-Length that says so (a clean, short answer); |
 * |                | the origin's Docker-Content-Digest kept or dropped                         |
 * | `tamper`       | the body changed (still valid JSON), the origin's digest header kept       |
 * | `contentType`  | the origin's answer with another Content-Type                              |
 * | `redirect`     | a redirect to the given Location                                           |
 * | `oversize`     | a body of the given size, announced by Content-Length or sent chunked      |
 *
 * Rules match on method and path and may be limited to a number of requests. Every request is
 * logged with the fault applied (if any), and `injected` counts faults by kind.
 *
 * @example
 * const proxy = await FaultProxy.start(registry.url);
 * proxy.inject({ path: /\/manifests\/1\.0$/ }, { kind: 'status', status: 503 });
 * // UPSTREAMS=origin.test=${proxy.url}
 * await proxy.stop();
 */
import { createServer, request as httpRequest, type IncomingMessage, type OutgoingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

export type Fault =
  | { kind: 'hang' }
  | { kind: 'close' }
  | { kind: 'status'; status: number; headers?: Record<string, string>; body?: string }
  | { kind: 'slowBody'; bytesPerTick: number; tickMs: number }
  | { kind: 'resetMidBody' }
  | { kind: 'truncate'; keepDigestHeader: boolean }
  | { kind: 'tamper' }
  | { kind: 'contentType'; contentType: string }
  | { kind: 'redirect'; location: string; status?: number }
  | { kind: 'oversize'; bytes: number; chunked: boolean };

export type FaultKind = Fault['kind'];

export interface RequestMatch {
  method?: string;
  /** Tested against the path and query, e.g. `/v2/demo/multi/manifests/1.0`. */
  path?: RegExp;
}

export interface ProxiedRequest {
  method: string;
  path: string;
  /** Whether the request carried an Authorization header (its value is never kept). */
  authorized: boolean;
  fault: FaultKind | null;
}

interface Rule {
  match: RequestMatch;
  fault: Fault;
  /** Requests left to fail; Infinity for every matching request. */
  remaining: number;
}

export class FaultProxy {
  /** Every request, oldest first. */
  readonly requests: ProxiedRequest[] = [];
  /** Faults injected so far, by kind. */
  readonly injected = new Map<FaultKind, number>();
  private rules: Rule[] = [];
  private readonly sockets = new Set<Socket>();
  private readonly timers = new Set<ReturnType<typeof setInterval>>();

  private constructor(
    private readonly server: Server,
    readonly port: number,
    /** The origin requests are passed to, e.g. `http://127.0.0.1:5000`. */
    readonly target: URL,
  ) {}

  static async start(target: string): Promise<FaultProxy> {
    let proxy: FaultProxy | undefined;
    const server = createServer((req, res) => void proxy!.handle(req, res));
    server.on('connection', (socket) => {
      proxy!.sockets.add(socket);
      socket.on('close', () => proxy!.sockets.delete(socket));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    if (typeof address !== 'object' || !address) throw new Error('fault proxy has no address');
    proxy = new FaultProxy(server, address.port, new URL(target));
    return proxy;
  }

  /** `http://127.0.0.1:PORT` */
  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Fails matching requests with `fault` (the first `times` of them, or all). Newest rules win. */
  inject(match: RequestMatch, fault: Fault, times = Infinity): void {
    this.rules.unshift({ match, fault, remaining: times });
  }

  /** Removes every rule: requests pass through again. */
  clear(): void {
    this.rules = [];
  }

  /** Faults injected in all. */
  get totalInjected(): number {
    let total = 0;
    for (const n of this.injected.values()) total += n;
    return total;
  }

  /** Requests since `since` (an earlier `requests.length`) that match. */
  count(match: RequestMatch, since = 0): number {
    return this.requests.slice(since).filter((r) => matches(match, r.method, r.path)).length;
  }

  async stop(): Promise<void> {
    for (const timer of this.timers) clearInterval(timer);
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = req.method ?? 'GET';
    const path = req.url ?? '/';
    const rule = this.rules.find((r) => r.remaining > 0 && matches(r.match, method, path));
    const fault = rule?.fault ?? null;
    if (rule) {
      rule.remaining--;
      this.injected.set(rule.fault.kind, (this.injected.get(rule.fault.kind) ?? 0) + 1);
    }
    this.requests.push({ method, path, authorized: req.headers.authorization !== undefined, fault: fault?.kind ?? null });
    req.on('error', () => undefined);
    res.on('error', () => undefined);

    switch (fault?.kind) {
      case 'hang':
        return; // the socket stays open until the client gives up or stop()
      case 'close':
        req.socket.destroy();
        return;
      case 'status':
        res.writeHead(fault.status, { 'Content-Type': 'application/json', ...fault.headers });
        res.end(fault.body ?? JSON.stringify({ errors: [{ code: 'UNKNOWN', message: `injected ${fault.status}` }] }));
        return;
      case 'redirect':
        res.writeHead(fault.status ?? 307, { Location: fault.location, 'Content-Length': '0' });
        res.end();
        return;
      case 'oversize':
        return this.oversize(res, fault);
      default:
    }

    let origin: { status: number; headers: OutgoingHttpHeaders; body: Buffer };
    try {
      origin = await this.forward(req, method, path);
    } catch {
      res.writeHead(502).end();
      return;
    }
    switch (fault?.kind) {
      case undefined:
        res.writeHead(origin.status, origin.headers).end(method === 'HEAD' ? undefined : origin.body);
        return;
      case 'slowBody':
        return this.trickle(res, origin, fault);
      case 'resetMidBody': {
        res.writeHead(origin.status, origin.headers);
        res.write(origin.body.subarray(0, Math.floor(origin.body.length / 2)), () => setTimeout(() => res.socket?.resetAndDestroy(), 20));
        return;
      }
      case 'truncate': {
        const body = origin.body.subarray(0, Math.floor(origin.body.length / 2));
        const headers: OutgoingHttpHeaders = { ...origin.headers, 'content-length': String(body.length) };
        if (!fault.keepDigestHeader) delete headers['docker-content-digest'];
        res.writeHead(origin.status, headers).end(method === 'HEAD' ? undefined : body);
        return;
      }
      case 'tamper': {
        // Valid JSON still, a different manifest: one space more after the first `{`.
        const body = Buffer.concat([Buffer.from('{ '), origin.body.subarray(1)]);
        res.writeHead(origin.status, { ...origin.headers, 'content-length': String(body.length) }).end(method === 'HEAD' ? undefined : body);
        return;
      }
      case 'contentType':
        res.writeHead(origin.status, { ...origin.headers, 'content-type': fault.contentType }).end(method === 'HEAD' ? undefined : origin.body);
        return;
    }
  }

  /** The origin's answer to the same request, read whole (manifests and test blobs are small). */
  private forward(req: IncomingMessage, method: string, path: string): Promise<{ status: number; headers: OutgoingHttpHeaders; body: Buffer }> {
    return new Promise((resolve, reject) => {
      const headers = { ...req.headers, host: this.target.host };
      const outgoing = httpRequest({ host: this.target.hostname, port: this.target.port, method, path, headers }, (answer) => {
        const chunks: Buffer[] = [];
        answer.on('data', (chunk: Buffer) => chunks.push(chunk));
        answer.on('end', () => resolve({ status: answer.statusCode ?? 502, headers: answer.headers, body: Buffer.concat(chunks) }));
        answer.on('error', reject);
      });
      outgoing.on('error', reject);
      req.pipe(outgoing);
    });
  }

  private trickle(res: ServerResponse, origin: { status: number; headers: OutgoingHttpHeaders; body: Buffer }, fault: Extract<Fault, { kind: 'slowBody' }>): void {
    res.writeHead(origin.status, origin.headers);
    let offset = 0;
    const timer = setInterval(() => {
      if (offset >= origin.body.length || res.destroyed) {
        clearInterval(timer);
        this.timers.delete(timer);
        res.end();
        return;
      }
      res.write(origin.body.subarray(offset, offset + fault.bytesPerTick));
      offset += fault.bytesPerTick;
    }, fault.tickMs);
    this.timers.add(timer);
  }

  /** `bytes` of JSON-ish filler, announced up front or chunked; stops when the client hangs up. */
  private oversize(res: ServerResponse, fault: Extract<Fault, { kind: 'oversize' }>): void {
    const headers: OutgoingHttpHeaders = { 'Content-Type': 'application/vnd.oci.image.index.v1+json' };
    if (!fault.chunked) headers['Content-Length'] = String(fault.bytes);
    res.writeHead(200, headers);
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    let sent = 0;
    const pump = (): void => {
      while (sent < fault.bytes && !res.destroyed) {
        const piece = chunk.subarray(0, Math.min(chunk.length, fault.bytes - sent));
        sent += piece.length;
        if (!res.write(piece)) {
          res.once('drain', pump);
          return;
        }
      }
      if (!res.destroyed) res.end();
    };
    pump();
  }
}

function matches(match: RequestMatch, method: string, path: string): boolean {
  return (match.method === undefined || match.method === method) && (match.path === undefined || match.path.test(path));
}
