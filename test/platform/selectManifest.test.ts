// docs/platform-rules.md §3, §6, §7 and §8 S1–S20: choosing one entry of an index.
import { describe, expect, it } from 'vitest';
import { listPlatforms } from '../../src/platform/listPlatforms';
import { parsePlatform } from '../../src/platform/parsePlatform';
import type { IndexEntry } from '../../src/platform/Platform';
import { rankManifests, selectManifest } from '../../src/platform/selectManifest';
import { attestation, DOCKER_LIST, DOCKER_MANIFEST, entry, OCI_INDEX } from './entries';

interface SelectRow {
  name: string;
  request: string;
  strict?: boolean;
  entries: IndexEntry[];
  /** The label (digest) of the chosen entry, or undefined for no match. */
  chosen: string | undefined;
}

const spec: SelectRow[] = [
  {
    name: 'S1 arm64 takes arm64/v8 and skips the attestation',
    request: 'linux/arm64',
    entries: [
      entry('linux/amd64'),
      entry('linux/arm/v7'),
      entry('linux/arm64/v8'),
      entry('unknown/unknown', { os: 'unknown', architecture: 'unknown' }),
    ],
    chosen: 'linux/arm64/v8',
  },
  {
    name: 'S2 arm64 falls back to the highest 32-bit arm',
    request: 'linux/arm64',
    entries: [entry('linux/amd64'), entry('linux/arm/v6'), entry('linux/arm/v7')],
    chosen: 'linux/arm/v7',
  },
  { name: 'S3 arm/v7 falls back to v6 before v5', request: 'linux/arm/v7',
    entries: [entry('linux/arm/v5'), entry('linux/arm/v6')], chosen: 'linux/arm/v6' },
  { name: 'S4 arm/v6 cannot run plain arm (v7)', request: 'linux/arm/v6', entries: [entry('linux/arm')], chosen: undefined },
  { name: 'S5 plain arm is v7, preferred to v6', request: 'linux/arm',
    entries: [entry('linux/arm/v6'), entry('linux/arm/v7')], chosen: 'linux/arm/v7' },
  { name: 'S6 amd64 falls back to 386', request: 'linux/amd64',
    entries: [entry('linux/386'), entry('linux/arm64')], chosen: 'linux/386' },
  { name: 'S7 amd64/v3 takes the highest lower level', request: 'linux/amd64/v3',
    entries: [entry('linux/amd64'), entry('linux/amd64/v2')], chosen: 'linux/amd64/v2' },
  { name: 'S8 plain amd64 cannot run amd64/v2', request: 'linux/amd64', entries: [entry('linux/amd64/v2')], chosen: undefined },
  { name: 'S9 an attestation is never chosen', request: 'linux/amd64', entries: [attestation('attestation')], chosen: undefined },
  { name: 'S10 a matching entry beats one without platform', request: 'linux/amd64',
    entries: [entry('no-platform', null), entry('linux/amd64')], chosen: 'linux/amd64' },
  { name: 'S10 an entry without platform is the last resort', request: 'linux/amd64',
    entries: [entry('no-platform', null)], chosen: 'no-platform' },
  { name: 'S11 an entry needing a feature the request lacks', request: 'linux/amd64',
    entries: [entry('linux(+gpu)/amd64')], chosen: undefined },
  {
    name: 'S12 the entry with more matching features wins',
    request: 'linux(+gpu+simd)/amd64',
    entries: [entry('linux/amd64'), entry('linux(+gpu)/amd64')],
    chosen: 'linux(+gpu)/amd64',
  },
  {
    name: 'S13 most features first',
    request: 'linux(+f1+f2)/amd64',
    entries: [entry('linux/amd64'), entry('linux(+f2)/amd64'), entry('linux(+f1)/amd64'), entry('linux(+f1+f2)/amd64')],
    chosen: 'linux(+f1+f2)/amd64',
  },
  {
    name: 'S14 win32k on a Windows entry is ignored',
    request: 'windows/amd64',
    entries: [entry('windows(+win32k)/amd64')],
    chosen: 'windows(+win32k)/amd64',
  },
  {
    name: 'S15 ltsc2019 cannot run ltsc2022',
    request: 'windows(10.0.17763)/amd64',
    entries: [entry('windows(10.0.20348.2)/amd64')],
    chosen: undefined,
  },
  {
    name: 'S16 the newest compatible Windows build wins',
    request: 'windows(10.0.26100)/amd64',
    entries: [entry('windows(10.0.20348.3091)/amd64'), entry('windows(10.0.26100.2894)/amd64')],
    chosen: 'windows(10.0.26100.2894)/amd64',
  },
  {
    name: 'S21 Windows without an os.version asked keeps index order',
    request: 'windows/amd64',
    entries: [entry('windows(10.0.17763.6532)/amd64'), entry('windows(10.0.20348.2849)/amd64')],
    chosen: 'windows(10.0.17763.6532)/amd64',
  },
  {
    name: 'S22 26200 takes 26100: 20348 is below its floor',
    request: 'windows(10.0.26200)/amd64',
    entries: [entry('windows(10.0.20348.2849)/amd64'), entry('windows(10.0.26100.2894)/amd64')],
    chosen: 'windows(10.0.26100.2894)/amd64',
  },
  {
    name: 'S17 aliases are equal: the first in index order wins',
    request: 'linux/arm64',
    entries: [entry('aarch64', { os: 'linux', architecture: 'aarch64' }), entry('linux/arm64/v8')],
    chosen: 'aarch64',
  },
  {
    name: 'S18 arm64/v8.2 takes the highest lower v8 level',
    request: 'linux/arm64/v8.2',
    entries: [entry('linux/arm64/v8'), entry('linux/arm64/v8.1'), entry('linux/arm64/v8.3')],
    chosen: 'linux/arm64/v8.1',
  },
  { name: 'S19 nothing fits riscv64', request: 'linux/riscv64',
    entries: [entry('linux/amd64'), entry('linux/arm64')], chosen: undefined },
  { name: 'S20 plain arm64 cannot run v8.2', request: 'linux/arm64',
    entries: [entry('linux/arm64/v8.2'), entry('linux/arm64')], chosen: 'linux/arm64' },
];

const more: SelectRow[] = [
  { name: 'an empty index has no match', request: 'linux/amd64', entries: [], chosen: undefined },
  {
    name: 'a fallback match still beats an entry without platform',
    request: 'linux/amd64',
    entries: [entry('no-platform', null), entry('linux/386')],
    chosen: 'linux/386',
  },
  {
    name: 'an attestation without platform is not a last resort',
    request: 'linux/amd64',
    entries: [entry('attestation', null, { annotations: { 'vnd.docker.reference.type': 'attestation-manifest' } })],
    chosen: undefined,
  },
  {
    name: 'the reference-type annotation excludes an entry whatever its platform and value',
    request: 'linux/amd64',
    entries: [entry('annotated', 'linux/amd64', { annotations: { 'vnd.docker.reference.type': '' } }), entry('linux/386')],
    chosen: 'linux/386',
  },
  {
    name: 'other annotations do not exclude',
    request: 'linux/amd64',
    entries: [entry('annotated', 'linux/amd64', { annotations: { 'org.opencontainers.image.ref.name': 'x' } })],
    chosen: 'annotated',
  },
  {
    name: 'a linux/unknown entry is never chosen',
    request: 'linux/amd64',
    entries: [entry('linux/unknown', { os: 'linux', architecture: 'unknown' }), entry('no-platform', null)],
    chosen: 'no-platform',
  },
  {
    name: 'Docker manifest and list media types are selectable',
    request: 'linux/arm64',
    entries: [entry('docker-amd64', 'linux/amd64', { mediaType: DOCKER_MANIFEST }), entry('docker-arm64', 'linux/arm64', { mediaType: DOCKER_LIST })],
    chosen: 'docker-arm64',
  },
  {
    name: 'a nested OCI index is selectable (the caller resolves it)',
    request: 'linux/arm64',
    entries: [entry('nested', 'linux/arm64', { mediaType: OCI_INDEX })],
    chosen: 'nested',
  },
  {
    name: 'media types other than image manifest and index are skipped',
    request: 'linux/amd64',
    entries: [
      entry('schema1', 'linux/amd64', { mediaType: 'application/vnd.docker.distribution.manifest.v1+prettyjws' }),
      entry('artifact', 'linux/amd64', { mediaType: 'application/vnd.oci.artifact.manifest.v1+json' }),
      entry('config', 'linux/amd64', { mediaType: 'application/vnd.oci.image.config.v1+json' }),
      entry('linux/386'),
    ],
    chosen: 'linux/386',
  },
  {
    name: 'an exact match beats an earlier fallback',
    request: 'linux/arm64',
    entries: [entry('linux/arm/v7'), entry('linux/arm64')],
    chosen: 'linux/arm64',
  },
  {
    name: 'the same platform twice: index order',
    request: 'linux/amd64',
    entries: [entry('first', 'linux/amd64'), entry('second', 'linux/x86_64')],
    chosen: 'first',
  },
  {
    name: 'strict refuses a fallback',
    request: 'linux/arm64',
    strict: true,
    entries: [entry('linux/arm/v7'), entry('linux/arm/v8')],
    chosen: undefined,
  },
  {
    name: 'strict accepts another spelling of the same platform',
    request: 'linux/arm/v7',
    strict: true,
    entries: [entry('linux/arm/v6'), entry('armhf', { os: 'linux', architecture: 'armhf' })],
    chosen: 'armhf',
  },
  {
    name: 'strict still falls back to an entry without platform',
    request: 'linux/amd64',
    strict: true,
    entries: [entry('linux/386'), entry('no-platform', null)],
    chosen: 'no-platform',
  },
  {
    name: 'Windows without os.version takes the first build in index order, not the newest',
    request: 'windows/amd64',
    entries: [entry('windows(10.0.17763.5830)/amd64'), entry('windows(10.0.26100.2894)/amd64'), entry('windows(10.0.20348.2340)/amd64')],
    chosen: 'windows(10.0.17763.5830)/amd64',
  },
  {
    name: 'Windows compares builds numerically and then the revision',
    request: 'windows(10.0.20348)/amd64',
    entries: [entry('windows(10.0.20348.999)/amd64'), entry('windows(10.0.20348.1000)/amd64')],
    chosen: 'windows(10.0.20348.1000)/amd64',
  },
  {
    name: 'Windows without an os.version asked: an entry without a build is as good as one with (index order)',
    request: 'windows/amd64',
    entries: [entry('windows/amd64'), entry('windows(10.0.17763)/amd64')],
    chosen: 'windows/amd64',
  },
  {
    name: 'Windows with an os.version asked prefers an entry with a build over one without',
    request: 'windows(10.0.17763)/amd64',
    entries: [entry('windows/amd64'), entry('windows(10.0.17763)/amd64')],
    chosen: 'windows(10.0.17763)/amd64',
  },
  {
    name: 'a Windows request skips Linux entries',
    request: 'windows(10.0.20348)/amd64',
    entries: [entry('linux/amd64'), entry('windows(10.0.17763)/amd64'), entry('windows(10.0.20348.2340)/amd64')],
    chosen: 'windows(10.0.20348.2340)/amd64',
  },
];

function choose(row: SelectRow): string | undefined {
  return selectManifest(row.entries, parsePlatform(row.request), { strict: row.strict ?? false })?.entry.digest;
}

describe('selectManifest(entries, request, { strict })', () => {
  for (const row of [...spec, ...more]) {
    it(`${row.name}: ${row.request}${row.strict ? ' (strict)' : ''} → ${row.chosen ?? 'none'}`, () => {
      expect(choose(row)).toBe(row.chosen);
    });
  }

  it('reports position, normalized platform and whether the match was exact', () => {
    const entries = [entry('linux/amd64'), entry('linux/arm/v7'), entry('linux/arm64/v8')];
    expect(selectManifest(entries, parsePlatform('linux/arm64'))).toStrictEqual({
      entry: entries[2],
      position: 2,
      platform: { os: 'linux', architecture: 'arm64' },
      exact: true,
    });
    expect(selectManifest(entries.slice(0, 2), parsePlatform('linux/arm64'))).toStrictEqual({
      entry: entries[1],
      position: 1,
      platform: { os: 'linux', architecture: 'arm', variant: 'v7' },
      exact: false,
    });
  });

  it('reports an entry without platform as not exact and without platform', () => {
    const entries = [entry('no-platform', null)];
    expect(selectManifest(entries, parsePlatform('linux/amd64'))).toStrictEqual({ entry: entries[0], position: 0, exact: false });
  });

  it('takes the request in any spelling', () => {
    const entries = [entry('linux/amd64'), entry('linux/arm64/v8')];
    expect(selectManifest(entries, { os: 'Linux', architecture: 'AArch64', variant: '8' })?.entry.digest).toBe('linux/arm64/v8');
  });

  it('finds the right entry among a thousand', () => {
    const entries = Array.from({ length: 1000 }, (_, i) => entry(`e${i}`, { os: 'linux', architecture: `arch${i}` }));
    entries[700] = entry('linux/arm/v6');
    entries[900] = entry('linux/arm/v7');
    expect(selectManifest(entries, parsePlatform('linux/arm64'))?.entry.digest).toBe('linux/arm/v7');
  });
});

describe('rankManifests(entries, request)', () => {
  it('S13 orders +f1+f2, +f2, +f1, plain', () => {
    const row = spec.find((r) => r.name.startsWith('S13'));
    expect(row).toBeDefined();
    const ranked = rankManifests(row?.entries ?? [], parsePlatform('linux(+f1+f2)/amd64')).map((s) => s.entry.digest);
    expect(ranked).toStrictEqual(['linux(+f1+f2)/amd64', 'linux(+f2)/amd64', 'linux(+f1)/amd64', 'linux/amd64']);
  });

  it('orders by ladder step, then features, then index; no platform last', () => {
    const entries = [
      entry('no-platform', null),
      entry('linux/arm/v5'),
      entry('linux/arm/v7'),
      entry('linux(+x)/arm/v7'),
      entry('linux/arm64/v8'),
      entry('linux/aarch64'),
      entry('linux/amd64'),
      attestation('attestation'),
    ];
    const ranked = rankManifests(entries, parsePlatform('linux(+x)/arm64')).map((s) => s.entry.digest);
    expect(ranked).toStrictEqual(['linux/arm64/v8', 'linux/aarch64', 'linux(+x)/arm/v7', 'linux/arm/v7', 'linux/arm/v5', 'no-platform']);
  });

  it('orders Windows builds newest first when the request names an os.version, in index order when not', () => {
    const entries = [entry('windows(10.0.20348.1)/amd64'), entry('windows(10.0.26100.1)/amd64'), entry('windows(10.0.22621.1)/amd64')];
    const ranked = rankManifests(entries, parsePlatform('windows(10.0.26100)/amd64')).map((s) => s.entry.digest);
    expect(ranked).toStrictEqual(['windows(10.0.26100.1)/amd64', 'windows(10.0.22621.1)/amd64', 'windows(10.0.20348.1)/amd64']);
    const unversioned = rankManifests(entries, parsePlatform('windows/amd64')).map((s) => s.entry.digest);
    expect(unversioned).toStrictEqual(['windows(10.0.20348.1)/amd64', 'windows(10.0.26100.1)/amd64', 'windows(10.0.22621.1)/amd64']);
  });
});

describe('listPlatforms(entries)', () => {
  it('lists what the tag offers, normalized, without attestations, unknowns or foreign media types', () => {
    const entries = [
      entry('linux/amd64'),
      attestation('attestation'),
      entry('linux/arm64/v8'),
      entry('armhf', { os: 'Linux', architecture: 'armhf' }),
      entry('schema1', 'linux/386', { mediaType: 'application/vnd.docker.distribution.manifest.v1+json' }),
      entry('no-platform', null),
      entry('windows', { os: 'windows', architecture: 'amd64', 'os.version': '10.0.20348.2340', 'os.features': ['win32k'] }),
    ];
    expect(listPlatforms(entries)).toStrictEqual([
      { entry: entries[0], position: 0, platform: { os: 'linux', architecture: 'amd64' } },
      { entry: entries[2], position: 2, platform: { os: 'linux', architecture: 'arm64' } },
      { entry: entries[3], position: 3, platform: { os: 'linux', architecture: 'arm', variant: 'v7' } },
      {
        entry: entries[6],
        position: 6,
        platform: { os: 'windows', architecture: 'amd64', osVersion: '10.0.20348.2340', osFeatures: ['win32k'] },
      },
    ]);
  });
});

// §9: the same index through other tools' eyes. `theirs` documents what the named tool would do
// (from the spec and the tools' source); the assertion is always OUR (containerd's) choice.
describe('where other tools differ (§9)', () => {
  const rows: (SelectRow & { tool: string; theirs: string | undefined })[] = [
    {
      tool: 'crane',
      name: 'no alias normalization: aarch64 is not arm64 to crane',
      request: 'linux/arm64',
      entries: [entry('aarch64', { os: 'linux', architecture: 'aarch64' })],
      chosen: 'aarch64',
      theirs: undefined,
    },
    {
      tool: 'crane',
      name: 'no amd64 → 386 fallback',
      request: 'linux/amd64',
      entries: [entry('linux/386')],
      chosen: 'linux/386',
      theirs: undefined,
    },
    {
      tool: 'crane',
      name: 'no arm64 → arm fallback',
      request: 'linux/arm64',
      entries: [entry('linux/arm/v7')],
      chosen: 'linux/arm/v7',
      theirs: undefined,
    },
    {
      tool: 'crane',
      name: 'an empty requested variant matches any variant, first in index order (S5)',
      request: 'linux/arm',
      entries: [entry('linux/arm/v6'), entry('linux/arm/v7')],
      chosen: 'linux/arm/v7',
      theirs: 'linux/arm/v6',
    },
    {
      tool: 'crane',
      name: 'an empty requested variant matches any variant (S8)',
      request: 'linux/amd64',
      entries: [entry('linux/amd64/v2')],
      chosen: undefined,
      theirs: 'linux/amd64/v2',
    },
    {
      tool: 'regclient',
      name: 'no cross-architecture fallback (S6)',
      request: 'linux/amd64',
      entries: [entry('linux/386'), entry('linux/arm64')],
      chosen: 'linux/386',
      theirs: undefined,
    },
    {
      tool: 'regclient',
      name: 'no cross-architecture fallback (S2)',
      request: 'linux/arm64',
      entries: [entry('linux/amd64'), entry('linux/arm/v6'), entry('linux/arm/v7')],
      chosen: 'linux/arm/v7',
      theirs: undefined,
    },
    {
      tool: 'containers/image',
      name: 'an explicit arm64 prefers an empty variant over arm64/v8',
      request: 'linux/arm64',
      entries: [entry('linux/arm64/v8'), entry('linux/arm64')],
      chosen: 'linux/arm64/v8',
      theirs: 'linux/arm64',
    },
    {
      tool: 'containers/image',
      name: 'only the arm v8…v5 ladder: no arm64 v8.x levels',
      request: 'linux/arm64/v8.2',
      entries: [entry('linux/arm64/v8.1')],
      chosen: 'linux/arm64/v8.1',
      theirs: undefined,
    },
    {
      tool: 'containers/image',
      name: 'only the arm ladder: no arm64 → arm fallback',
      request: 'linux/arm64',
      entries: [entry('linux/arm/v7')],
      chosen: 'linux/arm/v7',
      theirs: undefined,
    },
  ];
  for (const row of rows) {
    it(`${row.tool}: ${row.name}: ${row.request} → ours ${row.chosen ?? 'none'}, ${row.tool} ${row.theirs ?? 'none'}`, () => {
      expect(row.theirs).not.toBe(row.chosen);
      expect(choose(row)).toBe(row.chosen);
    });
  }
});
