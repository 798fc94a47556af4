/**
 * The demo image in the test KV: the same plan `npm start` seeds, written through the store.
 * Children are looked up by platform so tests assert on real digests, not hard-coded ones.
 */
import { env } from 'cloudflare:workers';
import { buildMultiPlatformImage, type BuiltImage } from '../../scripts/lib/ociLayout';
import type { ImageKey } from '../../src/oci/reference';
import { verifyManifest, type VerifiedManifest } from '../../src/oci/VerifiedManifest';
import { ManifestStore } from '../../src/store/ManifestStore';

export const IMAGE = { registry: 'docker.io', repository: 'demo/app' };

let built: Promise<{ oci: BuiltImage; docker: BuiltImage }> | undefined;

export function demoImages(): Promise<{ oci: BuiltImage; docker: BuiltImage }> {
  built ??= (async () => ({
    oci: await buildMultiPlatformImage({ repository: 'demo/app' }),
    docker: await buildMultiPlatformImage({ repository: 'demo/app', mediaTypes: 'docker' }),
  }))();
  return built;
}

/** Stores demo/app:1.0 (OCI index), :1.0-docker (Docker list), :1.0-amd64 (one manifest). */
export async function seedDemo(): Promise<{ oci: BuiltImage; docker: BuiltImage; store: ManifestStore }> {
  const { oci, docker } = await demoImages();
  const store = new ManifestStore(env.MANIFESTS);
  for (const [tag, image] of [['1.0', oci], ['1.0-docker', docker]] as const) await putImage(store, IMAGE, tag, image);
  const amd64 = oci.children[0]!.manifest;
  await store.putTag(IMAGE, '1.0-amd64', await verified(oci.blobs.get(amd64.digest)!, amd64.mediaType, amd64.digest));
  return { oci, docker, store };
}

/** `bytes` verified as the store takes them (src/oci/VerifiedManifest.ts). */
export function verified(bytes: Uint8Array, mediaType?: string, digest?: string): Promise<VerifiedManifest> {
  return verifyManifest(bytes, { contentType: mediaType, digest });
}

/** Stores a built image in KV: its index as `tag`, and every manifest by digest. */
export async function putImage(store: ManifestStore, image: ImageKey, tag: string, built: BuiltImage): Promise<void> {
  await store.putTag(image, tag, await verified(built.index.bytes, built.index.mediaType, built.index.digest));
  for (const child of built.children) {
    for (const d of [child.manifest, child.attestation]) {
      if (d) await store.putManifest(image, await verified(built.blobs.get(d.digest)!, d.mediaType, d.digest));
    }
  }
}

/** The child manifest digest for a platform string as the builder formats it (`linux/arm/v7`). */
export function childDigest(image: BuiltImage, platform: string): string {
  const child = image.children.find((c) =>
    [c.platform.os, c.platform.architecture, c.platform.variant].filter(Boolean).join('/') + (c.platform.osVersion ? `:${c.platform.osVersion}` : '') === platform,
  );
  if (!child) throw new Error(`demo image has no ${platform}`);
  return child.manifest.digest;
}
