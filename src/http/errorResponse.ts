/**
 * The one place where errors become Responses: the distribution-spec envelope
 * `{"errors":[{"code","message","detail"}]}` (design.md "HTTP surface"). Anything that is not a
 * RegistryError is logged and answered as a bare 500 UNKNOWN: no stack traces, no internals.
 */
import { RegistryError } from '../oci/RegistryError';
import { InvalidPlatformError } from '../platform/errors';

export function toRegistryError(err: unknown): RegistryError {
  if (err instanceof RegistryError) return err;
  if (err instanceof InvalidPlatformError) return new RegistryError('PLATFORM_INVALID', err.message);
  console.error('unhandled error:', err instanceof Error ? `${err.name}: ${err.message}` : String(err));
  return new RegistryError('UNKNOWN', 'internal error');
}

export function errorResponse(err: unknown, method = 'GET'): Response {
  const error = toRegistryError(err);
  const body = JSON.stringify({
    errors: [{ code: error.code, message: error.message, detail: error.detail ?? null }],
  }) + '\n';
  const headers = new Headers(error.headers);
  headers.set('Content-Type', 'application/json');
  headers.set('Content-Length', String(new TextEncoder().encode(body).byteLength));
  headers.set('Docker-Distribution-API-Version', 'registry/2.0');
  headers.set('Cache-Control', 'no-store');
  headers.set('X-Content-Type-Options', 'nosniff');
  return new Response(method === 'HEAD' ? null : body, { status: error.status, headers });
}
