/**
 * verifyManifest: hashed once, checked against every stated digest, parsed once, and only what
 * is read later kept — with a weight that bounds what memory holds for it.
 */
import { describe, expect, it } from 'vitest';
import { sha256Digest } from '../../src/oci/digest';
import { RegistryError } from '../../src/oci/RegistryError';
import { verifyManifest } from '../../src/oci/VerifiedManifest';

const encode = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));
const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const d = (c: string) => `sha256:${c.repeat(64)}`;

const index = encode({
  schemaVersion: 2,
  mediaType: OCI_INDEX,
  manifests: [
    { mediaType: OCI_MANIFEST, digest: d('a'), size: 10, platform: { os: 'linux', architecture: 'amd64', unknown: 'x' }, extra: 'dropped' },
    { mediaType: OCI_MANIFEST, digest: d('b'), size: 20, annotations: { 'vnd.docker.reference.type': 'attestation-manifest' } },
  ],
  huge: 'y'.repeat(10_000),
});

describe('verifyManifest(bytes, options)', () => {
  it("names the bytes by their sha256 and keeps an index's entries, without unknown fields", async () => {
    const verified = await verifyManifest(index);
    expect(verified.digest).toBe(await sha256Digest(index));
    expect(verified.mediaType).toBe(OCI_INDEX);
    expect(verified.bytes).toBe(index);
    expect(verified.entries).toEqual([
      { mediaType: OCI_MANIFEST, digest: d('a'), size: 10, platform: { os: 'linux', architecture: 'amd64' } },
      { mediaType: OCI_MANIFEST, digest: d('b'), size: 20, annotations: { 'vnd.docker.reference.type': 'attestation-manifest' } },
    ]);
    expect(Object.isFrozen(verified.entries)).toBe(true);
    expect(verified.image).toBeUndefined();
  });

  it("keeps an image manifest's compressed size and layer count", async () => {
    const manifest = encode({
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: d('c'), size: 100 },
      layers: [
        { mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: d('e'), size: 1000 },
        { mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: d('f'), size: 2345 },
      ],
    });
    const verified = await verifyManifest(manifest);
    expect(verified.image).toEqual({ size: 3445, layers: 2 });
    expect(verified.entries).toBeUndefined();
  });

  it('weighs at least its bytes, and more for each entry kept', async () => {
    const verified = await verifyManifest(index);
    expect(verified.weight).toBeGreaterThan(index.byteLength + 2 * 256);
    expect(verified.weight).toBeLessThan(2 * index.byteLength);
  });

  it('refuses bytes that do not have the digest asked for, or the one stated, naming both', async () => {
    for (const options of [{ digest: d('1') }, { stated: d('2') }]) {
      const error = await verifyManifest(index, options).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(RegistryError);
      expect((error as RegistryError).code).toBe('DIGEST_INVALID');
      expect((error as RegistryError).detail).toEqual({ expected: options.digest ?? options.stated, actual: await sha256Digest(index) });
    }
  });

  it('checks a sha512 digest and is then known by it', async () => {
    const hex = [...new Uint8Array(await crypto.subtle.digest('SHA-512', index))].map((b) => b.toString(16).padStart(2, '0')).join('');
    const verified = await verifyManifest(index, { digest: `sha512:${hex}`, stated: await sha256Digest(index) });
    expect(verified.digest).toBe(`sha512:${hex}`);
  });

  it('refuses what is not a manifest with MANIFEST_INVALID', async () => {
    await expect(verifyManifest(encode({ schemaVersion: 2 }))).rejects.toMatchObject({ code: 'MANIFEST_INVALID' });
    await expect(verifyManifest(new TextEncoder().encode('not json'))).rejects.toMatchObject({ code: 'MANIFEST_INVALID' });
  });
});
