/**
 * Asking a registry's token server for a pull token (Docker registry token authentication
 * specification, "Requesting a Token" and "Token Response Fields"):
 *
 *     GET <realm>?service=<service>&scope=repository:<repository>:pull
 *     Authorization: Basic …            (only when credentials are configured)
 *     → 200 {"token": "…", "access_token": "…", "expires_in": 300, "issued_at": "…"}
 *
 * Only pull scope is ever asked for, whatever scope the challenge named. `token` and
 * `access_token` are both accepted; `expires_in` defaults to 60 seconds. Credentials are sent
 * only over https, or over http to the registry's own host name (a registry and token server
 * on loopback): a challenge cannot lure them elsewhere in clear text.
 *
 * Failures: 401/403 → DENIED with credentials, UNAUTHORIZED without; 429 → TOOMANYREQUESTS;
 * anything else (status, JSON, network, timeout) → UNAVAILABLE. Messages name the registry,
 * the token server's host and the user, never a password or token.
 */
import { z } from 'zod';
import { RegistryError } from '../oci/RegistryError';
import { basicAuthorization, type Credentials } from './basicAuthorization';
import { statusError } from './upstreamStatusError';
import type { UpstreamTransport } from './UpstreamTransport';

/** Lifetime of a token whose response gives no `expires_in` (the token specification's default). */
export const DEFAULT_TOKEN_LIFETIME_SECONDS = 60;

const TOKEN_BODY_LIMIT = 1024 * 1024;

const tokenResponseSchema = z.object({
  token: z.string().optional(),
  access_token: z.string().optional(),
  expires_in: z.number().optional(),
});

/** What to ask the token server for. */
export interface TokenRequest {
  /** The challenge's `realm`: the token endpoint URL. */
  realm: string;
  /** The challenge's `service`, if it named one. */
  service?: string;
  /** The repository to pull from; the scope is `repository:<repository>:pull`. */
  repository: string;
  /** The registry's base URL (credentials may go over http to its host only). */
  baseUrl: string;
  credentials?: Credentials;
}

/** A token and how long it is valid. */
export interface IssuedToken {
  token: string;
  expiresInSeconds: number;
}

/** The scope a pull needs: `repository:<repository>:pull`. */
export function pullScope(repository: string): string {
  return `repository:${repository}:pull`;
}

/** Fetches a pull token for `request.repository`. Throws RegistryError as described above. */
export async function fetchToken(transport: UpstreamTransport, request: TokenRequest): Promise<IssuedToken> {
  const { registry } = transport;
  const url = tokenUrl(registry, request);
  const label = `upstream ${registry} token endpoint ${url.host}`;
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (request.credentials) headers['Authorization'] = basicAuthorization(request.credentials);
  const exchange = await transport.send(url.href, { method: 'GET', headers }, { kind: 'token', label });
  const { response } = exchange;
  if (response.status !== 200) {
    transport.discard(exchange);
    throw tokenRefused(label, request, response, transport.now());
  }
  const bytes = await transport.readBody(
    exchange,
    TOKEN_BODY_LIMIT,
    () => new RegistryError('UNAVAILABLE', `${label} sent a response larger than ${TOKEN_BODY_LIMIT} bytes`),
  );
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    throw new RegistryError('UNAVAILABLE', `${label} sent a response that is not JSON`);
  }
  const parsed = tokenResponseSchema.safeParse(json);
  const token = parsed.success ? parsed.data.token || parsed.data.access_token : undefined;
  if (!parsed.success || !token) {
    throw new RegistryError('UNAVAILABLE', `${label} sent no token (expected JSON with "token" or "access_token")`);
  }
  const expiresIn = parsed.data.expires_in;
  return {
    token,
    expiresInSeconds: expiresIn !== undefined && expiresIn > 0 ? expiresIn : DEFAULT_TOKEN_LIFETIME_SECONDS,
  };
}

function tokenUrl(registry: string, request: TokenRequest): URL {
  let url: URL;
  try {
    url = new URL(request.realm);
  } catch {
    throw new RegistryError('BAD_GATEWAY', `upstream ${registry} sent a Bearer challenge whose realm is not a URL`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new RegistryError('BAD_GATEWAY', `upstream ${registry} sent a Bearer challenge whose realm is not http(s)`);
  }
  if (url.username || url.password) {
    throw new RegistryError(
      'BAD_GATEWAY',
      `upstream ${registry} sent a Bearer challenge whose realm has user information`,
    );
  }
  if (request.credentials && url.protocol === 'http:' && url.hostname !== new URL(request.baseUrl).hostname) {
    throw new RegistryError(
      'BAD_GATEWAY',
      `refusing to send the credentials for ${registry} over plain http to token endpoint ${url.host}`,
    );
  }
  if (request.service !== undefined) url.searchParams.set('service', request.service);
  url.searchParams.set('scope', pullScope(request.repository));
  return url;
}

function tokenRefused(label: string, request: TokenRequest, response: Response, now: number): RegistryError {
  const { status } = response;
  const detail = { upstreamStatus: status };
  if (status === 401 || status === 403) {
    if (request.credentials) {
      return new RegistryError(
        'DENIED',
        `${label} refused the credentials of user ${JSON.stringify(request.credentials.username)} (${status}) ` +
          `for repository ${request.repository}`,
        detail,
      );
    }
    return new RegistryError(
      'UNAUTHORIZED',
      `${label} refused an anonymous token for repository ${request.repository} (${status}): credentials are required`,
      detail,
    );
  }
  if (status === 429) return statusError({ label, what: 'a token', now }, response);
  return new RegistryError('UNAVAILABLE', `${label} failed with ${status}`, detail);
}
