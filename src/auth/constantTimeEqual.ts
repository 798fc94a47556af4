/** Comparing secrets a client offers (ADMIN_TOKEN, PULL_TOKEN) without leaking them through timing. */

/** Compares SHA-256 hashes of both strings, so neither length nor content leaks through timing. */
export async function constantTimeEqual(given: string, expected: string): Promise<boolean> {
  const encoder = new TextEncoder();
  const [a, b] = await Promise.all([
    crypto.subtle.digest('SHA-256', encoder.encode(given)),
    crypto.subtle.digest('SHA-256', encoder.encode(expected)),
  ]);
  return crypto.subtle.timingSafeEqual(a, b);
}

/** True when `given` equals one of `expected`; every candidate is compared, matched or not. */
export async function equalsAny(given: string, expected: readonly string[]): Promise<boolean> {
  const matches = await Promise.all(expected.map((token) => constantTimeEqual(given, token)));
  return matches.includes(true);
}
