/**
 * Pushes a multi-platform image built by ociLayout.ts into a registry with skopeo, through an
 * OCI layout in a temp dir, and checks the registry then serves exactly the built index.
 *
 * @example
 * const image = await buildMultiPlatformImage({ mediaTypes: 'docker' });
 * await pushImage(image, { registry: '127.0.0.1:5000', repository: 'demo/multi', tag: '1.0-docker' });
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MEDIA_TYPES, writeOciLayout, type BuiltImage } from './ociLayout';
import { inspectRaw, pushLayout, sha256Hex, type RegistryCredentials } from './skopeo';

export interface PushTarget {
  /** `host:port` of the registry. */
  registry: string;
  repository: string;
  tag: string;
  creds?: RegistryCredentials;
}

export async function pushImage(image: BuiltImage, target: PushTarget): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'oci-layout-'));
  try {
    await writeOciLayout(dir, image, target.tag);
    // skopeo 1.9 resolves oci:DIR:TAG to OCI media types only; a Docker list is the layout's only entry.
    const source = image.index.mediaType === MEDIA_TYPES.oci.index ? `oci:${dir}:${target.tag}` : `oci:${dir}`;
    const dest = `${target.registry}/${target.repository}:${target.tag}`;
    await pushLayout(source, dest, { creds: target.creds });
    const served = sha256Hex(await inspectRaw(dest, { creds: target.creds }));
    if (served !== image.index.digest) {
      throw new Error(`pushed ${image.index.digest} to ${dest} but the registry serves ${served}`);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
