/**
 * Choosing the child manifest of an index for a request (docs/platform-rules.md §3, §6, §7), as
 * containerd's `Only(p)` / `OnlyStrict(p)` comparer would.
 *
 * Candidates are the selectable entries (§3) that match some ladder step, plus entries with no
 * platform. They rank, best first, by: no-platform last; earlier ladder step; more os.features;
 * for Windows, when the request names an os.version, newest compatible os.version; index order. A chosen entry that is itself an index
 * is the caller's to resolve (recursively) — this module does no I/O.
 */
import { entryPlatform, isImageEntry, type SelectableEntry } from './listPlatforms';
import { createMatcher, matchingStep, type MatchOptions, type PlatformMatcher } from './matchPlatform';
import type { IndexEntry, Platform } from './Platform';
import { newerWindowsVersionFirst, parseWindowsVersion, type WindowsVersion } from './windows';

/** The chosen entry. */
export interface Selection extends SelectableEntry {
  /** True when the entry matched the request itself (ladder step 0), not a fallback. */
  exact: boolean;
}

interface Candidate extends Selection {
  step: number;
  featureCount: number;
  windowsVersion: WindowsVersion | undefined;
}

/**
 * Picks the entry containerd would pull for `request`, or `undefined` when nothing fits.
 *
 * @example
 * selectManifest(index.manifests, { os: 'linux', architecture: 'arm64' })?.entry.digest
 */
export function selectManifest(
  entries: readonly IndexEntry[],
  request: Platform,
  options: MatchOptions = {},
): Selection | undefined {
  const matcher = createMatcher(request, options);
  let best: Candidate | undefined;
  for (let position = 0; position < entries.length; position++) {
    const candidate = toCandidate(matcher, entries[position], position);
    if (candidate !== undefined && (best === undefined || compareCandidates(candidate, best) < 0)) {
      best = candidate;
    }
  }
  return best === undefined ? undefined : toSelection(best);
}

/**
 * Every candidate for `request`, best first (the order `selectManifest` chooses from).
 * Useful to explain a choice; `selectManifest` is the fast path.
 */
export function rankManifests(
  entries: readonly IndexEntry[],
  request: Platform,
  options: MatchOptions = {},
): Selection[] {
  const matcher = createMatcher(request, options);
  const candidates: Candidate[] = [];
  entries.forEach((entry, position) => {
    const candidate = toCandidate(matcher, entry, position);
    if (candidate !== undefined) candidates.push(candidate);
  });
  return candidates.sort(compareCandidates).map(toSelection);
}

function toCandidate(
  matcher: PlatformMatcher,
  entry: IndexEntry | undefined,
  position: number,
): Candidate | undefined {
  if (entry === undefined || !isImageEntry(entry)) return undefined;
  const platform = entryPlatform(entry);
  if (platform === undefined) {
    return { entry, position, exact: false, step: Infinity, featureCount: 0, windowsVersion: undefined };
  }
  const step = matchingStep(matcher, platform); // -1 for unknown os or architecture too
  if (step < 0) return undefined;
  return {
    entry,
    position,
    platform,
    exact: step === 0,
    step,
    featureCount: platform.osFeatures?.length ?? 0,
    // Newest compatible build first only when the request names an os.version (a Windows node);
    // without one, Windows entries keep index order like every other platform (§6).
    windowsVersion: matcher.windowsVersion ? parseWindowsVersion(platform.osVersion) : undefined,
  };
}

/** §7 order; entries without a platform have step Infinity and rank after every match. */
function compareCandidates(a: Candidate, b: Candidate): number {
  if (a.step !== b.step) return a.step < b.step ? -1 : 1;
  return (
    b.featureCount - a.featureCount ||
    newerWindowsVersionFirst(a.windowsVersion, b.windowsVersion) ||
    a.position - b.position
  );
}

function toSelection(c: Candidate): Selection {
  const selection: Selection = { entry: c.entry, position: c.position, exact: c.exact };
  if (c.platform !== undefined) selection.platform = c.platform;
  return selection;
}
