import { describe, expect, it } from 'vitest';
import { filterPlatforms, groupPlatforms, MESSAGE_BUDGET, platformMessage } from '../../src/badge/platformMessage';
import { parsePlatform } from '../../src/platform';
import type { Platform } from '../../src/platform/Platform';

/** Platforms from specifiers: `linux/arm/v7`, `windows(10.0.20348)/amd64`. */
const p = (...specifiers: string[]): Platform[] => specifiers.map((s) => parsePlatform(s));

/** The demo image's ten platforms (scripts/lib/ociLayout.ts DEMO_PLATFORMS), as the index states them. */
const DEMO = p(
  'linux/amd64', 'linux/arm64/v8', 'linux/arm/v7', 'linux/arm/v6', 'linux/386', 'linux/ppc64le', 'linux/s390x',
  'linux/riscv64', 'windows(10.0.17763.6659)/amd64', 'windows(10.0.20348.2966)/amd64',
);

/** Fifteen platforms, as a large official image might offer. */
const FIFTEEN = p(
  'linux/amd64', 'linux/arm64/v8', 'linux/arm/v7', 'linux/arm/v6', 'linux/arm/v5', 'linux/386', 'linux/ppc64le',
  'linux/s390x', 'linux/riscv64', 'linux/mips64le', 'linux/loong64', 'windows(10.0.17763.6659)/amd64',
  'windows(10.0.20348.2966)/amd64', 'windows(10.0.26100.1)/arm64', 'freebsd/amd64',
);

describe('groupPlatforms(platforms)', () => {
  it('groups by OS in index order, normalizes architectures and shows each once', () => {
    expect(groupPlatforms(DEMO)).toEqual([
      { os: 'linux', architectures: ['amd64', 'arm64', 'arm/v7', 'arm/v6', '386', 'ppc64le', 's390x', 'riscv64'] },
      { os: 'windows', architectures: ['amd64'] },
    ]);
  });

  it.each([
    [p('linux/aarch64'), ['arm64']],
    [p('linux/arm64/v8', 'linux/arm64'), ['arm64']],
    [p('linux/armhf'), ['arm/v7']],
    [p('linux/arm'), ['arm/v7']],
    [p('linux/x86_64', 'linux/i386'), ['amd64', '386']],
    [p('linux/arm64/v9'), ['arm64/v9']],
  ])('%j → %j', (platforms, architectures) => {
    expect(groupPlatforms(platforms)).toEqual([{ os: 'linux', architectures }]);
  });
});

describe('platformMessage(platforms, budget)', () => {
  it.each([
    ['linux only: no OS prefix', p('linux/amd64', 'linux/arm64', 'linux/arm/v7'), 'amd64, arm64, arm/v7'],
    ['one platform', p('linux/amd64'), 'amd64'],
    ['windows only keeps its OS', p('windows/amd64'), 'windows amd64'],
    ['no platforms', [], 'none'],
    [
      'the demo image: all ten fit, two Windows builds make one amd64',
      DEMO,
      'linux amd64, arm64, arm/v7, arm/v6, 386, ppc64le, s390x, riscv64 · windows amd64',
    ],
    [
      'fifteen platforms: each OS keeps its first four, then counts the rest',
      FIFTEEN,
      'linux amd64, arm64, arm/v7, arm/v6, +7 · windows amd64, arm64 · freebsd amd64',
    ],
  ] as const)('%s', (_, platforms, message) => {
    expect(platformMessage(platforms)).toBe(message);
    expect(platformMessage(platforms).length).toBeLessThanOrEqual(MESSAGE_BUDGET);
  });

  it('stays within the budget for any count of linux architectures, and always counts the hidden ones', () => {
    const arches = Array.from({ length: 40 }, (_, i) => `arch${i}`);
    for (let n = 1; n <= arches.length; n++) {
      const message = platformMessage(arches.slice(0, n).map((architecture) => ({ os: 'linux', architecture })));
      expect(message.length).toBeLessThanOrEqual(MESSAGE_BUDGET);
      const hidden = /\+(\d+)$/.exec(message);
      const shown = message.split(', ').length - (hidden ? 1 : 0);
      expect(shown + Number(hidden?.[1] ?? 0)).toBe(n);
    }
  });

  it.each([
    [61, 'linux amd64, arm64, +9 · windows amd64, arm64 · freebsd amd64'],
    [55, 'linux amd64, +10 · windows amd64, +1 · freebsd amd64'],
    [40, 'linux 11 · windows 2 · freebsd 1'],
  ])('with a budget of %i: %s', (budget, message) => {
    expect(platformMessage(FIFTEEN, budget)).toBe(message);
  });

  it('counts architectures when not even one fits and there is only linux', () => {
    expect(platformMessage(p('linux/amd64', 'linux/arm64'), 5)).toBe('2 architectures');
  });
});

describe('filterPlatforms(platforms, filter)', () => {
  it.each([
    [{ os: ['windows'] }, 'windows amd64'],
    [{ os: ['Linux'] }, 'amd64, arm64, arm/v7, arm/v6, 386, ppc64le, s390x, riscv64'],
    [{ arch: ['arm'] }, 'arm/v7, arm/v6'],
    [{ arch: ['arm/v7'] }, 'arm/v7'],
    [{ arch: ['armhf'] }, 'arm/v7'],
    [{ arch: ['aarch64'] }, 'arm64'],
    [{ arch: ['arm64/v8'] }, 'arm64'],
    [{ arch: ['amd64', 'riscv64'] }, 'linux amd64, riscv64 · windows amd64'],
    [{ os: ['linux'], arch: ['amd64'] }, 'amd64'],
    [{ os: ['linux', 'windows'], arch: ['x86_64'] }, 'linux amd64 · windows amd64'],
    [{ os: ['freebsd'] }, 'none'],
    [{ arch: ['mips64le'] }, 'none'],
    [{}, 'linux amd64, arm64, arm/v7, arm/v6, 386, ppc64le, s390x, riscv64 · windows amd64'],
  ])('%j → %s', (filter, message) => {
    expect(platformMessage(filterPlatforms(DEMO, filter))).toBe(message);
  });
});
