/**
 * One behaviour suite, run against the in-memory fake and the real KV binding of workerd.
 */
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { RegistryError } from '../../src/oci/RegistryError';
import { sha256Digest } from '../../src/oci/digest';
import type { BinaryKV } from '../../src/store/BinaryKV';
import { edgeManifestUrl, edgeTagUrl, manifestKey, missingKey, tagKey, tagListKey } from '../../src/store/keys';
import { ManifestStore } from '../../src/store/ManifestStore';
import { MemoryKV } from '../../src/store/MemoryKV';

const image = { registry: 'docker.io', repository: 'library/golang' };
const bytes = new TextEncoder().encode('{"schemaVersion":2,"manifests":[]}');
const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';

const implementations: [string, () => BinaryKV][] = [
  ['MemoryKV', () => new MemoryKV()],
  ['the KV binding', () => env.MANIFESTS],
];

describe.each(implementations)('ManifestStore over %s', (_, makeKV) => {
  it('keys are versioned and documented in one module', () => {
    expect(tagKey(image, '1.23')).toBe('v1:tag:docker.io/library/golang:1.23');
    expect(manifestKey(image, 'sha256:ab')).toBe('v1:manifest:docker.io/library/golang@sha256:ab');
    expect(missingKey(image, '1.23')).toBe('v1:missing:docker.io/library/golang:1.23');
    expect(missingKey(image, 'sha256:ab')).toBe('v1:missing:docker.io/library/golang@sha256:ab');
    expect(tagListKey(image)).toBe('v1:taglist:docker.io/library/golang');
    expect(edgeTagUrl(image, '1.23')).toBe('https://manifest-cache.internal/v1/tag/docker.io/library/golang:1.23');
    expect(edgeManifestUrl(image, 'sha256:ab')).toBe('https://manifest-cache.internal/v1/manifest/docker.io/library/golang@sha256:ab');
  });

  it('stores a tag with its metadata and the same bytes by digest', async () => {
    const store = new ManifestStore(makeKV(), () => 1_700_000_000_000);
    const digest = await sha256Digest(bytes);
    const record = await store.putTag(image, '1.23', bytes, OCI_INDEX);
    expect(record.digest).toBe(digest);
    const tag = await store.getTag(image, '1.23');
    expect(tag).toEqual({ bytes, digest, mediaType: OCI_INDEX, storedAt: 1_700_000_000_000 });
    expect(await store.getManifest(image, digest)).toEqual(tag);
  });

  it('refuses a tag whose bytes do not match the stated digest, and writes nothing', async () => {
    const kv = makeKV();
    const store = new ManifestStore(kv);
    const wrong = `sha256:${'1'.repeat(64)}`;
    await expect(store.putTag(image, 'bad', bytes, OCI_INDEX, wrong)).rejects.toMatchObject({ code: 'DIGEST_INVALID' });
    expect(await store.getTag(image, 'bad')).toBeNull();
    expect(await store.getManifest(image, wrong)).toBeNull();
  });

  it('refuses a manifest whose bytes do not hash to its key', async () => {
    const store = new ManifestStore(makeKV());
    const wrong = `sha256:${'2'.repeat(64)}`;
    const error = await store.putManifest(image, wrong, bytes, OCI_INDEX).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RegistryError);
    expect((error as RegistryError).detail).toEqual({ expected: wrong, actual: await sha256Digest(bytes) });
    expect(await store.getManifest(image, wrong)).toBeNull();
  });

  it('verifies sha512 digests too', async () => {
    const store = new ManifestStore(makeKV());
    const hex = [...new Uint8Array(await crypto.subtle.digest('SHA-512', bytes))].map((b) => b.toString(16).padStart(2, '0')).join('');
    await store.putManifest(image, `sha512:${hex}`, bytes, OCI_INDEX);
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

  it('re-stamps a tag with the same bytes and a new storedAt, one write, the by-digest copy untouched', async () => {
    let now = 1_700_000_000_000;
    const store = new ManifestStore(makeKV(), () => now);
    const record = await store.putTag({ ...image, repository: 'library/restamp' }, 'x', bytes, OCI_INDEX);
    now += 301_000;
    const restamped = await store.restampTag({ ...image, repository: 'library/restamp' }, 'x', record);
    expect(restamped).toEqual({ ...record, storedAt: 1_700_000_301_000 });
    expect(await store.getTag({ ...image, repository: 'library/restamp' }, 'x')).toEqual(restamped);
    expect((await store.getManifest({ ...image, repository: 'library/restamp' }, record.digest))?.storedAt).toBe(1_700_000_000_000);
  });

  it('lists and deletes tags', async () => {
    const store = new ManifestStore(makeKV());
    for (const tag of ['b', 'a', 'c']) await store.putTag({ ...image, repository: 'library/list' }, tag, bytes, OCI_INDEX);
    expect(await store.listTags({ ...image, repository: 'library/list' })).toEqual(['a', 'b', 'c']);
    expect(await store.deleteTag({ ...image, repository: 'library/list' }, 'b')).toBe(true);
    expect(await store.deleteTag({ ...image, repository: 'library/list' }, 'b')).toBe(false);
    expect(await store.listTags({ ...image, repository: 'library/list' })).toEqual(['a', 'c']);
  });
});
