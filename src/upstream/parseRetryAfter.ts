/**
 * The `Retry-After` header (RFC 9110 §10.2.3): a number of seconds or an HTTP-date, as a
 * registry sends it with 429 Too Many Requests.
 */

/**
 * Seconds to wait according to a `Retry-After` value, relative to `now` (ms since the epoch);
 * undefined when the value is absent or unreadable. A date in the past gives 0.
 * @example parseRetryAfter('120', Date.now()) // → 120
 * @example parseRetryAfter('Wed, 21 Oct 2015 07:28:00 GMT', Date.parse('Wed, 21 Oct 2015 07:27:00 GMT')) // → 60
 */
export function parseRetryAfter(value: string | null | undefined, now: number): number | undefined {
  const text = value?.trim();
  if (!text) return undefined;
  if (/^\d+$/.test(text)) return Number(text);
  // An HTTP-date names a weekday; this keeps `Date.parse` from reading things like "12.5".
  if (!/^[A-Za-z]{3,9}, /.test(text)) return undefined;
  const date = Date.parse(text);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, Math.ceil((date - now) / 1000));
}
