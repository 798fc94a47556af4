import { describe, expect, it } from 'vitest';
import { badgeError, describeError } from '../../src/badge/badgeError';
import { BadgeOptionError } from '../../src/badge/BadgeOptionError';
import { platformBadge } from '../../src/badge/platformBadge';
import { RegistryError } from '../../src/oci/RegistryError';
import { InvalidPlatformError } from '../../src/platform';

const LINUX = [{ os: 'linux', architecture: 'amd64' }, { os: 'linux', architecture: 'arm64', variant: 'v8' }];

describe('platformBadge(platforms, options)', () => {
  it.each([
    ['defaults', LINUX, { filter: {} }, { label: 'platforms', message: 'amd64, arm64', color: 'blue', isError: false }],
    [
      'the user’s label, colours and style',
      LINUX,
      { label: 'arch', color: 'green', labelColor: '#222', style: 'plastic', filter: {} },
      { label: 'arch', message: 'amd64, arm64', color: 'green', labelColor: '#222', style: 'plastic', isError: false },
    ],
    ['a filter that leaves nothing is grey "none"', LINUX, { filter: { os: ['windows'] } }, { label: 'platforms', message: 'none', color: 'lightgrey', isError: false }],
    ['a single manifest, not an index', undefined, { filter: {} }, { label: 'platforms', message: 'single platform', color: 'blue', isError: false }],
  ] as const)('%s', (_, platforms, options, content) => {
    expect(platformBadge(platforms, options)).toStrictEqual(content);
  });
});

describe('badgeError(err, options)', () => {
  it.each([
    [new RegistryError('MANIFEST_UNKNOWN', 'manifest unknown'), 404, 'not found', 'lightgrey'],
    [new RegistryError('NAME_UNKNOWN', 'no such repository'), 404, 'not found', 'lightgrey'],
    [new RegistryError('UNAUTHORIZED', 'authentication required'), 404, 'not found', 'lightgrey'],
    [new RegistryError('DENIED', 'denied'), 404, 'not found', 'lightgrey'],
    [new RegistryError('UNAVAILABLE', 'origin timed out'), 503, 'unavailable', 'lightgrey'],
    [new RegistryError('BAD_GATEWAY', 'digest mismatch'), 503, 'unavailable', 'lightgrey'],
    [new RegistryError('TOOMANYREQUESTS', 'rate limited'), 503, 'unavailable', 'lightgrey'],
    [new RegistryError('NAME_INVALID', 'bad name'), 400, 'invalid reference', 'red'],
    [new RegistryError('TAG_INVALID', 'bad tag'), 400, 'invalid reference', 'red'],
    [new RegistryError('DIGEST_INVALID', 'bad digest'), 400, 'invalid reference', 'red'],
    [new InvalidPlatformError('x//y', 'it has an empty part'), 400, 'invalid request', 'red'],
    [new BadgeOptionError('style', 'round', 'no such style'), 400, 'invalid style', 'red'],
    [new RegistryError('UNKNOWN', 'internal error'), 500, 'error', 'red'],
  ])('%s → %i %s', (err, status, message, color) => {
    expect(badgeError(err)).toStrictEqual({ status, content: { label: 'platforms', message, color, isError: true } });
  });

  it('keeps the user’s label, label colour and style, but not their colour', () => {
    const answer = badgeError(new RegistryError('MANIFEST_UNKNOWN', 'x'), { label: 'arch', color: 'green', labelColor: 'black', style: 'social', filter: {} });
    expect(answer.content).toStrictEqual({ label: 'arch', message: 'not found', color: 'lightgrey', labelColor: 'black', style: 'social', isError: true });
  });

  it('hides what an unexpected error says', () => {
    const original = console.error;
    console.error = () => {};
    try {
      expect(describeError(new TypeError('secret internals'))).toStrictEqual({ status: 500, message: 'error', color: 'red', detail: 'internal error' });
    } finally {
      console.error = original;
    }
  });
});

describe('platformBadge(platforms, { style: "for-the-badge" })', () => {
  it('gives the wider capitals a smaller budget', () => {
    const demo = [
      'amd64', 'arm64', 'arm', 'arm', '386', 'ppc64le', 's390x', 'riscv64',
    ].map((architecture, i) => ({ os: 'linux', architecture, ...(architecture === 'arm' ? { variant: i === 2 ? 'v7' : 'v6' } : {}) }));
    const all = [...demo, { os: 'windows', architecture: 'amd64' }];
    expect(platformBadge(all, { filter: {} }).message).toBe('linux amd64, arm64, arm/v7, arm/v6, 386, ppc64le, s390x, riscv64 · windows amd64');
    expect(platformBadge(all, { style: 'for-the-badge', filter: {} }).message).toBe('linux amd64, arm64, arm/v7, arm/v6, +4 · windows amd64');
  });
});
