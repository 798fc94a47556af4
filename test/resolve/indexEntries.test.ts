import { describe, expect, it } from 'vitest';
import { indexEntries } from '../../src/resolve/resolveManifest';
import type { Served } from '../../src/store/ImageStore';
import { demoImages, verified } from '../helpers/demo';

const served = async (bytes: Uint8Array, mediaType: string): Promise<Served> => ({
  manifest: await verified(bytes, mediaType),
  storedAt: 0,
  cache: { state: 'hit', ageSeconds: 0 },
});

describe('indexEntries(served)', () => {
  it('gives the frozen entries parsed once when the index was verified', async () => {
    const { oci } = await demoImages();
    const index = await served(oci.index.bytes, oci.index.mediaType);
    const first = indexEntries(index);
    expect(first).toHaveLength(20);
    expect(Object.isFrozen(first)).toBe(true);
    const json = JSON.parse(new TextDecoder().decode(oci.index.bytes)) as { manifests: { digest: string }[] };
    expect(first!.map((entry) => entry.digest)).toEqual(json.manifests.map((m) => m.digest));
    expect(indexEntries(index)).toBe(first); // not parsed again
  });

  it('is undefined for a manifest that is not an index', async () => {
    const { oci } = await demoImages();
    const child = oci.children[0]!.manifest;
    expect(indexEntries(await served(oci.blobs.get(child.digest)!, child.mediaType))).toBeUndefined();
  });
});
