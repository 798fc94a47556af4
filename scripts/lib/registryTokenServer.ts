/**
 * A Bearer token server for a test registry, per the distribution token-auth spec
 * (docs/spec/auth/token.md and jwt.md of distribution 2.8):
 *
 * - `GET /token?service=S&scope=repository:NAME:pull[,push]&scope=…` with optional Basic
 *   credentials → `{ token, access_token, expires_in, issued_at }`;
 * - the token is a JWT (RS256) with `iss`, `sub`, `aud` = service, `exp`/`nbf`/`iat`, `jti`
 *   and `access: [{ type: 'repository', name, actions }]`; its header carries the signing
 *   certificate in `x5c`, and the registry trusts that certificate through `rootcertbundle`;
 * - wrong credentials → 401 (the client learns nothing more); anonymous → a token granting
 *   nothing; a user gets only the actions configured for them (pull and/or push), only for
 *   repository scopes.
 *
 * The key and self-signed certificate are made with `openssl` when the server starts.
 */
import { createPrivateKey, randomUUID, sign, X509Certificate, type KeyObject } from 'node:crypto';
import { readFile, mkdtemp, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RegistryAuth } from './registryServer';
import { runChecked } from './runCommand';

export type RegistryAction = 'pull' | 'push';

export interface TokenUser {
  password: string;
  actions: readonly RegistryAction[];
}

export interface TokenServerOptions {
  /** User name → password and the actions they may be granted. */
  users: Record<string, TokenUser>;
  /** The registry's service name (token `aud`); default `harness-registry`. */
  service?: string;
  /** Token lifetime in seconds; default 300. */
  expiresIn?: number;
}

/** One token request as the server saw it. */
export interface TokenRequest {
  /** The Basic user name, or undefined for anonymous requests. */
  account: string | undefined;
  scopes: string[];
  status: number;
  /** What the issued token grants (empty when refused). */
  granted: { name: string; actions: string[] }[];
}

interface Access {
  type: 'repository';
  name: string;
  actions: string[];
}

const ISSUER = 'registry-harness-token-issuer';

export class TokenServer {
  /** Every token request so far, oldest first. */
  readonly requests: TokenRequest[] = [];

  private constructor(
    private readonly server: Server,
    readonly port: number,
    private readonly dir: string,
    private readonly key: KeyObject,
    private readonly certDer: string,
    private readonly options: Required<TokenServerOptions>,
  ) {}

  static async start(options: TokenServerOptions): Promise<TokenServer> {
    const dir = await mkdtemp(join(tmpdir(), 'token-server-'));
    await runChecked('openssl', [
      'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', `/CN=${ISSUER}`,
      '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'),
    ]);
    const key = createPrivateKey(await readFile(join(dir, 'key.pem')));
    const certDer = new X509Certificate(await readFile(join(dir, 'cert.pem'))).raw.toString('base64');
    const full = { service: 'harness-registry', expiresIn: 300, ...options };
    let token: TokenServer | undefined;
    const server = createServer((req, res) => token!.handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    if (typeof address !== 'object' || !address) throw new Error('token server has no address');
    token = new TokenServer(server, address.port, dir, key, certDer, full);
    return token;
  }

  get realm(): string {
    return `http://127.0.0.1:${this.port}/token`;
  }

  /** The registry `auth.token` settings that trust this server. */
  get registryAuth(): RegistryAuth {
    return { kind: 'token', realm: this.realm, service: this.options.service, issuer: ISSUER, rootCertBundle: join(this.dir, 'cert.pem') };
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    await rm(this.dir, { recursive: true, force: true });
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', this.realm);
    const scopes = url.searchParams.getAll('scope').flatMap((s) => s.split(' ')).filter(Boolean);
    const reply = (status: number, body: unknown, granted: TokenRequest['granted'] = [], account?: string) => {
      this.requests.push({ account, scopes, status, granted });
      const headers: Record<string, string> = { 'Content-Type': 'application/json' };
      if (status === 401) headers['WWW-Authenticate'] = `Basic realm="${this.realm}"`;
      res.writeHead(status, headers).end(JSON.stringify(body));
    };
    if (req.method !== 'GET' || url.pathname !== '/token') {
      return reply(404, { errors: [{ code: 'NOT_FOUND', message: `no such endpoint: ${req.method} ${url.pathname}` }] });
    }
    if (url.searchParams.get('service') !== this.options.service) {
      return reply(400, { errors: [{ code: 'INVALID_SERVICE', message: `unknown service "${url.searchParams.get('service')}"` }] });
    }
    const credentials = basicCredentials(req.headers.authorization);
    let allowed: readonly RegistryAction[] = [];
    if (credentials) {
      const user = this.options.users[credentials.user];
      if (!user || user.password !== credentials.password) {
        return reply(401, { errors: [{ code: 'UNAUTHORIZED', message: 'invalid username or password' }] }, [], credentials.user);
      }
      allowed = user.actions;
    }
    const access = scopes.flatMap((scope) => grant(scope, allowed));
    const now = Math.floor(Date.now() / 1000);
    const token = this.sign({
      iss: ISSUER,
      sub: credentials?.user ?? '',
      aud: this.options.service,
      exp: now + this.options.expiresIn,
      nbf: now - 10,
      iat: now,
      jti: randomUUID(),
      access,
    });
    const granted = access.map(({ name, actions }) => ({ name, actions }));
    reply(200, { token, access_token: token, expires_in: this.options.expiresIn, issued_at: new Date(now * 1000).toISOString() }, granted, credentials?.user);
  }

  private sign(claims: Record<string, unknown>): string {
    const header = { typ: 'JWT', alg: 'RS256', x5c: [this.certDer] };
    const input = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(claims))}`;
    return `${input}.${base64url(sign('sha256', Buffer.from(input), this.key))}`;
  }
}

/** `repository:NAME:pull,push` → the granted subset of the actions; other scope types get nothing. */
function grant(scope: string, allowed: readonly RegistryAction[]): Access[] {
  const first = scope.indexOf(':');
  const last = scope.lastIndexOf(':');
  if (first <= 0 || last === first || scope.slice(0, first) !== 'repository') return [];
  const name = scope.slice(first + 1, last);
  const actions = scope.slice(last + 1).split(',').filter((a) => (allowed as readonly string[]).includes(a));
  return actions.length > 0 ? [{ type: 'repository', name, actions }] : [];
}

function basicCredentials(header: string | undefined): { user: string; password: string } | undefined {
  const m = /^Basic\s+(\S+)$/i.exec(header ?? '');
  if (!m?.[1]) return undefined;
  const text = Buffer.from(m[1], 'base64').toString('utf8');
  const colon = text.indexOf(':');
  return colon < 0 ? undefined : { user: text.slice(0, colon), password: text.slice(colon + 1) };
}

function base64url(data: string | Buffer): string {
  return Buffer.from(data).toString('base64url');
}
