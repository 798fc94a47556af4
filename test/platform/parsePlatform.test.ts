// docs/platform-rules.md §1–§3, §8 P1–P11: the specifier grammar, its inverse, and one-part defaults.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidPlatformError } from '../../src/platform/errors';
import { formatPlatform } from '../../src/platform/formatPlatform';
import { normalizePlatform } from '../../src/platform/normalizePlatform';
import { parsePlatform } from '../../src/platform/parsePlatform';
import type { Platform } from '../../src/platform/Platform';

interface ParseRow {
  name: string;
  input: string;
  /** What parsePlatform returns: as written, not normalized. */
  parsed: Platform;
  /** normalizePlatform(parsed). */
  normalized: Platform;
  defaults?: Platform;
}

const linux = (architecture: string, variant?: string): Platform =>
  variant === undefined ? { os: 'linux', architecture } : { os: 'linux', architecture, variant };

const spec: ParseRow[] = [
  { name: 'P1 an os/arch pair', input: 'linux/arm64', parsed: linux('arm64'), normalized: linux('arm64') },
  {
    name: 'P2 arm64/v8 keeps its variant until normalized',
    input: 'linux/arm64/v8',
    parsed: linux('arm64', 'v8'),
    normalized: linux('arm64'),
  },
  { name: 'P3 plain arm normalizes to arm/v7', input: 'linux/arm', parsed: linux('arm'), normalized: linux('arm', 'v7') },
  { name: 'P4 armel is arm/v6', input: 'armel', parsed: linux('armel'), normalized: linux('arm', 'v6') },
  { name: 'P4 armhf is arm/v7', input: 'armhf', parsed: linux('armhf'), normalized: linux('arm', 'v7') },
  { name: 'P5 Aarch64 is arm64 on the default os', input: 'Aarch64', parsed: linux('Aarch64'), normalized: linux('arm64') },
  {
    name: 'P5 Linux/x86_64 is linux/amd64',
    input: 'Linux/x86_64',
    parsed: { os: 'Linux', architecture: 'x86_64' },
    normalized: linux('amd64'),
  },
  { name: 'P5 i386 is 386', input: 'i386', parsed: linux('i386'), normalized: linux('386') },
  {
    name: 'P6 macOS is darwin with the default architecture',
    input: 'macOS',
    parsed: { os: 'macOS', architecture: 'amd64' },
    normalized: { os: 'darwin', architecture: 'amd64' },
  },
  {
    name: 'P7 an os alone takes its version and features',
    input: 'windows(10.0.17763+win32k)',
    parsed: { os: 'windows', architecture: 'amd64', osVersion: '10.0.17763', osFeatures: ['win32k'] },
    normalized: { os: 'windows', architecture: 'amd64', osVersion: '10.0.17763', osFeatures: ['win32k'] },
  },
  {
    name: 'P8 features are sorted when normalized',
    input: 'linux(+unsorted+erofs)',
    parsed: { os: 'linux', architecture: 'amd64', osFeatures: ['unsorted', 'erofs'] },
    normalized: { os: 'linux', architecture: 'amd64', osFeatures: ['erofs', 'unsorted'] },
  },
  {
    name: 'P9 the os.version is percent-decoded',
    input: 'windows(10.0.17763%2Bbuild.42)',
    parsed: { os: 'windows', architecture: 'amd64', osVersion: '10.0.17763+build.42' },
    normalized: { os: 'windows', architecture: 'amd64', osVersion: '10.0.17763+build.42' },
  },
  {
    name: 'P11 a third part is a variant, even when it looks like an os.version',
    input: 'windows/amd64/10.0.17763',
    parsed: { os: 'windows', architecture: 'amd64', variant: '10.0.17763' },
    normalized: { os: 'windows', architecture: 'amd64', variant: '10.0.17763' },
  },
];

const more: ParseRow[] = [
  {
    name: 'an os.version with an architecture',
    input: 'windows(10.0.17763)/amd64',
    parsed: { os: 'windows', architecture: 'amd64', osVersion: '10.0.17763' },
    normalized: { os: 'windows', architecture: 'amd64', osVersion: '10.0.17763' },
  },
  {
    name: 'features without a version',
    input: 'linux(+gpu)/amd64',
    parsed: { os: 'linux', architecture: 'amd64', osFeatures: ['gpu'] },
    normalized: { os: 'linux', architecture: 'amd64', osFeatures: ['gpu'] },
  },
  {
    name: 'duplicate features collapse when normalized',
    input: 'linux(+b+a+b)/amd64',
    parsed: { os: 'linux', architecture: 'amd64', osFeatures: ['b', 'a', 'b'] },
    normalized: { os: 'linux', architecture: 'amd64', osFeatures: ['a', 'b'] },
  },
  {
    name: 'percent-encoded features',
    input: 'linux(1.0+a%2Bb+c%29)/amd64',
    parsed: { os: 'linux', architecture: 'amd64', osVersion: '1.0', osFeatures: ['a+b', 'c)'] },
    normalized: { os: 'linux', architecture: 'amd64', osVersion: '1.0', osFeatures: ['a+b', 'c)'] },
  },
  {
    name: 'empty parentheses',
    input: 'linux()/arm64',
    parsed: linux('arm64'),
    normalized: linux('arm64'),
  },
  { name: 'an architecture unknown to us', input: 'riscv64', parsed: linux('riscv64'), normalized: linux('riscv64') },
  { name: 'a made-up architecture', input: 'linux/quantum9', parsed: linux('quantum9'), normalized: linux('quantum9') },
  { name: 'wasip1 is an os', input: 'wasip1', parsed: { os: 'wasip1', architecture: 'amd64' }, normalized: { os: 'wasip1', architecture: 'amd64' } },
  {
    name: 'an os alone takes the configured default architecture and variant',
    input: 'linux',
    defaults: { os: 'linux', architecture: 'arm', variant: 'v6' },
    parsed: linux('arm', 'v6'),
    normalized: linux('arm', 'v6'),
  },
  {
    name: 'an architecture alone takes the configured default os',
    input: 'amd64',
    defaults: { os: 'windows', architecture: 'arm64' },
    parsed: { os: 'windows', architecture: 'amd64' },
    normalized: { os: 'windows', architecture: 'amd64' },
  },
  {
    name: 'numeric arm variants',
    input: 'linux/arm/7',
    parsed: linux('arm', '7'),
    normalized: linux('arm', 'v7'),
  },
  {
    name: 'arm64/9.0 is arm64/v9',
    input: 'linux/aarch64/9.0',
    parsed: linux('aarch64', '9.0'),
    normalized: linux('arm64', 'v9'),
  },
  {
    name: 'amd64 levels',
    input: 'linux/x86-64/V3',
    parsed: linux('x86-64', 'V3'),
    normalized: linux('amd64', 'v3'),
  },
];

describe('parsePlatform(spec, defaults)', () => {
  for (const row of [...spec, ...more]) {
    it(`${row.name}: ${JSON.stringify(row.input)}`, () => {
      const parsed = parsePlatform(row.input, row.defaults);
      expect(parsed).toStrictEqual(row.parsed);
      expect(normalizePlatform(parsed)).toStrictEqual(row.normalized);
    });
  }
});

describe('parse → format → parse', () => {
  const extra = ['darwin/arm64', 'windows(10.0.20348.2340+win32k+a)/arm64/v8', 'linux/ppc64le', 'freebsd/riscv64/rva22'];
  for (const input of [...[...spec, ...more].map((r) => r.input), ...extra]) {
    it(`is stable for ${JSON.stringify(input)}`, () => {
      const once = parsePlatform(input);
      expect(parsePlatform(formatPlatform(once))).toStrictEqual(once);
    });
  }

  it('is stable for any platform the grammar can carry', () => {
    const name = fc.stringMatching(/^[A-Za-z0-9_-]{1,12}$/).filter((s) => s.toLowerCase() !== 'unknown');
    const arch = fc.stringMatching(/^[A-Za-z0-9_.-]{1,12}$/).filter((s) => s.toLowerCase() !== 'unknown');
    const option = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 12 });
    const platform = fc.record(
      { os: name, architecture: arch, variant: arch, osVersion: option, osFeatures: fc.array(option, { minLength: 1, maxLength: 4 }) },
      { requiredKeys: ['os', 'architecture'] },
    );
    fc.assert(
      fc.property(platform, (generated: Platform) => {
        const p = { ...generated }; // fast-check records have a null prototype
        expect(parsePlatform(formatPlatform(p))).toStrictEqual(p);
      }),
    );
  });
});

describe('parsePlatform rejects', () => {
  const invalid: [input: string, why: string][] = [
    // P10: the spec's list.
    ['', 'P10 empty'],
    ['/linux/arm', 'P10 empty first part'],
    ['linux/arm/', 'P10 empty last part'],
    ['linux /arm', 'P10 a space'],
    ['linux/&arm', 'P10 "&" is not in the grammar'],
    ['linux/arm/foo/bar', 'P10 four parts'],
    ['*', 'P10 wildcards'],
    ['unknown/unknown', 'P10 unknown cannot be requested'],
    // More.
    ['linux//arm', 'empty middle part'],
    ['linux/*', 'wildcard architecture'],
    ['linux/arm64/v8/extra/more', 'five parts'],
    ['unknown', 'one part: not an os, and the architecture unknown'],
    ['UNKNOWN/amd64', 'os unknown, in any case'],
    ['linux/Unknown', 'architecture unknown, in any case'],
    [' linux/amd64', 'leading space'],
    ['linux/amd64\n', 'trailing newline'],
    ['linux(10.0', 'unclosed parenthesis'],
    ['linux(1.0)x/amd64', 'text after the parenthesis'],
    ['linux(1.0+)/amd64', 'empty feature'],
    ['linux(1+0)(x)/amd64', 'two option groups'],
    ['linux.gnu/amd64', 'a dot in the os name'],
    ['windows(%zz)/amd64', 'malformed percent-encoding in the version'],
    ['windows(+%E0%A4)/amd64', 'truncated UTF-8 in a feature'],
    ['windows(10%)/amd64', 'a lone "%"'],
    ['arm64(+gpu)', 'options on something that is not an os'],
    ['linux/arm(v7)', 'options on the architecture'],
    ['linux/amd64/v2+x', '"+" in the variant'],
    ['linux:amd64', 'wrong separator'],
  ];
  for (const [input, why] of invalid) {
    it(`${JSON.stringify(input)} (${why})`, () => {
      expect(() => parsePlatform(input)).toThrow(InvalidPlatformError);
    });
  }

  it('with a message that quotes the input', () => {
    expect(() => parsePlatform('linux/&arm')).toThrow(
      'invalid platform "linux/&arm": "&arm" may only contain letters, digits, "_", "." and "-"',
    );
  });

  it('malformed percent-encoding as InvalidPlatformError, never URIError', () => {
    let caught: unknown;
    try {
      parsePlatform('windows(%E0%A4%A)/amd64');
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(InvalidPlatformError);
    expect(caught).toMatchObject({
      name: 'InvalidPlatformError',
      input: 'windows(%E0%A4%A)/amd64',
      reason: 'malformed percent-encoding in "%E0%A4%A"',
      message: 'invalid platform "windows(%E0%A4%A)/amd64": malformed percent-encoding in "%E0%A4%A"',
    });
  });

  it('unknown with its reason', () => {
    expect(() => parsePlatform('unknown/unknown')).toThrow('invalid platform "unknown/unknown": os "unknown" cannot be requested');
  });
});

describe('formatPlatform(p)', () => {
  const rows: [Platform, string][] = [
    [linux('amd64'), 'linux/amd64'],
    [linux('arm', 'v7'), 'linux/arm/v7'],
    [{ os: 'windows', architecture: 'amd64', osVersion: '10.0.17763' }, 'windows(10.0.17763)/amd64'],
    [{ os: 'linux', architecture: 'amd64', osFeatures: ['gpu', 'erofs'] }, 'linux(+gpu+erofs)/amd64'],
    [{ os: 'windows', architecture: 'amd64', osVersion: '10.0.17763+build.42' }, 'windows(10.0.17763%2Bbuild.42)/amd64'],
    [{ os: 'linux', architecture: 'amd64', osVersion: '50%/(x)', osFeatures: ['a b', 'é'] }, 'linux(50%25%2F%28x%29+a%20b+%C3%A9)/amd64'],
    [{ os: 'linux', architecture: 'amd64', variant: '', osVersion: '', osFeatures: [] }, 'linux/amd64'],
  ];
  for (const [platform, expected] of rows) {
    it(`writes ${expected}`, () => {
      expect(formatPlatform(platform)).toBe(expected);
    });
  }
});
