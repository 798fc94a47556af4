/**
 * The hardening suites (docs/security.md maps each threat to its test). One test file
 * imports them all so that they share one case counter: the last test sums the cases fast-check
 * generated across the suites, logs them, and asserts the run reached 100,000.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { casesBySuite, HARDENING_SEED, totalCases } from './cases';
import './pureProperties.suite';
import './requestProperties.suite';
import './manifestJson.suite';
import './security.admin.suite';
import './security.escaping.suite';
import './security.limits.suite';
import './security.upstream.suite';

describe('generated cases', () => {
  it('total at least 100,000 across the hardening suites', () => {
    const bySuite = [...casesBySuite()].map(([suite, n]) => `${suite}: ${n}`).join(', ');
    console.log(`hardening: ${totalCases()} generated cases, seed ${HARDENING_SEED} (${bySuite})`);
    expect(totalCases()).toBeGreaterThanOrEqual(100_000);
  });
});
