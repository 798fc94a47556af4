/**
 * Tests for scripts/lib/ociLayout.ts, the offline builder of the demo multi-platform image.
 * They run in workerd like every other test, so they check the in-memory image (digests, sizes,
 * diff_ids, index entries, the ustar bytes) and leave writing to disk to the script itself.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import {
  buildMultiPlatformImage,
  CREATED,
  DEMO_PLATFORMS,
  formatPlatform,
  IN_TOTO_MEDIA_TYPE,
  layoutIndexJson,
  makeTar,
  MEDIA_TYPES,
  parsePlatformSpec,
  sha256Digest,
  type BuiltImage,
  type Descriptor,
  type ImagePlatform,
} from '../../scripts/lib/ociLayout';

const decoder = new TextDecoder();
const json = (bytes: Uint8Array | undefined): any => JSON.parse(decoder.decode(bytes));

async function gunzip(bytes: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** Reads a ustar archive back: name, type flag, content; checks each header's checksum and magic. */
function readTar(tar: Uint8Array): { name: string; type: string; content: string }[] {
  const field = (h: Uint8Array, offset: number, length: number): string =>
    decoder.decode(h.subarray(offset, offset + length)).replace(/\0.*$/s, '');
  const entries = [];
  for (let offset = 0; offset + 512 <= tar.length; ) {
    const header = tar.subarray(offset, offset + 512);
    if (header.every((b) => b === 0)) break;
    const sum = header.reduce((n, b, i) => n + (i >= 148 && i < 156 ? 32 : b), 0);
    expect(parseInt(field(header, 148, 8), 8)).toBe(sum);
    expect(field(header, 257, 6)).toBe('ustar');
    const size = parseInt(field(header, 124, 12), 8);
    const content = decoder.decode(tar.subarray(offset + 512, offset + 512 + size));
    entries.push({ name: field(header, 0, 100), type: field(header, 156, 1), content });
    offset += 512 + Math.ceil(size / 512) * 512;
  }
  return entries;
}

/** Every descriptor reachable from the index: index entries, then each manifest's config and layers. */
function reachableDescriptors(image: BuiltImage): Descriptor[] {
  const entries: Descriptor[] = json(image.index.bytes).manifests;
  return entries.flatMap((entry) => {
    const manifest = json(image.blobs.get(entry.digest));
    return [entry, manifest.config as Descriptor, ...(manifest.layers as Descriptor[])];
  });
}

describe('parsePlatformSpec(spec) and formatPlatform(platform)', () => {
  const rows: [string, ImagePlatform][] = [
    ['linux/amd64', { os: 'linux', architecture: 'amd64' }],
    ['linux/arm64/v8', { os: 'linux', architecture: 'arm64', variant: 'v8' }],
    ['linux/arm/v6', { os: 'linux', architecture: 'arm', variant: 'v6' }],
    ['windows/amd64:10.0.20348.2966', { os: 'windows', architecture: 'amd64', osVersion: '10.0.20348.2966' }],
  ];
  it.each(rows)('parses %s and formats it back unchanged', (spec, platform) => {
    expect(parsePlatformSpec(spec)).toEqual(platform);
    expect(formatPlatform(parsePlatformSpec(spec))).toBe(spec);
  });
  it.each([
    ['linux', 'no architecture'],
    ['linux/amd64/v8/extra', 'too many parts'],
    ['Linux/amd64', 'upper case'],
    ['windows/amd64:', 'empty os.version'],
    ['', 'empty'],
  ])('rejects "%s" (%s), quoting the input', (spec) => {
    expect(() => parsePlatformSpec(spec)).toThrow(`invalid platform "${spec}"`);
  });
});

describe('makeTar(entries)', () => {
  it('writes ustar headers, 512-byte padding and two zero blocks at the end', () => {
    const tar = makeTar([{ path: 'etc/' }, { path: 'etc/a', content: 'x'.repeat(513) }]);
    expect(tar.length).toBe(512 + 512 + 1024 + 1024);
    expect(tar.subarray(-1024).every((b) => b === 0)).toBe(true);
    expect(readTar(tar)).toEqual([
      { name: 'etc/', type: '5', content: '' },
      { name: 'etc/a', type: '0', content: 'x'.repeat(513) },
    ]);
  });
  it('refuses a path longer than the 100-byte name field', () => {
    expect(() => makeTar([{ path: 'a'.repeat(101) }])).toThrow('tar field too long');
  });
});

describe('buildMultiPlatformImage() with the demo platforms', () => {
  let image: BuiltImage;
  beforeAll(async () => {
    image = await buildMultiPlatformImage();
  });

  it('is deterministic: a second build gives byte-identical blobs and index', async () => {
    const again = await buildMultiPlatformImage();
    expect(again.index.digest).toBe(image.index.digest);
    expect([...again.blobs.keys()]).toEqual([...image.blobs.keys()]);
    for (const [digest, bytes] of again.blobs) expect(bytes).toEqual(image.blobs.get(digest));
  });

  it('lists the 10 demo platforms first, then 10 attestation manifests', () => {
    const index = json(image.index.bytes);
    expect(index.schemaVersion).toBe(2);
    expect(index.mediaType).toBe(MEDIA_TYPES.oci.index);
    expect(index.manifests).toHaveLength(20);
    expect(index.manifests.slice(0, 10).map((m: Descriptor) => m.platform)).toEqual([
      { architecture: 'amd64', os: 'linux' },
      { architecture: 'arm64', os: 'linux', variant: 'v8' },
      { architecture: 'arm', os: 'linux', variant: 'v7' },
      { architecture: 'arm', os: 'linux', variant: 'v6' },
      { architecture: '386', os: 'linux' },
      { architecture: 'ppc64le', os: 'linux' },
      { architecture: 's390x', os: 'linux' },
      { architecture: 'riscv64', os: 'linux' },
      { architecture: 'amd64', os: 'windows', 'os.version': '10.0.17763.6659' },
      { architecture: 'amd64', os: 'windows', 'os.version': '10.0.20348.2966' },
    ]);
    for (const m of index.manifests.slice(10)) expect(m.platform).toEqual({ architecture: 'unknown', os: 'unknown' });
  });

  it('points each attestation entry at the image manifest it describes', () => {
    const entries: Descriptor[] = json(image.index.bytes).manifests;
    entries.slice(10).forEach((attestation, i) => {
      expect(attestation.annotations).toEqual({
        'vnd.docker.reference.digest': entries[i]?.digest,
        'vnd.docker.reference.type': 'attestation-manifest',
      });
      const manifest = json(image.blobs.get(attestation.digest));
      expect(manifest.config.mediaType).toBe(MEDIA_TYPES.oci.config);
      expect(manifest.layers).toHaveLength(1);
      expect(manifest.layers[0].mediaType).toBe(IN_TOTO_MEDIA_TYPE);
      const statement = json(image.blobs.get(manifest.layers[0].digest));
      expect(statement.subject[0].digest.sha256).toBe(entries[i]?.digest.slice('sha256:'.length));
    });
  });

  it('gives every descriptor the sha256 and exact byte length of its blob', async () => {
    const descriptors = [{ ...image.index }, ...reachableDescriptors(image)];
    expect(descriptors).toHaveLength(1 + 20 * 3);
    for (const d of descriptors) {
      const blob = image.blobs.get(d.digest);
      expect(blob, d.digest).toBeDefined();
      expect(await sha256Digest(blob!)).toBe(d.digest);
      expect(blob!.length).toBe(d.size);
    }
    // No orphans: 10 × (manifest, config, layer) + 10 × (manifest, config, in-toto) + the index.
    expect(new Set(descriptors.map((d) => d.digest)).size).toBe(image.blobs.size);
    expect(image.blobs.size).toBe(61);
  });

  it('records as diff_id the sha256 of the decompressed layer, which holds /etc/demo-platform', async () => {
    for (const [i, child] of image.children.entries()) {
      const platform = DEMO_PLATFORMS[i]!;
      const config = json(image.blobs.get(child.config.digest));
      expect(config).toMatchObject({ architecture: platform.architecture, os: platform.os, created: CREATED });
      expect(config.variant).toBe(platform.variant);
      expect(config['os.version']).toBe(platform.osVersion);
      expect(config.config.Cmd).toEqual(['cat', '/etc/demo-platform']);
      const tar = await gunzip(image.blobs.get(child.layer.digest)!);
      expect(config.rootfs).toEqual({ type: 'layers', diff_ids: [await sha256Digest(tar)] });
      expect(child.diffId).toBe(config.rootfs.diff_ids[0]);
      const files = readTar(tar);
      expect(files.map((f) => f.name)).toEqual(['etc/', 'etc/demo-platform', 'hello.txt']);
      expect(files[1]?.content).toBe(`${formatPlatform(platform)}\n`);
    }
  });

  it('produces the same uncompressed layer and config bytes as every other runtime', () => {
    // Pinned from Node 24; these do not depend on the gzip implementation, manifests do.
    const amd64 = image.children[0]!;
    expect(amd64.diffId).toBe('sha256:9ad78ff044b4100fda3a115c41d71bdda71223dca8e834098a50006461523f9e');
    expect(amd64.config).toEqual({
      mediaType: MEDIA_TYPES.oci.config,
      digest: 'sha256:c8369fbaa5e7876fb12634f99d54968da23359652e4f9b18ed7464b0cc2440ba',
      size: 465,
    });
  });
});

describe('buildMultiPlatformImage(options)', () => {
  it('uses Docker schema 2 media types with mediaTypes: "docker"', async () => {
    const image = await buildMultiPlatformImage({ mediaTypes: 'docker', attestations: false });
    const index = json(image.index.bytes);
    expect(image.index.mediaType).toBe(MEDIA_TYPES.docker.index);
    expect(index.mediaType).toBe(MEDIA_TYPES.docker.index);
    expect(index.manifests).toHaveLength(10);
    for (const entry of index.manifests) {
      const manifest = json(image.blobs.get(entry.digest));
      expect(entry.mediaType).toBe(MEDIA_TYPES.docker.manifest);
      expect(manifest.mediaType).toBe(MEDIA_TYPES.docker.manifest);
      expect(manifest.config.mediaType).toBe(MEDIA_TYPES.docker.config);
      expect(manifest.layers[0].mediaType).toBe(MEDIA_TYPES.docker.layer);
    }
  });

  it('builds only the given platforms, without attestations when asked', async () => {
    const platforms = ['linux/arm64/v8', 'windows/amd64:10.0.17763.6659'].map(parsePlatformSpec);
    const image = await buildMultiPlatformImage({ platforms, attestations: false });
    expect(json(image.index.bytes).manifests.map((m: Descriptor) => m.platform)).toEqual([
      { architecture: 'arm64', os: 'linux', variant: 'v8' },
      { architecture: 'amd64', os: 'windows', 'os.version': '10.0.17763.6659' },
    ]);
    expect(image.children.map((c) => c.attestation)).toEqual([undefined, undefined]);
    expect(image.blobs.size).toBe(2 * 3 + 1);
  });

  it('rejects an empty platform list', async () => {
    await expect(buildMultiPlatformImage({ platforms: [] })).rejects.toThrow('at least one platform');
  });
});

describe('layoutIndexJson(image, tag)', () => {
  it('names the image index with org.opencontainers.image.ref.name', async () => {
    const image = await buildMultiPlatformImage({ platforms: [parsePlatformSpec('linux/amd64')] });
    expect(json(layoutIndexJson(image, 'v1.2'))).toEqual({
      schemaVersion: 2,
      mediaType: MEDIA_TYPES.oci.index,
      manifests: [{
        mediaType: MEDIA_TYPES.oci.index,
        digest: image.index.digest,
        size: image.index.size,
        annotations: { 'org.opencontainers.image.ref.name': 'v1.2' },
      }],
    });
  });
  it('rejects a tag outside the distribution grammar, quoting it', async () => {
    const image = await buildMultiPlatformImage({ platforms: [parsePlatformSpec('linux/amd64')] });
    expect(() => layoutIndexJson(image, '-bad')).toThrow('invalid tag "-bad"');
  });
});
