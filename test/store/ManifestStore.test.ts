/**
 * The KV tier: one behaviour suite, run against the in-memory fake and the real KV binding of workerd.
 */
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { sha256Digest } from '../../src/oci/digest';
import { verifyManifest } from '../../src/oci/VerifiedManifest';
import type { BinaryKV } from '../../src/store/BinaryKV';
import { edgeManifestUrl, edgeMissingUrl, edgeTagListUrl, edgeTagUrl, manifestKey, tagKey } from '../../src/store/keys';
import { ManifestStore } from '../../src/store/ManifestStore';
import { MemoryKV } from '../../src/store/MemoryKV';

const image = { registry: 'docker.io', repository: 'library/golang' };
const bytes = new TextEncoder().encode('{"schemaVersion":2,"manifests":[]}');
const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';

const implementations: [string, () => BinaryKV][] = [
  ['MemoryKV', () => new MemoryKV()],
  ['the KV binding', () => env.MANIFESTS],
];

describe('keys', () => {
  it('are versioned and documented in one module', () => {
    expect(tagKey(image, '1.23')).toBe('v1:tag:docker.io/library/golang:1.23');
    expect(manifestKey(image, 'sha256:ab')).toBe('v1:manifest:docker.io/library/golang@sha256:ab');
    expect(edgeTagUrl(image, '1.23')).toBe('https://manifest-cache.internal/v2/tag/docker.io/library/golang:1.23');
    expect(edgeManifestUrl(image, 'sha256:ab')).toBe('https://manifest-cache.internal/v2/manifest/docker.io/library/golang@sha256:ab');
    expect(edgeMissingUrl(image, '1.23')).toBe('https://manifest-cache.internal/v2/missing/docker.io/library/golang:1.23');
    expect(edgeMissingUrl(image, 'sha256:ab')).toBe('https://manifest-cache.internal/v2/missing/docker.io/library/golang@sha256:ab');
    expect(edgeTagListUrl(image)).toBe('https://manifest-cache.internal/v2/taglist/docker.io/library/golang');
  });
});

describe.each(implementations)('ManifestStore over %s', (_, makeKV) => {
  it('stores a tag with its metadata and the same bytes by digest, two writes', async () => {
    const store = new ManifestStore(makeKV(), () => 1_700_000_000_000);
    const digest = await sha256Digest(bytes);
    const storedAt = await store.putTag(image, '1.23', await verifyManifest(bytes, { contentType: OCI_INDEX }));
    expect(storedAt).toBe(1_700_000_000_000);
    const tag = await store.getTag(image, '1.23');
    expect(tag).toEqual({ bytes, digest, mediaType: OCI_INDEX, storedAt: 1_700_000_000_000 });
    expect(await store.getManifest(image, digest)).toEqual(tag);
  });

  it('stores a manifest under the sha512 digest it was verified against', async () => {
    const store = new ManifestStore(makeKV());
    const hex = [...new Uint8Array(await crypto.subtle.digest('SHA-512', bytes))].map((b) => b.toString(16).padStart(2, '0')).join('');
    await store.putManifest(image, await verifyManifest(bytes, { digest: `sha512:${hex}` }));
    expect((await store.getManifest(image, `sha512:${hex}`))?.bytes).toEqual(bytes);
  });

  it('ignores a value whose metadata is missing or names another digest', async () => {
    const kv = makeKV();
    const store = new ManifestStore(kv);
    const digest = await sha256Digest(bytes);
    await kv.put(manifestKey(image, digest), bytes);
    expect(await store.getManifest(image, digest)).toBeNull();
    await kv.put(manifestKey(image, digest), bytes, { metadata: { digest: 'sha256:other', mediaType: OCI_INDEX, storedAt: 1 } });
    expect(await store.getManifest(image, digest)).toBeNull();
  });

  it('lists and deletes tags', async () => {
    const store = new ManifestStore(makeKV());
    const manifest = await verifyManifest(bytes);
    for (const tag of ['b', 'a', 'c']) await store.putTag({ ...image, repository: 'library/list' }, tag, manifest);
    expect(await store.listTags({ ...image, repository: 'library/list' })).toEqual(['a', 'b', 'c']);
    expect(await store.deleteTag({ ...image, repository: 'library/list' }, 'b')).toBe(true);
    expect(await store.deleteTag({ ...image, repository: 'library/list' }, 'b')).toBe(false);
    expect(await store.listTags({ ...image, repository: 'library/list' })).toEqual(['a', 'c']);
  });
});
