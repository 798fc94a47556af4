/**
 * Reads manifests out of an OCI image layout directory (image-spec image-layout.md): the tags
 * named in index.json (`org.opencontainers.image.ref.name`) and every manifest reachable from
 * them. Layers and configs are not read: the worker stores manifests only.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isIndexMediaType, isImageManifestMediaType } from '../../src/oci/mediaTypes';
import type { ManifestBlob } from './kvEntries';

interface LayoutDescriptor {
  mediaType: string;
  digest: string;
  annotations?: Record<string, string>;
}

const REF_NAME = 'org.opencontainers.image.ref.name';

export async function readLayout(dir: string): Promise<{ tags: Map<string, ManifestBlob>; manifests: ManifestBlob[] }> {
  const index = JSON.parse(await readFile(join(dir, 'index.json'), 'utf8')) as { manifests?: LayoutDescriptor[] };
  const tags = new Map<string, ManifestBlob>();
  const manifests = new Map<string, ManifestBlob>();

  const readBlob = async (d: LayoutDescriptor): Promise<ManifestBlob> => {
    const [algorithm, hex] = d.digest.split(':');
    if (!algorithm || !hex || !/^[a-f0-9]+$/.test(hex)) throw new Error(`bad digest in layout: ${d.digest}`);
    const bytes = new Uint8Array(await readFile(join(dir, 'blobs', algorithm, hex)));
    return { digest: d.digest, mediaType: d.mediaType, bytes };
  };
  const walk = async (d: LayoutDescriptor): Promise<ManifestBlob> => {
    const blob = await readBlob(d);
    manifests.set(blob.digest, blob);
    if (isIndexMediaType(d.mediaType)) {
      const children = (JSON.parse(new TextDecoder().decode(blob.bytes)) as { manifests?: LayoutDescriptor[] }).manifests ?? [];
      for (const child of children) {
        if (!manifests.has(child.digest) && (isIndexMediaType(child.mediaType) || isImageManifestMediaType(child.mediaType))) {
          await walk(child);
        }
      }
    }
    return blob;
  };

  for (const d of index.manifests ?? []) {
    const tag = d.annotations?.[REF_NAME];
    if (tag) tags.set(tag, await walk(d));
  }
  if (tags.size === 0) throw new Error(`${dir}/index.json names no tag (annotation ${REF_NAME})`);
  return { tags, manifests: [...manifests.values()] };
}
