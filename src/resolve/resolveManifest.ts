/**
 * From a reference and a requested platform to a manifest: loads the tag or digest from the
 * manifest source and, for an index, picks the child with the platform matcher (platform-spec.md
 * §7, nested indexes resolved recursively). No HTTP here: routes translate.
 */
import { formatImageName, type ImageReference } from '../oci/reference';
import { isIndexMediaType } from '../oci/mediaTypes';
import { parseManifest } from '../oci/manifest';
import { RegistryError } from '../oci/RegistryError';
import { formatPlatform, fromOciPlatform, listPlatforms, selectManifest } from '../platform';
import type { IndexEntry, Platform } from '../platform/Platform';
import type { RequestedPlatform } from '../platform/requestPlatform';
import { BoundedMap } from '../store/BoundedMap';
import type { ManifestRecord } from '../store/ManifestRecord';
import type { ManifestSource } from './ManifestSource';

/** How deep an index may nest inside another before we call it a loop. */
const MAX_NESTING = 4;

export interface Resolution {
  /** What the reference names: an index, or a single manifest. */
  top: ManifestRecord;
  /** The chosen platform manifest (the top manifest itself when it is not an index). */
  manifest: ManifestRecord;
  /** The chosen entry's platform as the index states it, when the choice came from an index. */
  platform?: Platform;
  /** The entry matched the request itself, not a compatible fallback of it. */
  exact: boolean;
}

/** The manifest a reference names; MANIFEST_UNKNOWN when the source has none. */
export async function loadReference(source: ManifestSource, ref: ImageReference): Promise<ManifestRecord> {
  const record = ref.digest
    ? await source.getManifest(ref.image, ref.digest)
    : await source.getTag(ref.image, ref.tag ?? 'latest');
  if (!record) {
    const what = ref.digest ? `@${ref.digest}` : `:${ref.tag ?? 'latest'}`;
    throw new RegistryError('MANIFEST_UNKNOWN', `manifest unknown: ${formatImageName(ref.image)}${what}`, {
      name: ref.image.name,
      reference: ref.digest ?? ref.tag ?? 'latest',
    });
  }
  return record;
}

/**
 * Validated index entries by digest, per isolate. An index never changes under its digest (the
 * store verified it), so hot tags skip JSON.parse and schema validation — the bulk of a
 * request's CPU (docs/benchmarks.md).
 */
const parsedIndexes = new BoundedMap<string, readonly IndexEntry[]>(256);

/** The index entries of a manifest record, or undefined when it is not an index. */
export function indexEntries(record: ManifestRecord): readonly IndexEntry[] | undefined {
  if (!isIndexMediaType(record.mediaType)) return undefined;
  const key = `${record.mediaType} ${record.digest}`;
  let entries = parsedIndexes.get(key);
  if (!entries) {
    entries = Object.freeze((parseManifest(record.bytes, record.mediaType).manifests ?? []) as IndexEntry[]);
    parsedIndexes.set(key, entries);
  }
  return entries;
}

/** Picks the platform manifest of `top` for `requested`; a non-index is returned as it is. */
export async function resolvePlatform(
  source: ManifestSource,
  ref: ImageReference,
  top: ManifestRecord,
  requested: RequestedPlatform,
): Promise<Resolution> {
  let current = top;
  let chosen: Platform | undefined;
  let exact = true;
  for (let depth = 0; depth <= MAX_NESTING; depth++) {
    const entries = indexEntries(current);
    if (!entries) return { top, manifest: current, ...(chosen ? { platform: chosen } : {}), exact };
    const selection = selectManifest(entries, requested.platform, { strict: requested.strict });
    if (!selection) throw noMatch(ref, requested, entries);
    if (selection.entry.platform) chosen = fromOciPlatform(selection.entry.platform);
    exact &&= selection.exact;
    const child = await source.getManifest(ref.image, selection.entry.digest);
    if (!child) {
      throw new RegistryError(
        'MANIFEST_UNKNOWN',
        `manifest unknown: ${formatImageName(ref.image)}@${selection.entry.digest} (the ${formatPlatform(requested.platform)} child of the index) is not stored`,
        { digest: selection.entry.digest },
      );
    }
    current = child;
  }
  throw new RegistryError('MANIFEST_INVALID', `index nesting deeper than ${MAX_NESTING} levels`);
}

/** What an index offers, as the index states it, for listings and "no match" messages. */
export function offeredPlatforms(entries: readonly IndexEntry[]): { platform: string; entry: IndexEntry }[] {
  return listPlatforms(entries).map(({ entry }) => ({
    platform: formatPlatform(fromOciPlatform(entry.platform!)),
    entry,
  }));
}

function noMatch(ref: ImageReference, requested: RequestedPlatform, entries: readonly IndexEntry[]): RegistryError {
  const available = [...new Set(offeredPlatforms(entries).map((o) => o.platform))];
  const wanted = formatPlatform(requested.platform) + (requested.strict ? ' (strict)' : '');
  const name = formatImageName(ref.image) + (ref.digest ? `@${ref.digest}` : `:${ref.tag ?? 'latest'}`);
  return new RegistryError(
    'MANIFEST_UNKNOWN',
    `no manifest for platform ${wanted} in ${name}; it offers: ${available.join(', ') || 'no platforms'}`,
    { requested: formatPlatform(requested.platform), strict: requested.strict, available },
  );
}
