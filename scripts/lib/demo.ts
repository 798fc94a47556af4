/**
 * The demo data `npm start` seeds: `demo/app` on the default registry (docker.io), built by
 * ociLayout.ts with no internet.
 * - `1.0` and `latest`: an OCI index of 10 platforms (linux amd64, arm64/v8, arm/v7, arm/v6, 386,
 *   ppc64le, s390x, riscv64; windows/amd64 10.0.17763 and 10.0.20348) plus attestations;
 * - `1.0-docker`: the same as a Docker manifest list;
 * - `1.0-amd64`: a single-platform tag (a plain image manifest).
 */
import { buildMultiPlatformImage, type BuiltImage } from './ociLayout';
import type { ManifestBlob, SeedPlan } from './kvEntries';

export const DEMO_IMAGE = { registry: 'docker.io', repository: 'demo/app' };
export const DEMO_NAME = 'demo/app';

export async function demoPlan(): Promise<SeedPlan> {
  const oci = await buildMultiPlatformImage({ repository: DEMO_NAME });
  const docker = await buildMultiPlatformImage({ repository: DEMO_NAME, mediaTypes: 'docker' });
  const ociIndex = indexBlob(oci);
  const amd64 = oci.children[0];
  if (!amd64) throw new Error('demo image has no children');
  const tags = new Map<string, ManifestBlob>([
    ['1.0', ociIndex],
    ['latest', ociIndex],
    ['1.0-docker', indexBlob(docker)],
    ['1.0-amd64', blobOf(oci, amd64.manifest.digest, amd64.manifest.mediaType)],
  ]);
  return { image: DEMO_IMAGE, tags, manifests: [...manifestsOf(oci), ...manifestsOf(docker)] };
}

function indexBlob(image: BuiltImage): ManifestBlob {
  return { digest: image.index.digest, mediaType: image.index.mediaType, bytes: image.index.bytes };
}

function manifestsOf(image: BuiltImage): ManifestBlob[] {
  return image.children.flatMap((child) =>
    [child.manifest, child.attestation].flatMap((d) => (d ? [blobOf(image, d.digest, d.mediaType)] : [])),
  );
}

function blobOf(image: BuiltImage, digest: string, mediaType: string): ManifestBlob {
  const bytes = image.blobs.get(digest);
  if (!bytes) throw new Error(`demo image lacks blob ${digest}`);
  return { digest, mediaType, bytes };
}
