/**
 * The admin endpoints of pull-through mode: `POST /admin/refresh/<name>:<tag>` asks the origin
 * now; `GET /admin/metrics` gives the isolate's running totals. Both need the admin token.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { buildMultiPlatformImage, parsePlatformSpec, type BuiltImage } from '../../scripts/lib/ociLayout';
import { errorOf, TEST_VARS } from '../helpers/worker';
import { ACCEPT_ALL, pullThroughHarness, REGISTRY, T0, type Harness } from '../store/pullThroughHarness';

const auth = { Authorization: `Bearer ${TEST_VARS.ADMIN_TOKEN}` };

let v1: BuiltImage;
let v2: BuiltImage;
beforeAll(async () => {
  const platforms = ['linux/amd64', 'linux/arm64/v8'].map(parsePlatformSpec);
  v1 = await buildMultiPlatformImage({ platforms });
  v2 = await buildMultiPlatformImage({ platforms: platforms.slice(0, 1) });
});

function harness(edgeCache = false): Harness {
  const h = pullThroughHarness({ edgeCache });
  h.origin.push(h.repository, '1.0', v1);
  return h;
}

describe('POST /admin/refresh/<name>:<tag>', () => {
  it('needs the admin token', async () => {
    const h = harness();
    const response = await h.call(`POST /admin/refresh/${h.name}:1.0`);
    expect(response.status).toBe(401);
    expect(h.origin.calls).toEqual([]);
  });

  it('fetches a tag not yet cached, then reports a moved tag, then an unchanged one', async () => {
    const h = harness();
    const filled = await h.call(`POST /admin/refresh/${h.name}:1.0`, { headers: auth });
    expect(filled.status).toBe(200);
    expect(await filled.json()).toEqual({
      image: h.name,
      tag: '1.0',
      digest: v1.index.digest,
      mediaType: v1.index.mediaType,
      previousDigest: null,
      changed: true,
      state: 'miss',
      storedAt: new Date(T0).toISOString(),
    });

    h.origin.push(h.repository, '1.0', v2);
    h.advance(5);
    const moved = await h.call(`POST /admin/refresh/${h.name}:1.0`, { headers: auth });
    expect(await moved.json()).toMatchObject({ digest: v2.index.digest, previousDigest: v1.index.digest, changed: true, state: 'miss' });
    expect((await h.call(`GET /v2/${h.name}/manifests/1.0`, { headers: { Accept: ACCEPT_ALL } })).headers.get('Docker-Content-Digest')).toBe(
      v2.index.digest,
    );

    h.advance(5);
    const same = await h.call(`POST /admin/refresh/${h.name}:1.0`, { headers: auth });
    expect(await same.json()).toMatchObject({ digest: v2.index.digest, previousDigest: v2.index.digest, changed: false, state: 'revalidated' });
    expect(h.origin.calls.filter((c) => !c.includes('@'))).toEqual([
      `GET ${h.repository}:1.0`,
      `HEAD ${h.repository}:1.0`,
      `GET ${h.repository}:1.0`,
      `HEAD ${h.repository}:1.0`,
    ]);
  });

  it('forgets a cached 404, so a tag pushed since is found at once', async () => {
    const h = harness();
    expect((await h.call(`GET /v2/${h.name}/manifests/2.0`)).status).toBe(404);
    h.origin.push(h.repository, '2.0', v2);
    expect((await h.call(`GET /v2/${h.name}/manifests/2.0`)).status).toBe(404); // still within NEGATIVE_TTL
    expect((await h.call(`POST /admin/refresh/${h.name}:2.0`, { headers: auth })).status).toBe(200);
    const found = await h.call(`GET /v2/${h.name}/manifests/2.0`, { headers: { Accept: ACCEPT_ALL } });
    expect(found.status).toBe(200);
    expect(found.headers.get('X-Cache-Status')).toBe('hit');
  });

  it.each([
    ['the origin does not have the tag', (h: Harness) => `/admin/refresh/${h.name}:9.9`, 404, 'MANIFEST_UNKNOWN'],
    ['the registry has no origin', () => '/admin/refresh/demo/app:1.0', 404, 'NOT_FOUND'],
    ['a digest is given', (h: Harness) => `/admin/refresh/${h.name}@sha256:${'a'.repeat(64)}`, 400, 'TAG_INVALID'],
  ])('answers an error when %s', async (_, path, status, code) => {
    const h = harness();
    const response = await h.call(`POST ${path(h)}`, { headers: auth });
    expect(response.status).toBe(status);
    expect((await errorOf(response)).code).toBe(code);
  });

  it('answers 503 when the origin is down', async () => {
    const h = harness();
    h.origin.fault = 'unavailable';
    const response = await h.call(`POST /admin/refresh/${h.name}:1.0`, { headers: auth });
    expect(response.status).toBe(503);
    expect((await errorOf(response)).message).toBe(`refreshing ${h.name}:1.0 failed: upstream ${REGISTRY} failed with 503`);
  });
});

describe('GET /admin/metrics', () => {
  it('needs the admin token', async () => {
    expect((await harness().call('GET /admin/metrics')).status).toBe(401);
  });

  it("totals the isolate's requests, background work included", async () => {
    const h = harness();
    await h.call(`GET /v2/${h.name}/manifests/1.0`, { headers: { Accept: ACCEPT_ALL } }); // fill, prefetch 2 children
    h.advance(1);
    await h.call(`GET /v2/${h.name}/manifests/1.0`, { headers: { Accept: ACCEPT_ALL } }); // hit
    h.advance(1);
    const response = await h.call('GET /admin/metrics', { headers: auth });
    expect(response.status).toBe(200);
    expect(response.headers.get('Cache-Control')).toBe('no-store');
    expect(await response.json()).toEqual({
      isolate: { startedAt: new Date(T0).toISOString() },
      requests: 3,
      // fill: the tag; each child by digest (negative entries are memory and the Cache API, not KV).
      kvReads: 1 + 2,
      // fill: tag + index by digest; each child by digest.
      kvWrites: 2 + 2,
      cacheHits: 0,
      // the hit: the tag, from this isolate's memory.
      memoryHits: 1,
      upstreamRequests: 3,
      tokenRequests: 0,
      manifestGets: 3,
      manifestHeads: 0,
      tagReads: { hit: 1, stale: 0, revalidated: 0, miss: 1 },
    });
  });
});

describe('PUT and DELETE /admin/tags/ of a pull-through registry', () => {
  const digestOf = async (h: Harness) => (await h.call(`GET /v2/${h.name}/manifests/1.0`, { headers: { Accept: ACCEPT_ALL } })).headers.get('Docker-Content-Digest');
  const put = (h: Harness, image: BuiltImage) =>
    h.call(`PUT /admin/tags/${h.name}:1.0`, { headers: { ...auth, 'Content-Type': image.index.mediaType }, body: image.index.bytes });

  it.each([
    ['while the tag is in isolate memory', 0],
    ['while the tag is in the Cache API only', 3],
  ])('a tag put %s is served at once in this data centre', async (_, seconds) => {
    const h = harness(true);
    expect(await digestOf(h)).toBe(v1.index.digest);
    h.advance(seconds);
    expect(await digestOf(h)).toBe(v1.index.digest);
    expect((await put(h, v2)).status).toBe(201);
    expect(await digestOf(h)).toBe(v2.index.digest);
  });

  it('a tag deleted is not served from isolate memory or the Cache API: the origin is asked again', async () => {
    const h = harness(true);
    expect(await digestOf(h)).toBe(v1.index.digest);
    h.origin.push(h.repository, '1.0', v2);
    expect((await h.call(`DELETE /admin/tags/${h.name}:1.0`, { headers: auth })).status).toBe(200);
    expect(await digestOf(h)).toBe(v2.index.digest);
  });
});
