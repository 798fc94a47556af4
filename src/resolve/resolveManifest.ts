/**
 * From a reference and a requested platform to a manifest: loads the tag or digest through the
 * image reader and, for an index, picks the child with the platform matcher (docs/platform-rules.md
 * §7, nested indexes resolved recursively). No HTTP here: routes translate.
 */
import { formatImageName, type ImageReference } from '../oci/reference';
import { RegistryError } from '../oci/RegistryError';
import { formatPlatform, fromOciPlatform, listPlatforms, selectManifest } from '../platform';
import type { IndexEntry, Platform } from '../platform/Platform';
import type { RequestedPlatform } from '../platform/requestPlatform';
import type { ImageReader, Served } from '../store/ImageStore';

/** How deep an index may nest inside another before we call it a loop. */
const MAX_NESTING = 4;

export interface Resolution {
  /** What the reference names: an index, or a single manifest. */
  top: Served;
  /** The chosen platform manifest (the top manifest itself when it is not an index). */
  manifest: Served;
  /** The chosen entry's platform as the index states it, when the choice came from an index. */
  platform?: Platform;
  /** The entry matched the request itself, not a compatible fallback of it. */
  exact: boolean;
}

/** The manifest a reference names; MANIFEST_UNKNOWN when nobody has it. */
export async function loadReference(images: ImageReader, ref: ImageReference): Promise<Served> {
  const served = ref.digest ? await images.manifest(ref.image, ref.digest) : await images.tag(ref.image, ref.tag ?? 'latest');
  if (!served) {
    const what = ref.digest ? `@${ref.digest}` : `:${ref.tag ?? 'latest'}`;
    throw new RegistryError('MANIFEST_UNKNOWN', `manifest unknown: ${formatImageName(ref.image)}${what}`, {
      name: ref.image.name,
      reference: ref.digest ?? ref.tag ?? 'latest',
    });
  }
  return served;
}

/** The index entries of a served manifest (verified and parsed once), or undefined when it is not an index. */
export function indexEntries(served: Served): readonly IndexEntry[] | undefined {
  return served.manifest.entries;
}

/** Picks the platform manifest of `top` for `requested`; a non-index is returned as it is. */
export async function resolvePlatform(images: ImageReader, ref: ImageReference, top: Served, requested: RequestedPlatform): Promise<Resolution> {
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
    const child = await images.manifest(ref.image, selection.entry.digest);
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
