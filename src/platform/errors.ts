/**
 * The one error of the platform module (docs/platform-rules.md §2, §3, §10): a specifier, or a
 * platform-related request value, that cannot be accepted. It quotes the offending input.
 *
 * This module knows nothing of HTTP: routes turn this into a `RegistryError('PLATFORM_INVALID')`
 * (or their own 400), in one place.
 */

/** Longest stretch of the input repeated in the message: a request part may be 16 KiB. */
const QUOTE_LIMIT = 100;

/** The input JSON-quoted, cut to about 100 characters. */
function quoteInput(input: string): string {
  return JSON.stringify(input.length > QUOTE_LIMIT ? `${input.slice(0, QUOTE_LIMIT)}…` : input);
}

/**
 * Thrown for an invalid platform specifier (or `match=` value).
 *
 * @example
 * new InvalidPlatformError('linux/&arm', '"&arm" is not a valid architecture').message
 * // → 'invalid platform "linux/&arm": "&arm" is not a valid architecture'
 */
export class InvalidPlatformError extends Error {
  /** The value exactly as received. */
  readonly input: string;
  /** Why it was rejected, without the input. */
  readonly reason: string;
  /** What the input was meant to be: `platform`, `X-Platform header`, `match`, … */
  readonly subject: string;

  constructor(input: string, reason: string, subject = 'platform') {
    super(`invalid ${subject} ${quoteInput(input)}: ${reason}`);
    this.name = 'InvalidPlatformError';
    this.input = input;
    this.reason = reason;
    this.subject = subject;
  }
}
