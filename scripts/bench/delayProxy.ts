/**
 * A reverse proxy on loopback that stands for the network between a cache and its origin
 * registry: every request waits `delayMs` (the injected round-trip time) before it is forwarded,
 * and is counted, so the benchmark can say how many origin requests each peer made.
 *
 * Connections to the origin are kept alive, so the delay is the only added latency.
 *
 * @example
 * const proxy = await DelayProxy.start({ target: origin.url, delayMs: 40 });
 * const mark = proxy.mark();
 * // … load …
 * proxy.count({ kind: 'manifest-by-tag' }, mark);
 */
import { Agent, createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

export type UpstreamKind = 'ping' | 'manifest-by-tag' | 'manifest-by-digest' | 'blob' | 'tags' | 'other';

/** One forwarded request, as the proxy saw it arrive. */
export interface ProxiedRequest {
  /** performance.now() when the request arrived, in ms. */
  at: number;
  method: string;
  path: string;
  kind: UpstreamKind;
  /** `<name>:<tag>` or `<name>@<digest>` for manifests. */
  reference?: string;
}

export interface DelayProxyOptions {
  /** Origin base URL, e.g. `http://127.0.0.1:5000`. */
  target: string;
  delayMs: number;
}

const MANIFEST_PATH = /^\/v2\/(.+)\/manifests\/([^/?]+)/;

export function classify(path: string): Pick<ProxiedRequest, 'kind' | 'reference'> {
  const pathname = path.split('?')[0] ?? path;
  if (pathname === '/v2/' || pathname === '/v2') return { kind: 'ping' };
  const manifest = MANIFEST_PATH.exec(pathname);
  if (manifest) {
    const [, name = '', reference = ''] = manifest;
    return reference.includes(':')
      ? { kind: 'manifest-by-digest', reference: `${name}@${reference}` }
      : { kind: 'manifest-by-tag', reference: `${name}:${reference}` };
  }
  if (/\/blobs\//.test(pathname)) return { kind: 'blob' };
  if (/\/tags\/list$/.test(pathname)) return { kind: 'tags' };
  return { kind: 'other' };
}

export class DelayProxy {
  /** Every request so far, oldest first. */
  readonly log: ProxiedRequest[] = [];

  private constructor(
    private readonly server: Server,
    private readonly agent: Agent,
    readonly port: number,
  ) {}

  static async start(options: DelayProxyOptions): Promise<DelayProxy> {
    const target = new URL(options.target);
    const agent = new Agent({ keepAlive: true, maxSockets: 256 });
    let proxy: DelayProxy | undefined;
    const server = createServer((req, res) => proxy!.forward(req, res, target, options.delayMs));
    server.keepAliveTimeout = 60_000;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    if (typeof address !== 'object' || !address) throw new Error('delay proxy has no address');
    proxy = new DelayProxy(server, agent, address.port);
    return proxy;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** A position in the log, for counting only what came after it. */
  mark(): number {
    return this.log.length;
  }

  /** Requests since `since` (a mark()), optionally of one kind only. */
  entries(since = 0, kind?: UpstreamKind): ProxiedRequest[] {
    return this.log.slice(since).filter((e) => kind === undefined || e.kind === kind);
  }

  count(filter: { kind?: UpstreamKind } = {}, since = 0): number {
    return this.entries(since, filter.kind).length;
  }

  /** Manifest requests (by tag or digest) since `since`: what the targets call upstream requests. */
  manifestRequests(since = 0): ProxiedRequest[] {
    return this.entries(since).filter((e) => e.kind === 'manifest-by-tag' || e.kind === 'manifest-by-digest');
  }

  /** Resolves once no request has arrived for `ms` (background work settled), or after `timeoutMs`. */
  async quiet(ms = 300, timeoutMs = 10_000): Promise<void> {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const last = this.log.at(-1)?.at ?? 0;
      const idle = performance.now() - last;
      if (idle >= ms || performance.now() > deadline) return;
      await new Promise((r) => setTimeout(r, ms - idle));
    }
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.agent.destroy();
  }

  private forward(req: IncomingMessage, res: ServerResponse, target: URL, delayMs: number): void {
    const path = req.url ?? '/';
    const method = req.method ?? 'GET';
    this.log.push({ at: performance.now(), method, path, ...classify(path) });
    const headers = { ...req.headers, host: target.host };
    setTimeout(() => {
      const upstream = httpRequest(
        { host: target.hostname, port: target.port, method, path, headers, agent: this.agent },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, rewriteLocation(answer.headers, target, req.headers.host));
          answer.pipe(res);
        },
      );
      upstream.on('error', (err) => {
        if (!res.headersSent) res.writeHead(502, { 'Content-Type': 'text/plain' });
        res.end(`delay proxy: ${err.message}\n`);
      });
      req.pipe(upstream);
    }, delayMs);
  }
}

/** Redirects the origin makes to itself must come back through the proxy (and pay the delay). */
function rewriteLocation(headers: IncomingMessage['headers'], target: URL, proxyHost: string | undefined): IncomingMessage['headers'] {
  const location = headers.location;
  if (!location || !proxyHost || !location.startsWith(target.origin)) return headers;
  return { ...headers, location: `http://${proxyHost}${location.slice(target.origin.length)}` };
}
