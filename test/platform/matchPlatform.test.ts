// docs/platform-rules.md §4–§5 and §8 M1–M8, P3: one request against one entry platform.
import { describe, expect, it } from 'vitest';
import { matchesPlatform } from '../../src/platform/matchPlatform';
import { parsePlatform } from '../../src/platform/parsePlatform';
import type { Platform } from '../../src/platform/Platform';

interface MatchRow {
  name: string;
  request: string;
  strict?: boolean;
  /** Entry platforms as specifiers (parsed as written, not normalized) or raw objects. */
  matches: { true: (string | Platform)[]; false: (string | Platform)[] };
}

const rows: MatchRow[] = [
  {
    name: 'M1 amd64 falls back to 386 only',
    request: 'linux/amd64',
    matches: { true: ['linux/amd64', 'linux/386', 'linux/x86_64', 'linux/i386'], false: ['linux/amd64/v2', 'windows/amd64', 'linux/arm64'] },
  },
  {
    name: 'M2 amd64/v2 accepts lower levels',
    request: 'linux/amd64/v2',
    matches: { true: ['linux/amd64/v2', 'linux/amd64', 'linux/amd64/v1', 'linux/386'], false: ['linux/amd64/v3', 'linux/amd64/v4'] },
  },
  {
    name: 'M3 arm/v6 accepts v5, not plain arm (v7)',
    request: 'linux/arm/v6',
    matches: { true: ['linux/arm/v6', 'linux/arm/v5', 'linux/armel', 'linux/arm/5'], false: ['linux/arm', 'linux/armhf', 'linux/arm/v7'] },
  },
  {
    name: 'M4 arm64 accepts arm64/v8 and 32-bit arm v8 down to v5',
    request: 'linux/arm64',
    matches: {
      true: ['linux/arm64', 'linux/arm64/v8', 'linux/aarch64', 'linux/arm/v5', 'linux/arm/v6', 'linux/arm/v7', 'linux/arm/v8', 'linux/arm'],
      false: ['linux/arm64/v9', 'linux/arm/v9', 'linux/arm64/v8.1', 'linux/amd64'],
    },
  },
  {
    name: 'M5 arm64/v9 accepts v8.5 but not v8.6',
    request: 'linux/arm64/v9',
    matches: {
      true: ['linux/arm64/v9', 'linux/arm64/9', 'linux/arm64/v8.5', 'linux/arm64', 'linux/arm/v7'],
      false: ['linux/arm64/v8.6', 'linux/arm64/v9.1'],
    },
  },
  {
    name: 'M6 windows without os.version accepts any build',
    request: 'windows/amd64',
    matches: { true: ['windows(10.0.17763)/amd64', 'windows(10.0.26100.2894)/amd64', 'windows/amd64'], false: ['linux/amd64'] },
  },
  {
    name: 'M7 strict arm/v7 accepts the same platform in any spelling, nothing lower',
    request: 'linux/arm/v7',
    strict: true,
    matches: { true: ['linux/arm', 'linux/arm/7', 'linux/armhf'], false: ['linux/arm/v6', 'linux/arm/v5'] },
  },
  {
    name: 'M8 strict amd64 does not accept 386',
    request: 'linux/amd64',
    strict: true,
    matches: { true: ['linux/amd64', 'linux/amd64/v1'], false: ['linux/386', 'linux/amd64/v2'] },
  },
  {
    name: 'P3 plain arm is arm/v7',
    request: 'linux/arm',
    matches: { true: ['linux/arm/v7', 'linux/armhf', 'linux/arm/7', 'linux/arm/v6', 'linux/arm/v5'], false: ['linux/arm/v8', 'linux/arm64'] },
  },
  {
    name: 'an entry may need only features the request has (§5)',
    request: 'linux(+gpu+simd)/amd64',
    matches: {
      true: ['linux/amd64', 'linux(+gpu)/amd64', 'linux(+simd+gpu)/amd64', 'linux(+gpu+gpu)/386'],
      false: ['linux(+tpu)/amd64', 'linux(+gpu+tpu)/amd64'],
    },
  },
  {
    name: 'a request without features accepts only entries without features',
    request: 'linux/amd64',
    matches: { true: ['linux/amd64'], false: ['linux(+gpu)/amd64'] },
  },
  {
    name: 'os.version is ignored outside Windows',
    request: 'linux(5.15)/amd64',
    matches: { true: ['linux/amd64', 'linux(6.1)/amd64'], false: [] },
  },
  {
    name: 'other architectures match exactly',
    request: 'linux/riscv64',
    matches: { true: ['linux/riscv64', 'Linux/RISCV64'], false: ['linux/amd64', 'linux/riscv64/rva22'] },
  },
  {
    name: 'unknown entries never match (§3)',
    request: 'linux/amd64',
    matches: { true: [], false: [{ os: 'unknown', architecture: 'unknown' }, { os: 'linux', architecture: 'unknown' }] },
  },
];

describe('matchesPlatform(request, entry, { strict })', () => {
  for (const row of rows) {
    const request = parsePlatform(row.request);
    const options = { strict: row.strict ?? false };
    for (const expected of [true, false] as const) {
      for (const e of row.matches[`${expected}`]) {
        const label = typeof e === 'string' ? e : JSON.stringify(e);
        it(`${row.name}: ${row.request}${row.strict ? ' (strict)' : ''} ${expected ? 'accepts' : 'rejects'} ${label}`, () => {
          const platform = typeof e === 'string' ? parsePlatform(e) : e;
          expect(matchesPlatform(request, platform, options)).toBe(expected);
        });
      }
    }
  }
});
