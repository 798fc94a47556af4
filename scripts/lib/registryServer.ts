/**
 * A real OCI registry on loopback for integration tests and benchmarks: Debian's
 * `docker-registry serve config.yml` (distribution 2.8) with filesystem storage in a temp dir,
 * optionally behind htpasswd Basic auth or token (Bearer) auth.
 *
 * The registry's access log (one combined-log line per request on stdout) is parsed, so tests
 * can count exactly which requests reached the origin. `stop()` and `restart()` keep the port
 * and the storage, as an origin outage would.
 *
 * @example
 * const registry = await RegistryServer.start();
 * await pushImage(image, { registry: registry.host, repository: 'demo/multi', tag: '1.0' });
 * registry.count({ method: 'GET', path: /\/manifests\// });
 * await registry.dispose();
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import bcrypt from 'bcryptjs';
import { requireDebianTools } from './debianTools';
import { freePort, waitForHttp } from './freePort';

export type RegistryAuth =
  /** Basic auth against an htpasswd file (bcrypt) written from `users` (name → password). */
  | { kind: 'htpasswd'; users: Record<string, string> }
  /** Token auth (distribution `auth.token`): clients get JWTs from `realm`, signed by a key whose cert is in `rootCertBundle`. */
  | { kind: 'token'; realm: string; service: string; issuer: string; rootCertBundle: string };

export interface RegistryOptions {
  auth?: RegistryAuth;
  /** Shown in errors and logs, e.g. `basic-auth registry`. */
  label?: string;
}

/** One line of the registry's access log. */
export interface AccessLogEntry {
  method: string;
  /** Path and query as requested, e.g. `/v2/demo/multi/manifests/1.0`. */
  path: string;
  status: number;
  userAgent: string;
}

export interface AccessLogFilter {
  method?: string;
  path?: RegExp;
  status?: number;
}

// 127.0.0.1 - - [28/Nov/2026:22:44:48 +0000] "GET /v2/ HTTP/1.1" 200 2 "" "curl/7.88.1"
const ACCESS_LINE = /^\S+ \S+ \S+ \[[^\]]*\] "(\S+) (\S+) [^"]*" (\d{3}) \S+ "[^"]*" "([^"]*)"/;
const SENTINEL_AGENT = 'registry-harness-sentinel/';
// bcrypt's minimum cost: the registry checks the hash on every request, and these are test passwords.
const BCRYPT_COST = 4;

export class RegistryServer {
  private process: ChildProcess | null = null;
  private readonly entries: AccessLogEntry[] = [];
  private stderrTail = '';
  private sentinels = 0;
  private readonly sentinelSeen = new Set<string>();

  private constructor(
    readonly port: number,
    /** Holds `config.yml`, `storage/` and any htpasswd file; removed by dispose(). */
    readonly dir: string,
    private readonly label: string,
  ) {}

  static async start(options: RegistryOptions = {}): Promise<RegistryServer> {
    requireDebianTools(['docker-registry']);
    const dir = await mkdtemp(join(tmpdir(), 'registry-'));
    const server = new RegistryServer(await freePort(), dir, options.label ?? 'registry');
    await mkdir(join(dir, 'storage'));
    await writeFile(join(dir, 'config.yml'), await server.config(options.auth));
    await server.launch();
    return server;
  }

  /** `127.0.0.1:PORT`, as image references name it. */
  get host(): string {
    return `127.0.0.1:${this.port}`;
  }

  /** `http://127.0.0.1:PORT`, the base URL for UPSTREAMS. */
  get url(): string {
    return `http://${this.host}`;
  }

  get running(): boolean {
    return this.process !== null;
  }

  /** Every request logged so far (harness sentinels left out), oldest first. */
  get accessLog(): readonly AccessLogEntry[] {
    return this.entries;
  }

  /** How many logged requests match; `since` = an earlier `accessLog.length`. */
  count(filter: AccessLogFilter, since = 0): number {
    return this.entries.slice(since).filter((e) =>
      (filter.method === undefined || e.method === filter.method) &&
      (filter.path === undefined || filter.path.test(e.path)) &&
      (filter.status === undefined || e.status === filter.status),
    ).length;
  }

  /**
   * Waits until at least `n` logged requests since `since` match `filter` (background work of a
   * client, e.g. a cache's prefetches), then returns how many do.
   */
  async waitForRequests(filter: AccessLogFilter, n: number, since = 0, seconds = 10): Promise<number> {
    const deadline = Date.now() + seconds * 1000;
    for (;;) {
      await this.flushAccessLog();
      const count = this.count(filter, since);
      if (count >= n) return count;
      if (Date.now() > deadline) throw new Error(`${this.label}: ${count} of ${n} expected requests within ${seconds} s`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /**
   * Waits until every request answered so far is in `accessLog`: sends a sentinel request and
   * waits for its line (the registry logs in order of completion).
   */
  async flushAccessLog(): Promise<void> {
    if (!this.process) return;
    const agent = `${SENTINEL_AGENT}${++this.sentinels}`;
    await (await fetch(`${this.url}/v2/`, { headers: { 'User-Agent': agent } })).arrayBuffer();
    const deadline = Date.now() + 5000;
    while (!this.sentinelSeen.has(agent)) {
      if (Date.now() > deadline) throw new Error(`${this.label}: sentinel request not logged within 5 s`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  /** Stops the registry process (storage and port are kept for restart()). */
  async stop(): Promise<void> {
    const child = this.process;
    if (!child) return;
    this.process = null;
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
      setTimeout(() => child.kill('SIGKILL'), 3000).unref();
    });
  }

  /** Starts it again on the same port with the same storage. */
  async restart(): Promise<void> {
    await this.stop();
    await this.launch();
  }

  /** Stops it and deletes its directory. */
  async dispose(): Promise<void> {
    await this.stop();
    await rm(this.dir, { recursive: true, force: true });
  }

  private async launch(): Promise<void> {
    const child = spawn('docker-registry', ['serve', join(this.dir, 'config.yml')], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.process = child;
    let partial = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      const lines = (partial + chunk.toString()).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) this.record(line);
    });
    child.stderr!.on('data', (chunk: Buffer) => {
      this.stderrTail = (this.stderrTail + chunk.toString()).slice(-4000);
    });
    let exited = false;
    child.once('exit', (code) => {
      exited = true;
      if (this.process === child) {
        this.process = null;
        console.error(`${this.label} exited unexpectedly (code ${code}):\n${this.stderrTail}`);
      }
    });
    await waitForHttp(`${this.url}/v2/`, 20, () => (exited ? ` (exited:\n${this.stderrTail})` : `\n${this.stderrTail}`));
  }

  private record(line: string): void {
    const m = ACCESS_LINE.exec(line);
    if (!m) return;
    const [, method = '', path = '', status = '0', userAgent = ''] = m;
    if (userAgent.startsWith(SENTINEL_AGENT)) {
      this.sentinelSeen.add(userAgent);
      return;
    }
    this.entries.push({ method, path, status: Number(status), userAgent });
  }

  private async config(auth: RegistryAuth | undefined): Promise<string> {
    const lines = [
      'version: 0.1',
      'log:',
      '  level: warn',
      '  accesslog:',
      '    disabled: false',
      'storage:',
      '  filesystem:',
      `    rootdirectory: ${yaml(join(this.dir, 'storage'))}`,
      '  delete:',
      '    enabled: true',
      'http:',
      `  addr: ${this.host}`,
      // Fixed, so upload state survives restart(); this registry only ever listens on loopback.
      '  secret: registry-harness-secret',
    ];
    if (auth?.kind === 'htpasswd') {
      const path = join(this.dir, 'htpasswd');
      const rows = Object.entries(auth.users).map(([user, password]) => `${user}:${bcrypt.hashSync(password, BCRYPT_COST)}\n`);
      await writeFile(path, rows.join(''));
      lines.push('auth:', '  htpasswd:', `    realm: ${yaml(this.label)}`, `    path: ${yaml(path)}`);
    } else if (auth?.kind === 'token') {
      lines.push(
        'auth:',
        '  token:',
        `    realm: ${yaml(auth.realm)}`,
        `    service: ${yaml(auth.service)}`,
        `    issuer: ${yaml(auth.issuer)}`,
        `    rootcertbundle: ${yaml(auth.rootCertBundle)}`,
      );
    }
    return lines.join('\n') + '\n';
  }
}

/** A YAML scalar: JSON strings are valid YAML. */
function yaml(value: string): string {
  return JSON.stringify(value);
}
