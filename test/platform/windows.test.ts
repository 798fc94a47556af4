// docs/platform-rules.md §6 and §8 W1–W6: Windows os.version compatibility.
import { describe, expect, it } from 'vitest';
import { matchesPlatform } from '../../src/platform/matchPlatform';
import { parsePlatform } from '../../src/platform/parsePlatform';
import { parseWindowsVersion, windowsBuildsCompatible } from '../../src/platform/windows';

const win = (version?: string) => parsePlatform(version === undefined ? 'windows/amd64' : `windows(${version})/amd64`);

describe('matchesPlatform for Windows builds', () => {
  const rows: { name: string; request: string | undefined; matches: { true: (string | undefined)[]; false: string[] } }[] = [
    { name: 'W1 below 20348 only the same build', request: '10.0.17763',
      matches: { true: ['10.0.17763', '10.0.17763.5830'], false: ['10.0.20348'] } },
    { name: 'W2 20348 neither older nor newer', request: '10.0.20348',
      matches: { true: ['10.0.20348.2340'], false: ['10.0.17763', '10.0.26100'] } },
    { name: 'W3 22621 runs ltsc2022', request: '10.0.22621',
      matches: { true: ['10.0.20348'], false: ['10.0.17763', '10.0.26100'] } },
    { name: 'W3 25398 runs ltsc2022', request: '10.0.25398',
      matches: { true: ['10.0.20348', '10.0.22621'], false: ['10.0.26100'] } },
    { name: 'W3 26100 runs ltsc2022', request: '10.0.26100',
      matches: { true: ['10.0.20348', '10.0.26100.2894'], false: ['10.0.17763', '10.0.26200'] } },
    { name: 'W4 26100 runs 22621', request: '10.0.26100', matches: { true: ['10.0.22621'], false: [] } },
    { name: 'W5 26200 runs 26100, not ltsc2022 (the floor is the largest LTSC strictly below the host)', request: '10.0.26200',
      matches: { true: ['10.0.26100', '10.0.26200'], false: ['10.0.20348', '10.0.17763', '10.0.26201'] } },
    { name: 'W7 26100 runs ltsc2022, 25398 and itself', request: '10.0.26100',
      matches: { true: ['10.0.20348', '10.0.25398', '10.0.26100'], false: [] } },
    { name: 'W6 an entry without os.version matches any request', request: '99.99.99.99',
      matches: { true: [undefined], false: ['10.0.20348'] } },
    { name: 'a request without os.version matches any build', request: undefined,
      matches: { true: ['10.0.14393', '10.0.26100', 'not-a-version'], false: [] } },
    { name: 'an unreadable request os.version is no os.version', request: 'ltsc2022',
      matches: { true: ['10.0.17763', '10.0.26100'], false: [] } },
    { name: 'major.minor must be equal', request: '10.0.20348', matches: { true: [], false: ['10.1.20348', '6.3.20348'] } },
    { name: 'an unreadable entry os.version does not match a versioned request', request: '10.0.20348',
      matches: { true: [], false: ['10.0', 'x.y.z'] } },
  ];
  for (const row of rows) {
    for (const expected of [true, false] as const) {
      for (const entry of row.matches[`${expected}`]) {
        it(`${row.name}: host ${row.request ?? '(none)'} ${expected ? 'runs' : 'does not run'} ${entry ?? '(none)'}`, () => {
          expect(matchesPlatform(win(row.request), win(entry))).toBe(expected);
        });
      }
    }
  }

  it('ignores win32k on the entry side', () => {
    expect(matchesPlatform(win(), parsePlatform('windows(10.0.20348+win32k)/amd64'))).toBe(true);
    expect(matchesPlatform(win(), parsePlatform('windows(+win32k+gpu)/amd64'))).toBe(false);
    expect(matchesPlatform(parsePlatform('windows(+gpu)/amd64'), parsePlatform('windows(+win32k+gpu)/amd64'))).toBe(true);
  });

  it('does not ignore win32k on Linux', () => {
    expect(matchesPlatform(parsePlatform('linux/amd64'), parsePlatform('linux(+win32k)/amd64'))).toBe(false);
  });
});

describe('windowsBuildsCompatible(host, container)', () => {
  // containerd's Test_PlatformCompat, plus the builds after 26100.
  const rows: [host: number, container: number, runs: boolean][] = [
    [17763, 17763, true], [17763, 20348, false], [20348, 17763, false], [20348, 20348, true],
    [22621, 17763, false], [22621, 20348, true], [25398, 17763, false], [25398, 20348, true],
    [26100, 20348, true], [20348, 26100, false], [20348, 22621, false], [26100, 22621, true],
    [26200, 26100, true], [26200, 20348, false], [26200, 26300, false], [26100, 25398, true], [20348, 20348, true], [14393, 14393, true], [14393, 17763, false],
  ];
  for (const [host, container, runs] of rows) {
    it(`host ${host} ${runs ? 'runs' : 'does not run'} ${container}`, () => {
      const v = (build: number) => ({ major: 10, minor: 0, build, revision: 0 });
      expect(windowsBuildsCompatible(v(host), v(container))).toBe(runs);
    });
  }
});

describe('parseWindowsVersion(v)', () => {
  it('reads three or four numeric fields', () => {
    expect(parseWindowsVersion('10.0.20348.3091')).toStrictEqual({ major: 10, minor: 0, build: 20348, revision: 3091 });
    expect(parseWindowsVersion('10.0.17763')).toStrictEqual({ major: 10, minor: 0, build: 17763, revision: 0 });
  });

  it('gives undefined for anything else', () => {
    for (const v of [undefined, '', '10.0', '10.0.x', 'a.b.c', '10..17763', '10.0.17763abc']) {
      expect(parseWindowsVersion(v)).toBeUndefined();
    }
  });
});
