/**
 * Which index entries may be chosen at all (docs/platform-rules.md §3), and the list of what a tag
 * offers, for "no match" messages and the platforms API.
 */
import { normalizePlatform } from './normalizePlatform';
import { fromOciPlatform } from './ociPlatform';
import type { IndexEntry, Platform } from './Platform';

/** The media types an entry may have to be chosen: image manifests and image indexes. */
export const SELECTABLE_MEDIA_TYPES: ReadonlySet<string> = new Set([
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
]);

/** buildx marks attestation manifests with this annotation (any value excludes the entry). */
export const REFERENCE_TYPE_ANNOTATION = 'vnd.docker.reference.type';

/** An entry that may be chosen, where it sits in the index, and its normalized platform. */
export interface SelectableEntry {
  entry: IndexEntry;
  /** Index of the entry in the `manifests` array. */
  position: number;
  /** The normalized platform; absent when the entry has none (a last resort, §3). */
  platform?: Platform;
}

/** A platform a tag offers: a selectable entry that has a platform. */
export interface OfferedPlatform extends SelectableEntry {
  platform: Platform;
}

/** Whether an entry is an image manifest or index and not an attestation (§3). */
export function isImageEntry(entry: IndexEntry): boolean {
  if (!SELECTABLE_MEDIA_TYPES.has(entry.mediaType)) return false;
  const annotations = entry.annotations;
  return annotations === undefined || !Object.hasOwn(annotations, REFERENCE_TYPE_ANNOTATION);
}

/**
 * Whether an entry may be chosen at all (§3): an image entry whose normalized `platform` has no
 * `unknown` os or architecture. Entries without a platform are selectable (as a last resort).
 */
export function isSelectable(entry: IndexEntry, platform: Platform | undefined): boolean {
  if (!isImageEntry(entry)) return false;
  return platform === undefined || (platform.os !== 'unknown' && platform.architecture !== 'unknown');
}

/** The normalized platform of an entry, if it has one. */
export function entryPlatform(entry: IndexEntry): Platform | undefined {
  if (entry.platform === undefined) return undefined;
  // Index entries are long-lived and every request for the tag asks again: normalized once per entry.
  let platform = entryPlatforms.get(entry);
  if (platform === undefined) {
    platform = Object.freeze(normalizePlatform(fromOciPlatform(entry.platform)));
    entryPlatforms.set(entry, platform);
  }
  return platform;
}

/** Held weakly: an entry's normalized platform lives as long as the entry. */
const entryPlatforms = new WeakMap<IndexEntry, Platform>();

/**
 * The platforms a tag offers, in index order, normalized: attestations, `unknown` platforms,
 * foreign media types and entries without a platform (nothing to name) left out.
 *
 * @example
 * listPlatforms(index.manifests).map((offer) => formatPlatform(offer.platform))
 * // → ['linux/amd64', 'linux/arm64', 'linux/arm/v7']
 */
export function listPlatforms(entries: readonly IndexEntry[]): OfferedPlatform[] {
  const out: OfferedPlatform[] = [];
  entries.forEach((entry, position) => {
    const platform = entryPlatform(entry);
    if (platform !== undefined && isSelectable(entry, platform)) out.push({ entry, position, platform });
  });
  return out;
}
