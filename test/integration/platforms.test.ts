/**
 * Real registry clients pulling through the worker (real components, in CI;
 * docs/platform-rules.md): the worker in front of a docker-registry holding a 10-platform image
 * with attestations, as an OCI index (`1.0`) and as a Docker manifest list (`1.0-docker`).
 *
 * - skopeo, one platform at a time (`--override-os/--override-arch/--override-variant`), copies
 *   the same manifest through the worker as straight from the registry, blobs included;
 * - the worker's own HTTP API with `?platform=` answers the same digests, os.version included;
 * - podman pulls two platforms through the worker and gets the images the registry has.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { WorkerServer } from '../../scripts/lib/miniflareWorker';
import { DEMO_PLATFORMS, formatPlatform, type BuiltImage, type ImagePlatform } from '../../scripts/lib/ociLayout';
import { Podman } from '../../scripts/lib/podman';
import type { RegistryServer } from '../../scripts/lib/registryServer';
import { copyPlatform, inspectRaw, sha256Hex } from '../../scripts/lib/skopeo';
import { ACCEPT_ALL, platformSpecifier, sha256 } from './helpers/http';
import { buildImages, firstMatch, REPOSITORY, startOrigin, type OriginImages } from './helpers/origin';

let images: OriginImages;
let registry: RegistryServer;
let worker: WorkerServer;

beforeAll(async () => {
  images = await buildImages();
  registry = await startOrigin(images);
  worker = await WorkerServer.start({ bundle: inject('workerBundle'), vars: { UPSTREAMS: `origin.test=${registry.url}` } });
});

afterAll(async () => {
  await worker?.stop();
  await registry?.dispose();
});

/** The image as clients name it through the worker: the registry host is `origin.test`. */
const throughWorker = (tag: string) => `${worker.host}/origin.test/${REPOSITORY}:${tag}`;
const straight = (tag: string) => `${registry.host}/${REPOSITORY}:${tag}`;

const TAGS: [string, keyof OriginImages][] = [
  ['1.0', 'oci'],
  ['1.0-docker', 'docker'],
];

/** What skopeo can ask for: os/arch/variant (skopeo 1.9 has no os.version override). */
const SKOPEO_PLATFORMS = DEMO_PLATFORMS.filter(
  (p, i) => DEMO_PLATFORMS.findIndex((q) => q.os === p.os && q.architecture === p.architecture && q.variant === p.variant) === i,
).map((p): [string, ImagePlatform] => [formatPlatform({ ...p, osVersion: undefined }), p]);

describe.each(TAGS)('tag %s (%s media types)', (tag, kind) => {
  const image = (): BuiltImage => images[kind];

  it('skopeo inspect --raw through the worker gets the index byte for byte', async () => {
    const raw = await inspectRaw(throughWorker(tag));
    expect(sha256Hex(raw)).toBe(image().index.digest);
    expect(raw.equals(Buffer.from(image().index.bytes))).toBe(true);
  });

  it.each(SKOPEO_PLATFORMS)('skopeo copy --override %s: the same manifest through the worker as from the registry', async (_name, platform) => {
    // For windows/amd64 both clients take the first entry in index order (10.0.17763).
    const expected = firstMatch(image(), platform);
    const viaWorker = await copyPlatform(throughWorker(tag), { platform });
    const direct = await copyPlatform(straight(tag), { platform });
    expect(direct.digest).toBe(expected.manifest.digest);
    expect(viaWorker.digest).toBe(expected.manifest.digest);
    expect(viaWorker.manifest.equals(direct.manifest)).toBe(true);
    expect(viaWorker.config).toEqual(direct.config);
  });

  it.each(DEMO_PLATFORMS.map((p) => [platformSpecifier(p), p] as const))(
    'GET /v2/…/manifests/%s?platform= answers that child',
    async (specifier, platform) => {
      const child = image().children.find((c) => formatPlatform(c.platform) === formatPlatform(platform))!;
      const response = await worker.fetch(`/v2/origin.test/${REPOSITORY}/manifests/${tag}?platform=${encodeURIComponent(specifier)}`, {
        headers: { Accept: ACCEPT_ALL },
      });
      expect(response.status).toBe(200);
      expect(response.headers.get('Docker-Content-Digest')).toBe(child.manifest.digest);
      expect(response.headers.get('Content-Type')).toBe(child.manifest.mediaType);
      expect(sha256(await response.arrayBuffer())).toBe(child.manifest.digest);
      const resolved = await worker.fetch(`/resolve/origin.test/${REPOSITORY}:${tag}?platform=${encodeURIComponent(specifier)}`, {
        headers: { Accept: 'text/plain' },
      });
      expect(await resolved.text()).toBe(`${child.manifest.digest}\n`);
    },
  );
});

describe('podman pull --platform through the worker', () => {
  let podman: Podman;
  beforeAll(async () => {
    podman = await Podman.create([worker.host, registry.host]);
  });
  afterAll(() => podman?.dispose());

  it.each([
    ['1.0', 'oci', 'linux/arm64', 'linux/arm64/v8', 'arm64'],
    ['1.0-docker', 'docker', 'linux/arm/v7', 'linux/arm/v7', 'arm'],
  ] as const)('%s (%s) as %s: the image the registry has', async (tag, kind, platform, builtAs, architecture) => {
    const image = images[kind];
    const child = image.children.find((c) => formatPlatform(c.platform) === builtAs)!;
    const pulled = await podman.pull(throughWorker(tag), platform);
    expect(pulled.id).toBe(child.config.digest.slice('sha256:'.length));
    expect(pulled.digest).toBe(image.index.digest);
    expect(pulled.repoDigests.sort()).toEqual(
      [`${worker.host}/origin.test/${REPOSITORY}@${child.manifest.digest}`, `${worker.host}/origin.test/${REPOSITORY}@${image.index.digest}`].sort(),
    );
    expect([pulled.os, pulled.architecture]).toEqual(['linux', architecture]);
    await podman.removeAll();
    const direct = await podman.pull(straight(tag), platform);
    expect(direct.id).toBe(pulled.id);
    await podman.removeAll();
  });
});

describe('blobs through the worker (the registry serves them itself: streamed, not redirected)', () => {
  it('GET gives the whole layer; Range gives 206 with exactly those bytes', async () => {
    const layer = images.oci.children[2]!.layer;
    const bytes = images.oci.blobs.get(layer.digest)!;
    const path = `/v2/origin.test/${REPOSITORY}/blobs/${layer.digest}`;
    const whole = await worker.fetch(path);
    expect(whole.status).toBe(200);
    expect(whole.headers.get('Docker-Content-Digest')).toBe(layer.digest);
    expect(whole.headers.get('Content-Length')).toBe(String(layer.size));
    expect(sha256(await whole.arrayBuffer())).toBe(layer.digest);
    const part = await worker.fetch(path, { headers: { Range: 'bytes=10-19' } });
    expect(part.status).toBe(206);
    expect(part.headers.get('Content-Range')).toBe(`bytes 10-19/${layer.size}`);
    expect(Buffer.from(await part.arrayBuffer()).equals(Buffer.from(bytes.subarray(10, 20)))).toBe(true);
  });
});
