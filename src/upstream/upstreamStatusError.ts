/**
 * What an unexpected upstream status means for our client (docs/architecture.md,
 * "The HTTP surface", errors): 403 → DENIED, 429 → TOOMANYREQUESTS with `Retry-After`, 5xx →
 * UNAVAILABLE, any other answer → BAD_GATEWAY. Only the registry's error codes are quoted (OCI
 * distribution-spec "Error Codes"), never its free-text messages, so nothing an upstream echoes can
 * reach a client. 401 is the auth layer's (RegistryAuth), 404 the caller's.
 */
import { RegistryError } from '../oci/RegistryError';
import { parseRetryAfter } from './parseRetryAfter';
import type { Exchange, UpstreamTransport } from './UpstreamTransport';

/** Wait suggested on a 429 that gives no usable `Retry-After`. */
export const DEFAULT_RETRY_AFTER_SECONDS = 60;

/** The largest error body read for its codes. */
const ERROR_BODY_LIMIT = 64 * 1024;

/**
 * The `errors[].code` values of an error response (distribution-spec error envelope); an
 * empty list when the body is missing, too large or not that JSON. Ends the exchange.
 */
export async function readErrorCodes(transport: UpstreamTransport, exchange: Exchange): Promise<string[]> {
  if (exchange.response.status === 429 || exchange.response.status >= 500) {
    transport.discard(exchange);
    return [];
  }
  try {
    const bytes = await transport.readBody(exchange, ERROR_BODY_LIMIT, () => new RegistryError('UNKNOWN', 'too large'));
    const json: unknown = JSON.parse(new TextDecoder().decode(bytes));
    const errors = (json as { errors?: unknown }).errors;
    if (!Array.isArray(errors)) return [];
    return errors
      .map((entry) => (entry as { code?: unknown } | null)?.code)
      .filter((code): code is string => typeof code === 'string' && /^[A-Z_]{1,64}$/.test(code));
  } catch {
    return [];
  }
}

/**
 * The RegistryError for an upstream answer of `status` to a request about `what`.
 * @example statusError({ label: 'upstream docker.io', what: 'manifest library/golang:1.23', now }, response, [])
 * // 503 → UNAVAILABLE "upstream docker.io failed with 503 for manifest library/golang:1.23"
 */
export function statusError(
  context: { label: string; what: string; now: number },
  response: Response,
  codes: readonly string[] = [],
): RegistryError {
  const { label, what } = context;
  const { status } = response;
  const detail = { upstreamStatus: status, ...(codes.length > 0 ? { upstreamErrors: [...codes] } : {}) };
  if (status === 429) {
    const seconds = parseRetryAfter(response.headers.get('retry-after'), context.now) ?? DEFAULT_RETRY_AFTER_SECONDS;
    return new RegistryError(
      'TOOMANYREQUESTS',
      `${label} is rate limiting requests (429 for ${what}); retry after ${seconds} s`,
      { ...detail, retryAfter: seconds },
      { 'Retry-After': String(seconds) },
    );
  }
  if (status === 403) return new RegistryError('DENIED', `${label} denied access to ${what} (403)`, detail);
  if (status >= 500) return new RegistryError('UNAVAILABLE', `${label} failed with ${status} for ${what}`, detail);
  const saying = codes.length > 0 ? ` (${codes.join(', ')})` : '';
  return new RegistryError('BAD_GATEWAY', `${label} answered ${status} for ${what}${saying}`, detail);
}
