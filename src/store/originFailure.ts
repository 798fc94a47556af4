/**
 * Failures of the origin registry as the pull-through source reports them: always a
 * RegistryError (anything else becomes UNAVAILABLE, details logged, not shown), with a message
 * that says what was asked and why the cache could not answer instead.
 */
import { RegistryError } from '../oci/RegistryError';
import { parseRetryAfter } from '../upstream/parseRetryAfter';

/** Wait after a 429 that gave no usable `Retry-After`. */
export const DEFAULT_BACKOFF_SECONDS = 60;

/** `err` as a RegistryError; unexpected errors become UNAVAILABLE naming the registry only. */
export function asOriginError(err: unknown, registry: string): RegistryError {
  if (err instanceof RegistryError) return err;
  console.error(`origin ${registry} failed:`, err instanceof Error ? `${err.name}: ${err.message}` : String(err));
  return new RegistryError('UNAVAILABLE', `upstream ${registry} failed`);
}

/** Seconds to leave the origin alone after a TOOMANYREQUESTS error. */
export function backoffSeconds(error: RegistryError, now: number): number {
  return parseRetryAfter(error.headers['Retry-After'], now) ?? DEFAULT_BACKOFF_SECONDS;
}

/** `error` with `context` in front of its message (same code, detail and headers). */
export function explainOriginFailure(error: RegistryError, context: string): RegistryError {
  return new RegistryError(error.code, `${context}: ${error.message}`, error.detail, error.headers);
}

/** The error while this isolate waits out an origin's 429 for a key, without asking again. */
export function rateLimited(context: string, registry: string, waitSeconds: number): RegistryError {
  return new RegistryError(
    'TOOMANYREQUESTS',
    `${context}: upstream ${registry} is rate limiting requests; retry after ${waitSeconds} s`,
    { retryAfter: waitSeconds },
    { 'Retry-After': String(waitSeconds) },
  );
}
