/**
 * Canonical form of a platform (docs/platform-rules.md §1), after containerd's
 * `platforms.Normalize`. Every comparison in this module is made between normalized platforms.
 */
import { normalizeArch, normalizeOS } from './database';
import type { Platform } from './Platform';

/**
 * Returns the canonical form of `p`: os and architecture lower-cased and de-aliased, the variant
 * normalized (absent when empty), `osFeatures` sorted and de-duplicated (absent when empty).
 * `osVersion` is copied unchanged. The input is not modified.
 *
 * @example
 * normalizePlatform({ os: 'Linux', architecture: 'aarch64', variant: 'v8' })
 * // → { os: 'linux', architecture: 'arm64' }
 */
export function normalizePlatform(p: Platform): Platform {
  const [architecture, variant] = normalizeArch(p.architecture, p.variant ?? '');
  const out: Platform = { os: normalizeOS(p.os), architecture };
  if (variant !== '') out.variant = variant;
  if (p.osVersion !== undefined && p.osVersion !== '') out.osVersion = p.osVersion;
  const features = p.osFeatures;
  if (features !== undefined && features.length > 0) out.osFeatures = sortedUnique(features);
  return out;
}

function sortedUnique(values: readonly string[]): string[] {
  const sorted = [...values].sort();
  const out: string[] = [];
  for (const v of sorted) {
    if (v !== '' && v !== out[out.length - 1]) out.push(v);
  }
  return out;
}
