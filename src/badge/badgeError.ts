/**
 * The one place where errors become badges (docs/architecture.md, "Errors and validation"): a badge
 * in a README must still be an image when something fails, so the badge routes answer errors with
 * an error badge, not the registry's JSON envelope. The user's label, label colour and style are
 * kept; the colour is the error's.
 *
 * | cause                                                      | status | message           |
 * | ---------------------------------------------------------- | ------ | ----------------- |
 * | unknown image or tag (MANIFEST_UNKNOWN, NAME_UNKNOWN, …)   | 404    | not found         |
 * | no access (UNAUTHORIZED, DENIED): Docker Hub answers an    | 404    | not found         |
 * |   unknown repository that way too, so they cannot differ  |        |                   |
 * | origin failing and nothing stale stored (UNAVAILABLE,      | 503    | unavailable       |
 * |   BAD_GATEWAY, TOOMANYREQUESTS)                            |        |                   |
 * | invalid name, tag or digest                                | 400    | invalid reference |
 * | invalid query option                                       | 400    | invalid <option>  |
 * | anything else (logged)                                     | 500    | error             |
 *
 * A stale answer is not an error: the store serves it, and the badge shows it.
 */
import { toRegistryError } from '../http/errorResponse';
import type { BadgeAnswer } from './BadgeContent';
import { BadgeOptionError } from './BadgeOptionError';
import { DEFAULT_LABEL, type BadgeOptions } from './badgeOptions';
import { withOptions } from './platformBadge';

const NOT_FOUND = new Set(['MANIFEST_UNKNOWN', 'NAME_UNKNOWN', 'NOT_FOUND', 'BLOB_UNKNOWN', 'UNAUTHORIZED', 'DENIED']);
const UNAVAILABLE = new Set(['UNAVAILABLE', 'BAD_GATEWAY', 'TOOMANYREQUESTS']);
const INVALID_REFERENCE = new Set(['NAME_INVALID', 'TAG_INVALID', 'DIGEST_INVALID']);

/** The error badge for `err`, with whatever options could be read (none when they were the error). */
export function badgeError(err: unknown, options: Partial<BadgeOptions> = {}): BadgeAnswer {
  const { status, message, color } = describeError(err);
  return { status, content: withOptions({ label: DEFAULT_LABEL, message, color, isError: true }, options, true) };
}

/** An error as the table above classifies it; `detail` is safe to show (no internals). */
export interface ErrorDescription {
  status: number;
  message: string;
  color: string;
  detail: string;
}

/** The table above, also used by the image page for its error pages. */
export function describeError(err: unknown): ErrorDescription {
  if (err instanceof BadgeOptionError) return { status: 400, message: `invalid ${err.option}`, color: 'red', detail: err.message };
  const error = toRegistryError(err);
  const detail = error.message;
  if (NOT_FOUND.has(error.code)) return { status: 404, message: 'not found', color: 'lightgrey', detail };
  if (UNAVAILABLE.has(error.code)) return { status: 503, message: 'unavailable', color: 'lightgrey', detail };
  if (INVALID_REFERENCE.has(error.code)) return { status: 400, message: 'invalid reference', color: 'red', detail };
  if (error.status === 400) return { status: 400, message: 'invalid request', color: 'red', detail };
  return { status: 500, message: 'error', color: 'red', detail };
}
