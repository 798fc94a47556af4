/**
 * Everything the worker stores for one tag, fetched from its origin registry: the tag's
 * top-level manifest and, for an index, every manifest it lists (per-platform images,
 * attestation manifests, nested indexes), each by digest. The Upstream verifies every
 * manifest's sha256 against Docker-Content-Digest and, by digest, against the digest asked for.
 */
import { parseManifest } from '../../src/oci/manifest';
import { isImageManifestMediaType, isIndexMediaType } from '../../src/oci/mediaTypes';
import type { ImageKey } from '../../src/oci/reference';
import type { Upstream } from '../../src/upstream/Upstream';
import type { ManifestBlob } from './kvEntries';
import type { Limiter } from './limiter';

export interface TagManifests {
  top: ManifestBlob;
  /** Manifests fetched by digest (the top-level one not included). */
  children: ManifestBlob[];
  /** Digests listed but not fetched because `known` had them. */
  skipped: number;
}

/**
 * GETs `tag` and every manifest below it that `known` (digests already stored) lacks, each
 * upstream request through `limit`. Null when the registry has no such tag.
 */
export async function fetchTagManifests(
  upstream: Upstream,
  image: ImageKey,
  tag: string,
  options: { limit: Limiter; known?: ReadonlySet<string> },
): Promise<TagManifests | null> {
  const top = await options.limit(() => upstream.getManifest(image, tag));
  if (!top) return null;
  const result: TagManifests = { top: { digest: top.digest, mediaType: top.mediaType, bytes: top.bytes }, children: [], skipped: 0 };
  const seen = new Set<string>([top.digest]);
  const walk = async (blob: ManifestBlob): Promise<void> => {
    if (!isIndexMediaType(blob.mediaType)) return;
    const listed = parseManifest(blob.bytes, blob.mediaType).manifests ?? [];
    const wanted = listed.filter((d) => {
      if (seen.has(d.digest) || !(isIndexMediaType(d.mediaType) || isImageManifestMediaType(d.mediaType))) return false;
      seen.add(d.digest);
      if (options.known?.has(d.digest)) {
        result.skipped++;
        return false;
      }
      return true;
    });
    await Promise.all(
      wanted.map(async (d) => {
        const child = await options.limit(() => upstream.getManifest(image, d.digest));
        if (!child) throw new Error(`${image.registry}/${image.repository}:${tag} lists ${d.digest}, which the registry does not have`);
        const fetched = { digest: child.digest, mediaType: child.mediaType, bytes: child.bytes };
        result.children.push(fetched);
        await walk(fetched);
      }),
    );
  };
  await walk(result.top);
  return result;
}
