/**
 * Whether an index entry's platform satisfies a request (docs/platform-rules.md §5, §6), after
 * containerd's `platforms.NewMatcher` and `Only`/`OnlyStrict`. An entry matches a ladder step
 * when os, architecture and variant are equal after normalization, its os.features are a subset
 * of the request's (Windows: `win32k` ignored), and, for Windows, the os.version rule holds.
 */
import { platformLadder } from './ladder';
import { normalizePlatform } from './normalizePlatform';
import type { Platform } from './Platform';
import { parseWindowsVersion, type WindowsVersion, windowsVersionMatches, withoutWin32k } from './windows';

/** Options shared by the matchers: `strict` is containerd's `OnlyStrict` (`match=strict`). */
export interface MatchOptions {
  strict?: boolean;
}

/** A request prepared once, to be tried against many entries. */
export interface PlatformMatcher {
  /** Acceptable platforms, best first, normalized (§4). */
  readonly ladder: readonly Platform[];
  /** The request's os.features, sorted and de-duplicated. */
  readonly features: readonly string[];
  readonly windows: boolean;
  /** The requested Windows version, when the request is Windows and has a readable one. */
  readonly windowsVersion: WindowsVersion | undefined;
}

/** Prepares `request` (any form; it is normalized here) for `matchingStep`. */
export function createMatcher(request: Platform, options: MatchOptions = {}): PlatformMatcher {
  // A request platform that is frozen is shared by every request that names it (requestPlatform.ts):
  // its matcher is made once.
  if (!Object.isFrozen(request)) return makeMatcher(request, options);
  const kept = matchers.get(request);
  const index = options.strict ? 1 : 0;
  const matcher = kept?.[index] ?? makeMatcher(request, options);
  if (kept) kept[index] = matcher;
  else matchers.set(request, index === 0 ? [matcher, undefined] : [undefined, matcher]);
  return matcher;
}

/** Matchers of frozen request platforms, [compatible, strict], held weakly. */
const matchers = new WeakMap<Platform, [PlatformMatcher | undefined, PlatformMatcher | undefined]>();

function makeMatcher(request: Platform, options: MatchOptions): PlatformMatcher {
  const ladder = platformLadder(request, options);
  const first = ladder[0] ?? normalizePlatform(request);
  const windows = first.os === 'windows';
  return {
    ladder,
    features: first.osFeatures ?? [],
    windows,
    windowsVersion: windows ? parseWindowsVersion(first.osVersion) : undefined,
  };
}

/**
 * The index of the first ladder step that `entry` (already normalized) satisfies, or -1.
 * An entry whose os or architecture is `unknown` never matches (§3).
 */
export function matchingStep(matcher: PlatformMatcher, entry: Platform): number {
  if (entry.os === 'unknown' || entry.architecture === 'unknown') return -1;
  const head = matcher.ladder[0];
  // Every step shares the request's os, os.version and os.features: check those once.
  if (head === undefined || entry.os !== head.os) return -1;
  if (matcher.windows && !windowsVersionMatches(matcher.windowsVersion, entry.osVersion)) return -1;
  const entryFeatures = entry.osFeatures ?? [];
  if (!isSubset(matcher.windows ? withoutWin32k(entryFeatures) : entryFeatures, matcher.features)) return -1;

  const variant = entry.variant ?? '';
  for (let i = 0; i < matcher.ladder.length; i++) {
    const step = matcher.ladder[i];
    if (step !== undefined && step.architecture === entry.architecture && (step.variant ?? '') === variant) {
      return i;
    }
  }
  return -1;
}

/**
 * Whether an entry with platform `entry` satisfies `request` under containerd's `Only` (or
 * `OnlyStrict` with `{ strict: true }`). Both sides are normalized here.
 *
 * @example
 * matchesPlatform({ os: 'linux', architecture: 'amd64' }, { os: 'linux', architecture: '386' }) // → true
 * matchesPlatform({ os: 'linux', architecture: 'amd64' }, { os: 'linux', architecture: '386' },
 *   { strict: true }) // → false
 */
export function matchesPlatform(request: Platform, entry: Platform, options: MatchOptions = {}): boolean {
  return matchingStep(createMatcher(request, options), normalizePlatform(entry)) >= 0;
}

function isSubset(sub: readonly string[], of: readonly string[]): boolean {
  if (sub.length > of.length) return false;
  for (const item of sub) if (!of.includes(item)) return false;
  return true;
}
