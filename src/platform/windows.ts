/**
 * Windows `os.version` compatibility (docs/platform-rules.md §6), after containerd's
 * `platform_windows_compat.go`: which container builds a Windows host build can run, and which
 * of several compatible builds is newest.
 */

/** `major.minor.build[.revision]` of an `os.version`, numerically. */
export interface WindowsVersion {
  major: number;
  minor: number;
  build: number;
  /** The 4th field (update revision); 0 when absent. Used for ordering, never for matching. */
  revision: number;
}

/**
 * Long-term servicing builds with a stable container ABI, ascending: Windows Server 2022 and
 * 2025. A host from 20348 on runs containers from the LTSC before its own LTSC up to itself.
 */
export const LTSC_BUILDS: readonly number[] = [20348, 26100];

const DIGITS = /^\d+$/;

/**
 * Reads `major.minor.build[.revision]`; anything else (fewer than three numeric fields) is
 * `undefined`.
 *
 * @example
 * parseWindowsVersion('10.0.20348.3091') // → { major: 10, minor: 0, build: 20348, revision: 3091 }
 */
export function parseWindowsVersion(osVersion: string | undefined): WindowsVersion | undefined {
  if (osVersion === undefined) return undefined;
  const [major, minor, build, revision] = osVersion.split('.', 4);
  if (major === undefined || minor === undefined || build === undefined) return undefined;
  if (!DIGITS.test(major) || !DIGITS.test(minor) || !DIGITS.test(build)) return undefined;
  return {
    major: Number(major),
    minor: Number(minor),
    build: Number(build),
    revision: revision !== undefined && DIGITS.test(revision) ? Number(revision) : 0,
  };
}

/**
 * Whether a host (the request) of version `host` can run a container built for `container`.
 * major.minor must be equal; below 20348 the builds must be equal; from 20348 on the container
 * build must lie between the floor — the largest LTSC build strictly below the host's, or 20348
 * when there is none — and the host (containerd's `checkWindowsHostAndContainerCompat`): 26100
 * runs 20348–26100, 26200 only 26100–26200.
 */
export function windowsBuildsCompatible(host: WindowsVersion, container: WindowsVersion): boolean {
  if (host.major !== container.major || host.minor !== container.minor) return false;
  const first = LTSC_BUILDS[0] ?? 0;
  if (host.build < first) return host.build === container.build;
  let floor = first;
  for (const ltsc of LTSC_BUILDS) if (ltsc < host.build) floor = ltsc;
  return floor <= container.build && container.build <= host.build;
}

/**
 * The §6 rule for one request and one entry. A request without a (readable) os.version, or an
 * entry without one, matches; an entry whose os.version cannot be read does not, as in containerd.
 */
export function windowsVersionMatches(
  host: WindowsVersion | undefined,
  entryOsVersion: string | undefined,
): boolean {
  if (host === undefined || entryOsVersion === undefined || entryOsVersion === '') return true;
  const container = parseWindowsVersion(entryOsVersion);
  return container !== undefined && windowsBuildsCompatible(host, container);
}

/** Orders versions newest first (negative when `a` is newer); `undefined` sorts last. */
export function newerWindowsVersionFirst(
  a: WindowsVersion | undefined,
  b: WindowsVersion | undefined,
): number {
  if (a === undefined || b === undefined) return a === b ? 0 : a === undefined ? 1 : -1;
  return b.major - a.major || b.minor - a.minor || b.build - a.build || b.revision - a.revision;
}

/** Drops `win32k`, which containerd ignores on the entry side when matching (§6). */
export function withoutWin32k(features: readonly string[]): readonly string[] {
  return features.includes('win32k') ? features.filter((f) => f !== 'win32k') : features;
}
