// docs/platform-rules.md §4: containerd's Only / OnlyStrict expansion of a request.
import { describe, expect, it } from 'vitest';
import { formatPlatform } from '../../src/platform/formatPlatform';
import { platformLadder } from '../../src/platform/ladder';
import { parsePlatform } from '../../src/platform/parsePlatform';

const armDown = ['linux/arm/v8', 'linux/arm/v7', 'linux/arm/v6', 'linux/arm/v5'];

describe('platformLadder(request)', () => {
  const rows: [request: string, ladder: string[]][] = [
    ['linux/amd64', ['linux/amd64', 'linux/386']],
    ['linux/amd64/v1', ['linux/amd64', 'linux/386']],
    ['linux/amd64/v2', ['linux/amd64/v2', 'linux/amd64', 'linux/386']],
    ['linux/amd64/v4', ['linux/amd64/v4', 'linux/amd64/v3', 'linux/amd64/v2', 'linux/amd64', 'linux/386']],
    ['linux/386', ['linux/386']],
    ['linux/arm/v5', ['linux/arm/v5']],
    ['linux/arm/v6', ['linux/arm/v6', 'linux/arm/v5']],
    ['linux/arm', ['linux/arm/v7', 'linux/arm/v6', 'linux/arm/v5']],
    ['linux/arm/v8', armDown],
    ['linux/arm64', ['linux/arm64', ...armDown]],
    ['linux/arm64/v8', ['linux/arm64', ...armDown]],
    ['linux/arm64/v8.2', ['linux/arm64/v8.2', 'linux/arm64/v8.1', 'linux/arm64', ...armDown]],
    [
      'linux/arm64/v9',
      [
        'linux/arm64/v9', 'linux/arm64/v8.5', 'linux/arm64/v8.4', 'linux/arm64/v8.3',
        'linux/arm64/v8.2', 'linux/arm64/v8.1', 'linux/arm64', ...armDown,
      ],
    ],
    [
      'linux/arm64/v9.2',
      [
        'linux/arm64/v9.2', 'linux/arm64/v9.1', 'linux/arm64/v9',
        'linux/arm64/v8.7', 'linux/arm64/v8.6', 'linux/arm64/v8.5', 'linux/arm64/v8.4',
        'linux/arm64/v8.3', 'linux/arm64/v8.2', 'linux/arm64/v8.1', 'linux/arm64', ...armDown,
      ],
    ],
    [
      'linux/arm64/v9.6',
      [
        'linux/arm64/v9.6', 'linux/arm64/v9.5', 'linux/arm64/v9.4', 'linux/arm64/v9.3', 'linux/arm64/v9.2',
        'linux/arm64/v9.1', 'linux/arm64/v9',
        'linux/arm64/v8.9', 'linux/arm64/v8.8', 'linux/arm64/v8.7', 'linux/arm64/v8.6', 'linux/arm64/v8.5',
        'linux/arm64/v8.4', 'linux/arm64/v8.3', 'linux/arm64/v8.2', 'linux/arm64/v8.1', 'linux/arm64', ...armDown,
      ],
    ],
    ['linux/arm64/v7', ['linux/arm64/v7']],
    ['linux/riscv64', ['linux/riscv64']],
    ['linux/ppc64le', ['linux/ppc64le']],
    ['windows(10.0.20348+gpu)/amd64', ['windows(10.0.20348+gpu)/amd64', 'windows(10.0.20348+gpu)/386']],
    ['linux(+b+a)/arm/v6', ['linux(+a+b)/arm/v6', 'linux(+a+b)/arm/v5']],
  ];
  for (const [request, ladder] of rows) {
    it(`expands ${request}`, () => {
      expect(platformLadder(parsePlatform(request)).map(formatPlatform)).toStrictEqual(ladder);
    });
  }
});

describe('platformLadder(request, { strict: true })', () => {
  const rows: [request: string, ladder: string[]][] = [
    ['linux/amd64', ['linux/amd64']],
    ['linux/arm', ['linux/arm/v7']],
    ['linux/arm64/v8', ['linux/arm64']],
    ['Linux/x86_64/v3', ['linux/amd64/v3']],
  ];
  for (const [request, ladder] of rows) {
    it(`is only the normalized ${request}`, () => {
      expect(platformLadder(parsePlatform(request), { strict: true }).map(formatPlatform)).toStrictEqual(ladder);
    });
  }
});
