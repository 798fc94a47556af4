/**
 * The one place where errors become Responses: the distribution-spec envelope
 * `{"errors":[{"code","message","detail"}]}` (docs/architecture.md, "The HTTP surface", errors).
 * Anything that is not a RegistryError is logged and answered as a bare 500 UNKNOWN: no stack
 * traces, no internals.
 */
import { RegistryError } from '../oci/RegistryError';
import { InvalidPlatformError } from '../platform/errors';

export function toRegistryError(err: unknown): RegistryError {
  if (err instanceof RegistryError) return err;
  if (err instanceof InvalidPlatformError) return new RegistryError('PLATFORM_INVALID', err.message);
  console.error('unhandled error:', err instanceof Error ? `${err.name}: ${err.message}` : String(err));
  return new RegistryError('UNKNOWN', 'internal error');
}

/**
 * The longest message sent. Messages quote request parts cut short (grammar.ts `quote`), but a
 * route may name a whole path: up to Cloudflare's 16 KB URL limit, not to be sent back whole.
 */
export const MAX_MESSAGE_LENGTH = 1024;

export function errorResponse(err: unknown, method = 'GET'): Response {
  const error = toRegistryError(err);
  const message = error.message.length > MAX_MESSAGE_LENGTH ? `${error.message.slice(0, MAX_MESSAGE_LENGTH)}…` : error.message;
  const body = JSON.stringify({
    errors: [{ code: error.code, message, detail: error.detail ?? null }],
  }) + '\n';
  const headers = new Headers(error.headers);
  headers.set('Content-Type', 'application/json');
  headers.set('Content-Length', String(new TextEncoder().encode(body).byteLength));
  headers.set('Docker-Distribution-API-Version', 'registry/2.0');
  headers.set('Cache-Control', 'no-store');
  headers.set('X-Content-Type-Options', 'nosniff');
  return new Response(method === 'HEAD' ? null : body, { status: error.status, headers });
}
