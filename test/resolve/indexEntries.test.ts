import { describe, expect, it } from 'vitest';
import { indexEntries } from '../../src/resolve/resolveManifest';
import { demoImages } from '../helpers/demo';

describe('indexEntries(record)', () => {
  it('parses an index once per digest and hands out the same frozen entries', async () => {
    const { oci } = await demoImages();
    const record = { bytes: oci.index.bytes, digest: oci.index.digest, mediaType: oci.index.mediaType, storedAt: 0 };
    const first = indexEntries(record);
    expect(first).toHaveLength(20);
    expect(Object.isFrozen(first)).toBe(true);
    expect(indexEntries({ ...record, bytes: new Uint8Array(0) })).toBe(first); // not parsed again
  });

  it('is undefined for a manifest that is not an index', async () => {
    const { oci } = await demoImages();
    const child = oci.children[0]!.manifest;
    expect(indexEntries({ bytes: oci.blobs.get(child.digest)!, digest: child.digest, mediaType: child.mediaType, storedAt: 0 })).toBeUndefined();
  });
});
