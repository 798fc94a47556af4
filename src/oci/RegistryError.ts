/**
 * The one domain error of this worker: an OCI distribution-spec error code with its HTTP status.
 * Every layer throws it; `errorResponse` (src/http/errorResponse.ts, through `toRegistryError`)
 * is the one place that turns it into a Response with the envelope
 * `{"errors":[{"code","message","detail"}]}`; the router and `createWorker` call it.
 */
export const ERROR_STATUS = {
  BLOB_UNKNOWN: 404,
  MANIFEST_UNKNOWN: 404,
  NAME_UNKNOWN: 404,
  NAME_INVALID: 400,
  TAG_INVALID: 400,
  DIGEST_INVALID: 400,
  MANIFEST_INVALID: 400,
  /** Not in the distribution spec: a bad `?platform=` / `X-Platform` specifier. */
  PLATFORM_INVALID: 400,
  UNAUTHORIZED: 401,
  DENIED: 403,
  NOT_FOUND: 404,
  UNSUPPORTED: 405,
  PAGINATION_NUMBER_INVALID: 400,
  TOOMANYREQUESTS: 429,
  UNKNOWN: 500,
  BAD_GATEWAY: 502,
  UNAVAILABLE: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

export class RegistryError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly detail: unknown;
  /** Extra response headers, e.g. `Retry-After` or `WWW-Authenticate`. */
  readonly headers: Record<string, string>;

  constructor(code: ErrorCode, message: string, detail?: unknown, headers: Record<string, string> = {}) {
    super(message);
    this.name = 'RegistryError';
    this.code = code;
    this.status = ERROR_STATUS[code];
    this.detail = detail;
    this.headers = headers;
  }
}
