/**
 * Counting generated cases across the hardening suites (at least
 * 100,000 generated cases in total across the suites in a run; docs/security.md, "Figures (one run,
 * 2 cores)"). Every property goes through `checkProperty`, which runs it with fast-check, adds the
 * number of cases actually generated to a per-suite tally, and fails with fast-check's report (seed
 * and shrunk counterexample) when the property does not hold. `hardening.test.ts` imports every
 * suite, so they share this module and one total.
 */
import { env } from 'cloudflare:workers';
import fc from 'fast-check';

const tally = new Map<string, number>();

/**
 * CI runs one fixed seed, so a run is reproducible. `HARDENING_SEED=123 npx vitest run
 * test/hardening` explores other cases: vitest.config.ts passes the variable in as a binding,
 * since workerd has no process environment of its own.
 */
export const HARDENING_SEED = seedFrom(env.HARDENING_SEED) ?? 20261128;

function seedFrom(text: string): number | undefined {
  if (text === '') return undefined;
  const seed = Number(text);
  if (!Number.isSafeInteger(seed)) throw new Error(`HARDENING_SEED must be an integer, not ${JSON.stringify(text)}`);
  return seed;
}

/** Runs `property` for `numRuns` cases, counting them under `suite`. Throws fast-check's report on failure. */
export async function checkProperty<Ts>(
  suite: string,
  property: fc.IProperty<Ts> | fc.IAsyncProperty<Ts>,
  numRuns: number,
): Promise<void> {
  const details = await fc.check(property as fc.IAsyncProperty<Ts>, { numRuns, seed: HARDENING_SEED });
  tally.set(suite, (tally.get(suite) ?? 0) + details.numRuns);
  if (!details.failed) return;
  const cause = details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance);
  const report = `${fc.defaultReportMessage(details) ?? 'property failed'}\nbecause: ${cause.slice(0, 2_000)}`;
  throw new Error(escapeLoneSurrogates(report));
}

/**
 * Counterexamples hold lone surrogates (`unit: 'binary'` strings); sent to vitest as they are,
 * they crash the pool's WebSocket ("invalid UTF-8 sequence") and hide the report itself.
 */
function escapeLoneSurrogates(text: string): string {
  return text.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, (c) => `\\u${c.charCodeAt(0).toString(16)}`);
}

/** Cases generated so far, by suite. */
export function casesBySuite(): ReadonlyMap<string, number> {
  return tally;
}

export function totalCases(): number {
  let total = 0;
  for (const n of tally.values()) total += n;
  return total;
}
