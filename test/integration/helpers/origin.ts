/**
 * The origin side of the integration tests: the images (built offline by ociLayout.ts) and a
 * docker-registry with them pushed in.
 *
 * - `demo/multi:1.0`: an OCI index of the 10 demo platforms plus one attestation manifest each;
 * - `demo/multi:1.0-docker`: the same platforms as a Docker manifest list (Docker schema 2
 *   manifests; the attestations stay OCI, as buildx writes them).
 */
import { buildMultiPlatformImage, type BuiltImage, type ImagePlatform } from '../../../scripts/lib/ociLayout';
import { pushImage } from '../../../scripts/lib/registryPush';
import { RegistryServer, type RegistryOptions } from '../../../scripts/lib/registryServer';
import type { RegistryCredentials } from '../../../scripts/lib/skopeo';

export const REPOSITORY = 'demo/multi';

export interface OriginImages {
  oci: BuiltImage;
  docker: BuiltImage;
}

export async function buildImages(platforms?: readonly ImagePlatform[]): Promise<OriginImages> {
  const options = { repository: REPOSITORY, ...(platforms ? { platforms } : {}) };
  return {
    oci: await buildMultiPlatformImage(options),
    docker: await buildMultiPlatformImage({ ...options, mediaTypes: 'docker' }),
  };
}

/** Starts a registry and pushes `images` as `REPOSITORY:1.0` (OCI) and `:1.0-docker`. */
export async function startOrigin(
  images: OriginImages,
  options: RegistryOptions & { creds?: RegistryCredentials } = {},
): Promise<RegistryServer> {
  const registry = await RegistryServer.start(options);
  try {
    const target = { registry: registry.host, repository: REPOSITORY, ...(options.creds ? { creds: options.creds } : {}) };
    await pushImage(images.oci, { ...target, tag: '1.0' });
    await pushImage(images.docker, { ...target, tag: '1.0-docker' });
    return registry;
  } catch (err) {
    await registry.dispose();
    throw err;
  }
}

/** The child skopeo and podman choose for a platform: the first in index order whose os/arch/variant match. */
export function firstMatch(image: BuiltImage, p: Pick<ImagePlatform, 'os' | 'architecture' | 'variant'>) {
  const child = image.children.find((c) => c.platform.os === p.os && c.platform.architecture === p.architecture && c.platform.variant === p.variant);
  if (!child) throw new Error(`no ${p.os}/${p.architecture}/${p.variant ?? ''} child`);
  return child;
}
