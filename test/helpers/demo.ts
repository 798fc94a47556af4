/**
 * The demo image in the test KV: the same plan `npm start` seeds, written through the store.
 * Children are looked up by platform so tests assert on real digests, not hard-coded ones.
 */
import { env } from 'cloudflare:workers';
import { buildMultiPlatformImage, type BuiltImage } from '../../scripts/lib/ociLayout';
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
  for (const [tag, image] of [['1.0', oci], ['1.0-docker', docker]] as const) {
    await store.putTag(IMAGE, tag, image.index.bytes, image.index.mediaType, image.index.digest);
    for (const child of image.children) {
      for (const d of [child.manifest, child.attestation]) {
        if (d) await store.putManifest(IMAGE, d.digest, image.blobs.get(d.digest)!, d.mediaType);
      }
    }
  }
  const amd64 = oci.children[0]!.manifest;
  await store.putTag(IMAGE, '1.0-amd64', oci.blobs.get(amd64.digest)!, amd64.mediaType);
  return { oci, docker, store };
}

/** The child manifest digest for a platform string as the builder formats it (`linux/arm/v7`). */
export function childDigest(image: BuiltImage, platform: string): string {
  const child = image.children.find((c) =>
    [c.platform.os, c.platform.architecture, c.platform.variant].filter(Boolean).join('/') + (c.platform.osVersion ? `:${c.platform.osVersion}` : '') === platform,
  );
  if (!child) throw new Error(`demo image has no ${platform}`);
  return child.manifest.digest;
}
