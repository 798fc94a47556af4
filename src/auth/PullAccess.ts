/**
 * Who may pull what. Images of a registry pulled with UPSTREAM_CREDENTIALS may be private at
 * their origin, so the worker does not serve them to anonymous clients unless configured to:
 * - a registry anonymous clients may pull from (`ANONYMOUS_PULL`: `public`, the default, is
 *   every registry pulled without credentials, KV-only ones included; listed hosts; or `all`)
 *   is open to every request;
 * - any other registry needs a pull token (`PULL_TOKEN`), shown as `Authorization: Bearer
 *   <token>`, as Basic with any user name and the token as password (`docker login`), or as a
 *   token `GET /token` issued for those (src/auth/pullToken.ts);
 * - without a PULL_TOKEN, such a registry is closed to everyone: 403 DENIED.
 * With a PULL_TOKEN, `GET /v2/` asks for a token (`WWW-Authenticate: Bearer realm=…/token`),
 * as Docker Hub does, so registry clients run the token flow and send their credentials.
 */
import type { Config } from '../config/config';
import type { ImageName } from '../oci/reference';
import { RegistryError } from '../oci/RegistryError';
import { equalsAny } from './constantTimeEqual';
import { verifyToken, type Grant } from './pullToken';

/**
 * What a request's `Authorization` proves: the PULL_TOKEN itself (`token`, raw or as a Basic
 * password), a grant of a token this worker issued, nothing (no header), or a wrong secret.
 */
export type Identity = 'token' | Grant | 'none' | 'invalid';

/** Whether anonymous clients may pull from `registry` under `config`. */
export function anonymousMayPull(config: Config, registry: string): boolean {
  const { anonymous } = config.pull;
  if (anonymous.all || anonymous.registries.includes(registry)) return true;
  return anonymous.public && !config.upstreams[registry]?.credentials;
}

/** One request's access: authorizes its pulls and remembers whether private content was served. */
export class PullAccess {
  /** Set once private content was authorized: the response must not be kept by shared caches. */
  servedPrivate = false;
  private identity?: Promise<Identity>;

  constructor(
    private readonly config: Config,
    private readonly now: () => number,
  ) {}

  /** Throws 401 UNAUTHORIZED (with the token challenge) or 403 DENIED unless `request` may pull `image`. */
  async authorize(request: Request, image: ImageName): Promise<void> {
    if (anonymousMayPull(this.config, image.registry)) return;
    if (this.config.pull.tokens.length === 0) {
      throw new RegistryError('DENIED', `${image.registry} is not open to anonymous clients, and this worker has no PULL_TOKEN`);
    }
    const identity = await this.identify(request);
    if (identity === 'token' || identity === 'pull') {
      this.servedPrivate = true;
      return;
    }
    throw unauthorized(request, identity, `repository:${image.name}:pull`);
  }

  /**
   * `GET /v2/`: with a PULL_TOKEN (and not everything anonymous), a request that proves nothing
   * gets the token challenge, so clients fetch a token, with their credentials if they have any.
   */
  async checkVersion(request: Request): Promise<void> {
    if (this.config.pull.tokens.length === 0 || this.config.pull.anonymous.all) return;
    const identity = await this.identify(request);
    if (identity === 'none' || identity === 'invalid') throw unauthorized(request, identity);
  }

  /** What the request's `Authorization` header proves; worked out once per request. */
  identify(request: Request): Promise<Identity> {
    return (this.identity ??= identifyRequest(request.headers.get('Authorization'), this.config.pull.tokens, this.now()));
  }
}

async function identifyRequest(header: string | null, tokens: readonly string[], nowMs: number): Promise<Identity> {
  if (header === null || header.trim() === '') return 'none';
  if (tokens.length === 0) return 'invalid';
  const match = /^(Basic|Bearer)\s+(\S+)$/i.exec(header.trim());
  if (!match) return 'invalid';
  const [, scheme, value] = match as unknown as [string, string, string];
  if (scheme.toLowerCase() === 'basic') {
    const password = basicPassword(value);
    return password !== undefined && (await equalsAny(password, tokens)) ? 'token' : 'invalid';
  }
  if (await equalsAny(value, tokens)) return 'token';
  return (await verifyToken(value, tokens, nowMs)) ?? 'invalid';
}

/** The password of a Basic credential (`base64(user:password)`, UTF-8); undefined when malformed. */
function basicPassword(encoded: string): string | undefined {
  try {
    const bytes = Uint8Array.from(atob(encoded), (c) => c.charCodeAt(0));
    const text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
    const colon = text.indexOf(':');
    return colon < 0 ? undefined : text.slice(colon + 1);
  } catch {
    return undefined;
  }
}

/** 401 with the challenge that sends registry clients to `/token` (distribution's token flow). */
function unauthorized(request: Request, identity: Identity, scope?: string): RegistryError {
  const url = new URL(request.url);
  const params = [`realm="${url.origin}/token"`, `service="${url.host}"`];
  if (scope) params.push(`scope="${scope}"`);
  if (identity === 'invalid') params.push('error="invalid_token"');
  if (identity === 'anonymous') params.push('error="insufficient_scope"');
  const message = identity === 'invalid' ? 'the credentials or token are not valid' : 'authentication required: this repository needs a pull token';
  return new RegistryError('UNAUTHORIZED', message, null, { 'WWW-Authenticate': `Bearer ${params.join(',')}` });
}
