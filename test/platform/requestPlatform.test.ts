// docs/platform-rules.md §10: where the platform of a request comes from, highest first.
import { describe, expect, it } from 'vitest';
import { InvalidPlatformError } from '../../src/platform/errors';
import type { Platform } from '../../src/platform/Platform';
import {
  hostName,
  type PlatformRequestInput,
  type PlatformSource,
  requestedPlatform,
} from '../../src/platform/requestPlatform';

const DOCKER_ARM64 =
  'docker/24.0.7 go/go1.20.10 git-commit/311b9ff kernel/6.5.0 os/linux arch/arm64 UpstreamClient(Docker-Client/24.0.7 \\(darwin\\))';
const HINTS_386 = { platform: '"Windows"', arch: '"x86"', bitness: '"32"' };
const options = {
  defaults: { os: 'linux', architecture: 'amd64' },
  hosts: { 'arm64.edge.example': 'linux/arm64', 'v6.edge.example': 'linux/arm/v6', 'win.edge.example': 'windows(10.0.20348)' },
};

/** Every source present at once; rows take some away. */
const everything: PlatformRequestInput = {
  query: 'linux/riscv64',
  header: 'linux/ppc64le',
  host: 'arm64.edge.example',
  userAgent: DOCKER_ARM64,
  hints: HINTS_386,
  mayInfer: true,
};

const linux = (architecture: string, variant?: string): Platform =>
  variant === undefined ? { os: 'linux', architecture } : { os: 'linux', architecture, variant };

describe('requestedPlatform(input, options)', () => {
  const rows: [name: string, input: PlatformRequestInput, platform: Platform, source: PlatformSource, explicit: boolean][] = [
    ['the query beats everything', everything, linux('riscv64'), 'query', true],
    ['the header beats the host', { ...everything, query: null }, linux('ppc64le'), 'header', true],
    ['the host beats the User-Agent', { ...everything, query: undefined, header: undefined }, linux('arm64'), 'host', true],
    [
      'the Docker daemon User-Agent beats client hints',
      { ...everything, query: '', header: '', host: 'registry.example' },
      linux('arm64'),
      'user-agent',
      false,
    ],
    [
      'client hints beat the default',
      { ...everything, query: null, header: null, host: null, userAgent: 'containerd/v1.7.13' },
      linux('386'),
      'client-hints',
      false,
    ],
    ['the default comes last', { mayInfer: true }, linux('amd64'), 'default', false],
    [
      'without mayInfer the User-Agent and hints are ignored',
      { ...everything, query: null, header: null, host: null, mayInfer: false },
      linux('amd64'),
      'default',
      false,
    ],
    ['without mayInfer the host still counts', { ...everything, query: null, header: null, mayInfer: false }, linux('arm64'), 'host', true],
    ['without mayInfer the query still counts', { ...everything, mayInfer: false }, linux('riscv64'), 'query', true],
    ['the host ignores a port', { host: 'arm64.edge.example:8787', mayInfer: false }, linux('arm64'), 'host', true],
    ['the host ignores case', { host: 'ARM64.Edge.Example', mayInfer: false }, linux('arm64'), 'host', true],
    ['the host ignores a trailing dot', { host: 'arm64.edge.example.', mayInfer: false }, linux('arm64'), 'host', true],
    ['an unmapped host is no platform', { host: 'other.example', mayInfer: false }, linux('amd64'), 'default', false],
    ['a host named like an Object property is not mapped', { host: 'constructor', mayInfer: false }, linux('amd64'), 'default', false],
    ['a pinned host keeps its variant', { host: 'v6.edge.example', mayInfer: false }, linux('arm', 'v6'), 'host', true],
    [
      'a pinned host may name an os alone',
      { host: 'win.edge.example', mayInfer: false },
      { os: 'windows', architecture: 'amd64', osVersion: '10.0.20348' },
      'host',
      true,
    ],
    ['the platform is normalized', { query: 'Linux/AArch64/v8', mayInfer: false }, linux('arm64'), 'query', true],
    ['a one-part query takes the default os', { query: 'arm', mayInfer: false }, linux('arm', 'v7'), 'query', true],
    [
      'a browser-only request without arch hints gets the default',
      { hints: { platform: '"macOS"' }, mayInfer: true },
      linux('amd64'),
      'default',
      false,
    ],
  ];
  for (const [name, input, platform, source, explicit] of rows) {
    it(`${name} (${source})`, () => {
      expect(requestedPlatform(input, options)).toStrictEqual({ platform, source, strict: false, explicit });
    });
  }

  it('normalizes the configured default', () => {
    const result = requestedPlatform({ mayInfer: false }, { defaults: { os: 'Linux', architecture: 'armhf' }, hosts: {} });
    expect(result).toStrictEqual({ platform: linux('arm', 'v7'), source: 'default', strict: false, explicit: false });
  });

  it('gives one-part specifiers the configured default', () => {
    const result = requestedPlatform({ query: 'windows', mayInfer: false }, { defaults: linux('arm64'), hosts: {} });
    expect(result.platform).toStrictEqual({ os: 'windows', architecture: 'arm64' });
  });
});

describe('requestedPlatform with match=', () => {
  const rows: [name: string, input: PlatformRequestInput, strict: boolean, source: PlatformSource][] = [
    ['match=strict makes the query strict', { query: 'linux/arm64', match: 'strict', mayInfer: false }, true, 'query'],
    ['match=strict applies to a header', { header: 'linux/arm64', match: 'strict', mayInfer: false }, true, 'header'],
    ['match=strict applies to a pinned host', { host: 'arm64.edge.example', match: 'strict', mayInfer: false }, true, 'host'],
    ['match=strict applies to the default', { match: 'strict', mayInfer: false }, true, 'default'],
    ['an empty match is not strict', { query: 'linux/arm64', match: '', mayInfer: false }, false, 'query'],
    ['an absent match is not strict', { query: 'linux/arm64', match: null, mayInfer: false }, false, 'query'],
  ];
  for (const [name, input, strict, source] of rows) {
    it(name, () => {
      const result = requestedPlatform(input, options);
      expect([result.strict, result.source]).toStrictEqual([strict, source]);
    });
  }
});

describe('requestedPlatform rejects', () => {
  const rows: [why: string, input: PlatformRequestInput, message: string][] = [
    [
      'an invalid query, without falling through to the header',
      { query: 'linux/&arm', header: 'linux/arm64', mayInfer: true },
      'invalid platform "linux/&arm": "&arm" may only contain letters, digits, "_", "." and "-"',
    ],
    [
      'an invalid header, without falling through to the host',
      { header: 'linux/arm/foo/bar', host: 'arm64.edge.example', mayInfer: true },
      'invalid X-Platform header "linux/arm/foo/bar": expected at most three parts, os/architecture/variant',
    ],
    [
      'a query asking for unknown',
      { query: 'unknown/unknown', mayInfer: false },
      'invalid platform "unknown/unknown": os "unknown" cannot be requested',
    ],
    [
      'malformed percent-encoding',
      { query: 'windows(%E0)', mayInfer: false },
      'invalid platform "windows(%E0)": malformed percent-encoding in "%E0"',
    ],
    [
      'any match other than strict',
      { query: 'linux/arm64', match: 'loose', mayInfer: false },
      'invalid match "loose": the only accepted value is "strict"',
    ],
    ['match in another case', { match: 'STRICT', mayInfer: false }, 'invalid match "STRICT": the only accepted value is "strict"'],
  ];
  for (const [why, input, message] of rows) {
    it(why, () => {
      expect(() => requestedPlatform(input, options)).toThrow(InvalidPlatformError);
      expect(() => requestedPlatform(input, options)).toThrow(message);
    });
  }

  it('a badly configured pinned host', () => {
    expect(() => requestedPlatform({ host: 'bad.example', mayInfer: false }, { ...options, hosts: { 'bad.example': 'linux/' } })).toThrow(
      'invalid platform pinned for host "bad.example" "linux/": it has an empty part',
    );
  });
});

describe('hostName(host)', () => {
  const rows: [string, string][] = [
    ['arm64.edge.example', 'arm64.edge.example'],
    ['ARM64.edge.example:443', 'arm64.edge.example'],
    ['localhost:8787', 'localhost'],
    ['[::1]:8787', '[::1]'],
    ['[2001:DB8::1]', '[2001:db8::1]'],
    ['example.com.', 'example.com'],
  ];
  for (const [host, expected] of rows) {
    it(`reads ${host} as ${expected}`, () => {
      expect(hostName(host)).toBe(expected);
    });
  }
});
