// docs/platform-rules.md §10 source 4: the Docker daemon's User-Agent and browser client hints.
import { describe, expect, it } from 'vitest';
import { platformFromClientHints } from '../../src/platform/clientHints';
import type { Platform } from '../../src/platform/Platform';
import { platformFromUserAgent } from '../../src/platform/userAgent';

describe('platformFromUserAgent(ua)', () => {
  const rows: [why: string, ua: string, expected: Platform | undefined][] = [
    [
      '§10 docker 20.10 on linux/amd64',
      'docker/20.10.4 go/go1.16.3 git-commit/363e9a88 kernel/5.10.35 os/linux arch/amd64 UpstreamClient(Go-http-client/1.1)',
      { os: 'linux', architecture: 'amd64' },
    ],
    [
      '§10 docker 24 on arm64: the darwin of the CLI is ignored',
      'docker/24.0.7 go/go1.20.10 git-commit/311b9ff kernel/6.5.0 os/linux arch/arm64 UpstreamClient(Docker-Client/24.0.7 \\(darwin\\))',
      { os: 'linux', architecture: 'arm64' },
    ],
    ['§10 containerd', 'containerd/v1.7.13', undefined],
    ['§10 containers/image', 'containers/5.29.0 (github.com/containers/image)', undefined],
    ['§10 skopeo', 'skopeo/1.9.3', undefined],
    ['§10 crane', 'crane/0.19.0 go-containerregistry/0.19.0', undefined],
    ['§10 buildkit', 'buildkit/v0.12', undefined],
    [
      'docker 27 on Windows Server 2022 (kernel with spaces)',
      'docker/27.3.1 go/go1.22.7 git-commit/41ca978 kernel/10.0 20348 (20348.1.amd64fre.fe_release.210507-1500) os/windows arch/amd64 UpstreamClient(Docker-Client/27.3.1 \\(windows\\))',
      { os: 'windows', architecture: 'amd64' },
    ],
    [
      'docker 17 without UpstreamClient',
      'docker/17.06.0-ce go/go1.8.3 git-commit/02c1d87 kernel/4.9.36-moby os/linux arch/amd64',
      { os: 'linux', architecture: 'amd64' },
    ],
    [
      'a 32-bit Raspberry Pi daemon: arch/arm has no variant, so it normalizes to v7',
      'docker/26.1.4 go/go1.21.11 git-commit/de5c9cf kernel/6.6.31+rpt-rpi-v7 os/linux arch/arm UpstreamClient(Docker-Client/26.1.4 \\(linux\\))',
      { os: 'linux', architecture: 'arm', variant: 'v7' },
    ],
    [
      'os/ and arch/ inside UpstreamClient are not the daemon',
      'docker/24.0.7 go/go1.20.10 git-commit/311b9ff kernel/6.5.0 UpstreamClient(x os/linux arch/arm64)',
      undefined,
    ],
    [
      'the daemon fields win over the ones inside UpstreamClient',
      'docker/24.0.7 kernel/6.5.0 os/linux arch/amd64 UpstreamClient(x os/windows arch/arm64)',
      { os: 'linux', architecture: 'amd64' },
    ],
    ['arch without os', 'docker/25.0.0 go/go1.21.6 git-commit/615dfdf kernel/6.6.12 arch/arm64', undefined],
    ['os without arch', 'docker/25.0.0 go/go1.21.6 git-commit/615dfdf kernel/6.6.12 os/linux', undefined],
    ['an architecture alias is normalized', 'docker/1.12.6 kernel/3.10.0 os/Linux arch/x86_64', { os: 'linux', architecture: 'amd64' }],
    ['garbage in a field', 'docker/24.0.7 os/linux arch/<script>', undefined],
    ['unknown is no platform', 'docker/24.0.7 os/unknown arch/amd64', undefined],
    ['the Docker CLI talking to the daemon', 'Docker-Client/24.0.7 (darwin)', undefined],
    ['Podman', 'libpod/5.0.2', undefined],
    ['nerdctl (containerd UA)', 'containerd/1.7.20+unknown', undefined],
    ['ORAS', 'oras/1.2.0', undefined],
    ['Go default', 'Go-http-client/1.1', undefined],
    ['curl', 'curl/8.5.0', undefined],
    ['a browser', 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36', undefined],
    ['empty', '', undefined],
  ];
  for (const [why, ua, expected] of rows) {
    it(`${why} → ${expected === undefined ? 'no platform' : `${expected.os}/${expected.architecture}`}`, () => {
      expect(platformFromUserAgent(ua)).toStrictEqual(expected);
    });
  }
});

describe('platformFromClientHints(hints)', () => {
  const rows: [why: string, hints: { platform?: string | null; arch?: string | null; bitness?: string | null }, expected: Platform | undefined][] = [
    ['x86 + 64 is amd64', { platform: '"Linux"', arch: '"x86"', bitness: '"64"' }, { os: 'linux', architecture: 'amd64' }],
    ['x86 + 32 is 386', { platform: '"Windows"', arch: '"x86"', bitness: '"32"' }, { os: 'linux', architecture: '386' }],
    ['arm + 64 is arm64', { platform: '"macOS"', arch: '"arm"', bitness: '"64"' }, { os: 'linux', architecture: 'arm64' }],
    ['arm + 32 is arm/v7', { platform: '"Chrome OS"', arch: '"arm"', bitness: '"32"' }, { os: 'linux', architecture: 'arm', variant: 'v7' }],
    ['Android arm64', { platform: '"Android"', arch: '"arm"', bitness: '"64"' }, { os: 'linux', architecture: 'arm64' }],
    ['a missing bitness counts as 64 (x86)', { platform: '"Windows"', arch: '"x86"' }, { os: 'linux', architecture: 'amd64' }],
    ['a missing bitness counts as 64 (arm)', { platform: '"macOS"', arch: '"arm"', bitness: null }, { os: 'linux', architecture: 'arm64' }],
    ['an empty bitness counts as 64', { platform: '"Linux"', arch: '"x86"', bitness: '""' }, { os: 'linux', architecture: 'amd64' }],
    ['unquoted values are accepted', { platform: 'Linux', arch: 'arm', bitness: '64' }, { os: 'linux', architecture: 'arm64' }],
    ['a missing platform counts as Linux', { arch: '"x86"', bitness: '"64"' }, { os: 'linux', architecture: 'amd64' }],
    ['the platform alone says nothing the default does not', { platform: '"macOS"' }, undefined],
    ['an empty arch (unknown to the browser)', { platform: '"Linux"', arch: '""', bitness: '"64"' }, undefined],
    ['an arch we do not know', { platform: '"Linux"', arch: '"riscv"', bitness: '"64"' }, undefined],
    ['iOS does not run containers', { platform: '"iOS"', arch: '"arm"', bitness: '"64"' }, undefined],
    ['an unknown platform', { platform: '"Unknown"', arch: '"x86"', bitness: '"64"' }, undefined],
    ['a platform named like an Object property', { platform: '"constructor"', arch: '"x86"' }, undefined],
    ['nothing', {}, undefined],
  ];
  for (const [why, hints, expected] of rows) {
    it(`${why}: ${JSON.stringify(hints)}`, () => {
      expect(platformFromClientHints(hints)).toStrictEqual(expected);
    });
  }
});
