// docs/platform-rules.md §1 and §8 N1–N2: the alias table, and conversion to and from OCI objects.
import { describe, expect, it } from 'vitest';
import { normalizePlatform } from '../../src/platform/normalizePlatform';
import { fromOciPlatform, toOciPlatform } from '../../src/platform/ociPlatform';
import type { OciPlatform, Platform } from '../../src/platform/Platform';

const arch = (architecture: string, variant?: string): Platform =>
  variant === undefined ? { os: 'linux', architecture } : { os: 'linux', architecture, variant };

describe('normalizePlatform(p)', () => {
  const rows: [name: string, input: Platform, expected: Platform][] = [
    ['N1 aarch64 with variant 8 is plain arm64', arch('aarch64', '8'), arch('arm64')],
    ['N1 arm64/v8.0 is plain arm64', arch('arm64', 'v8.0'), arch('arm64')],
    ['N1 arm64 with variant 9 is arm64/v9', arch('arm64', '9'), arch('arm64', 'v9')],
    ['N2 amd64/v1 is plain amd64', arch('amd64', 'v1'), arch('amd64')],
    ['N2 x86-64 is amd64', arch('x86-64'), arch('amd64')],
    ['N2 i386/v5 is 386 without a variant', arch('i386', 'v5'), arch('386')],
    ['x86_64 is amd64', arch('x86_64'), arch('amd64')],
    ['x86_64/v3 keeps its level', arch('x86_64', 'v3'), arch('amd64', 'v3')],
    ['arm64/v8 is plain arm64', arch('arm64', 'v8'), arch('arm64')],
    ['arm64 variant 9.0 is v9', arch('arm64', '9.0'), arch('arm64', 'v9')],
    ['arm64 variant v9.0 is v9', arch('arm64', 'v9.0'), arch('arm64', 'v9')],
    ['arm64/v8.2 is kept', arch('arm64', 'v8.2'), arch('arm64', 'v8.2')],
    ['armhf is arm/v7, whatever its variant', arch('armhf', 'v5'), arch('arm', 'v7')],
    ['armel is arm/v6', arch('armel'), arch('arm', 'v6')],
    ['arm with no variant is arm/v7', arch('arm'), arch('arm', 'v7')],
    ['arm variant 7 is v7', arch('arm', '7'), arch('arm', 'v7')],
    ['arm variant 5 is v5', arch('arm', '5'), arch('arm', 'v5')],
    ['arm variant 6 is v6', arch('arm', '6'), arch('arm', 'v6')],
    ['arm variant 8 is v8', arch('arm', '8'), arch('arm', 'v8')],
    ['arm/v6 is kept', arch('arm', 'v6'), arch('arm', 'v6')],
    ['architecture and variant are lower-cased', arch('ARM64', 'V8.2'), arch('arm64', 'v8.2')],
    ['other architectures are only lower-cased', arch('RISCV64'), arch('riscv64')],
    ['an empty variant is dropped', arch('ppc64le', ''), arch('ppc64le')],
    ['os is lower-cased', { os: 'Linux', architecture: 'amd64' }, arch('amd64')],
    ['macos is darwin', { os: 'MacOS', architecture: 'arm64' }, { os: 'darwin', architecture: 'arm64' }],
    [
      'features are sorted and de-duplicated',
      { os: 'linux', architecture: 'amd64', osFeatures: ['b', 'a', 'b', 'a'] },
      { os: 'linux', architecture: 'amd64', osFeatures: ['a', 'b'] },
    ],
    ['empty features are dropped', { os: 'linux', architecture: 'amd64', osFeatures: [] }, arch('amd64')],
    [
      'os.version is never touched',
      { os: 'Windows', architecture: 'AMD64', osVersion: '10.0.17763.1 LTSC' },
      { os: 'windows', architecture: 'amd64', osVersion: '10.0.17763.1 LTSC' },
    ],
  ];
  for (const [name, input, expected] of rows) {
    it(name, () => {
      expect(normalizePlatform(input)).toStrictEqual(expected);
    });
  }

  it('does not modify its input', () => {
    const input: Platform = { os: 'Linux', architecture: 'aarch64', osFeatures: ['b', 'a'] };
    normalizePlatform(input);
    expect(input).toStrictEqual({ os: 'Linux', architecture: 'aarch64', osFeatures: ['b', 'a'] });
  });

  it('is idempotent', () => {
    for (const [, input] of rows) {
      const once = normalizePlatform(input);
      expect(normalizePlatform(once)).toStrictEqual(once);
    }
  });
});

describe('fromOciPlatform(p) and toOciPlatform(p)', () => {
  const rows: [OciPlatform, Platform][] = [
    [{ architecture: 'amd64', os: 'linux' }, { os: 'linux', architecture: 'amd64' }],
    [{ architecture: 'arm64', os: 'linux', variant: 'v8' }, { os: 'linux', architecture: 'arm64', variant: 'v8' }],
    [
      { architecture: 'amd64', os: 'windows', 'os.version': '10.0.20348.2340', 'os.features': ['win32k'] },
      { os: 'windows', architecture: 'amd64', osVersion: '10.0.20348.2340', osFeatures: ['win32k'] },
    ],
  ];
  for (const [oci, platform] of rows) {
    it(`reads and writes ${JSON.stringify(oci)}`, () => {
      expect(fromOciPlatform(oci)).toStrictEqual(platform);
      expect(toOciPlatform(platform)).toStrictEqual(oci);
    });
  }

  it('drops empty fields and the obsolete features field', () => {
    expect(
      fromOciPlatform({ architecture: 'amd64', os: 'linux', variant: '', 'os.version': '', 'os.features': [], features: ['sse4'] }),
    ).toStrictEqual({ os: 'linux', architecture: 'amd64' });
  });
});
