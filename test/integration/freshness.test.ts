/**
 * Freshness against a real origin (docs/architecture.md, "A tag's source and its freshness"; real
 * components, in CI):
 *
 * - N pulls of a hot tag within TAG_TTL cause at most one upstream manifest GET — counted in
 *   the registry's own access log, in `X-Edge-Cost` and in `GET /admin/metrics`;
 * - the origin stopped mid-test: cached tags are served marked stale, an uncached tag is a clear
 *   503; restarted with the tag re-pushed (another platform set), the next refresh after
 *   TAG_TTL picks up the new digest, and an unchanged tag is revalidated with a HEAD alone.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { WorkerServer } from '../../scripts/lib/miniflareWorker';
import { buildMultiPlatformImage, parsePlatformSpec } from '../../scripts/lib/ociLayout';
import { pushImage } from '../../scripts/lib/registryPush';
import type { RegistryServer } from '../../scripts/lib/registryServer';
import { ACCEPT_ALL, edgeCost, ociError, sha256 } from './helpers/http';
import { buildImages, REPOSITORY, startOrigin, type OriginImages } from './helpers/origin';

const ADMIN_TOKEN = 'integration-admin-token';
const HOT_PULLS = 20;
/** Children of the 10-platform index the worker prefetches after a miss: 8 at most (attestations are not; src/store/ImageStore.ts PREFETCH_MAX). */
const PREFETCHED_CHILDREN = 8;

const tagPath = (tag: string) => `/v2/origin.test/${REPOSITORY}/manifests/${tag}`;
const TAG_GET = (tag: string) => ({ method: 'GET', path: new RegExp(`^/v2/${REPOSITORY}/manifests/${tag.replaceAll('.', '\\.')}$`) });
const TAG_HEAD = (tag: string) => ({ ...TAG_GET(tag), method: 'HEAD' });
const MANIFEST_REQUESTS = { path: new RegExp(`^/v2/${REPOSITORY}/manifests/`) };
const CHILD_GETS = { method: 'GET', path: new RegExp(`^/v2/${REPOSITORY}/manifests/sha256:`) };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let images: OriginImages;

beforeAll(async () => {
  images = await buildImages();
});

describe(`${HOT_PULLS} pulls of a hot tag within TAG_TTL`, () => {
  let registry: RegistryServer;
  let worker: WorkerServer;
  beforeAll(async () => {
    registry = await startOrigin(images);
    worker = await WorkerServer.start({
      bundle: inject('workerBundle'),
      vars: { UPSTREAMS: `origin.test=${registry.url}`, TAG_TTL: '300', ADMIN_TOKEN },
    });
  });
  afterAll(async () => {
    await worker?.stop();
    await registry?.dispose();
  });

  const metrics = async () => {
    const response = await worker.fetch('/admin/metrics', { headers: { Authorization: `Bearer ${ADMIN_TOKEN}` } });
    expect(response.status).toBe(200);
    return (await response.json()) as { manifestGets: number; manifestHeads: number; upstreamRequests: number; tagReads: Record<string, number>; memoryHits: number };
  };

  it('cost one upstream manifest GET in all: the first, a miss', async () => {
    const since = registry.accessLog.length;
    const first = await worker.fetch(tagPath('1.0'), { headers: { Accept: ACCEPT_ALL } });
    expect(first.status).toBe(200);
    expect(first.headers.get('X-Cache-Status')).toBe('miss');
    expect(first.headers.get('Docker-Content-Digest')).toBe(images.oci.index.digest);
    expect(edgeCost(first)).toMatchObject({ upstream: 1, tokens: 0 });
    // The children are prefetched after the response; let that settle before counting.
    expect(await registry.waitForRequests(CHILD_GETS, PREFETCHED_CHILDREN, since)).toBe(PREFETCHED_CHILDREN);
    const before = await metrics();
    const hotSince = registry.accessLog.length;

    const costs: Record<string, number>[] = [];
    for (let i = 0; i < HOT_PULLS; i++) {
      const response = await worker.fetch(tagPath('1.0'), { headers: { Accept: ACCEPT_ALL } });
      expect(response.status).toBe(200);
      expect(response.headers.get('X-Cache-Status')).toBe('hit');
      expect(sha256(await response.arrayBuffer())).toBe(images.oci.index.digest);
      costs.push(edgeCost(response));
    }

    await registry.flushAccessLog();
    expect(registry.count(TAG_GET('1.0'), since)).toBe(1);
    expect(registry.count(TAG_HEAD('1.0'), since)).toBe(0);
    expect(registry.count(MANIFEST_REQUESTS, hotSince)).toBe(0);
    // From the tag in isolate memory: nothing read.
    const hot = { 'kv-reads': 0, 'kv-writes': 0, 'cache-hits': 0, upstream: 0, tokens: 0 };
    for (const cost of costs) expect(cost).toEqual(hot);
    const after = await metrics();
    expect(after.memoryHits - before.memoryHits).toBe(HOT_PULLS);
    expect(after.manifestGets - before.manifestGets).toBe(0);
    expect(after.manifestHeads - before.manifestHeads).toBe(0);
    expect(after.upstreamRequests - before.upstreamRequests).toBe(0);
    expect(after.tagReads.hit! - before.tagReads.hit!).toBe(HOT_PULLS);
    console.log(
      `hot tag: ${HOT_PULLS} pulls → ${registry.count(MANIFEST_REQUESTS, hotSince)} upstream manifest requests; ` +
        `first pull X-Edge-Cost ${first.headers.get('X-Edge-Cost')}; hot pull X-Edge-Cost ${JSON.stringify(costs.at(-1))}; ` +
        `totals ${JSON.stringify(after)}`,
    );
  });

  it('serves platform requests for the hot tag from the prefetched children: no upstream request', async () => {
    const since = registry.accessLog.length;
    const arm64 = images.oci.children[1]!;
    const response = await worker.fetch(`${tagPath('1.0')}?platform=linux/arm64`, { headers: { Accept: ACCEPT_ALL } });
    expect(response.headers.get('Docker-Content-Digest')).toBe(arm64.manifest.digest);
    expect(edgeCost(response)).toMatchObject({ upstream: 0 });
    await registry.flushAccessLog();
    expect(registry.count(MANIFEST_REQUESTS, since)).toBe(0);
  });
});

describe('the origin stopped, restarted and the tag re-pushed (TAG_TTL=1)', () => {
  let registry: RegistryServer;
  let worker: WorkerServer;
  const repushed = () => buildMultiPlatformImage({ repository: REPOSITORY, platforms: ['linux/amd64', 'linux/arm64/v8'].map(parsePlatformSpec) });
  beforeAll(async () => {
    registry = await startOrigin(images);
    worker = await WorkerServer.start({
      bundle: inject('workerBundle'),
      vars: { UPSTREAMS: `origin.test=${registry.url}`, TAG_TTL: '1', STALE_TTL: '3600' },
    });
  });
  afterAll(async () => {
    await worker?.stop();
    await registry?.dispose();
  });

  const get = (tag: string) => worker.fetch(tagPath(tag), { headers: { Accept: ACCEPT_ALL } });

  it('caches both tags while the origin is up', async () => {
    const since = registry.accessLog.length;
    for (const [tag, image] of [['1.0', images.oci], ['1.0-docker', images.docker]] as const) {
      const response = await get(tag);
      expect([response.status, response.headers.get('X-Cache-Status')]).toEqual([200, 'miss']);
      expect(response.headers.get('Docker-Content-Digest')).toBe(image.index.digest);
    }
    await registry.waitForRequests(CHILD_GETS, 2 * PREFETCHED_CHILDREN, since);
  });

  it('serves cached tags marked stale once the origin is down', async () => {
    await registry.stop();
    await sleep(1100);
    const first = await get('1.0');
    expect(first.status).toBe(200);
    expect(first.headers.get('X-Cache-Status')).toBe('stale');
    expect(first.headers.get('Docker-Content-Digest')).toBe(images.oci.index.digest);
    expect(sha256(await first.arrayBuffer())).toBe(images.oci.index.digest);
    expect(first.headers.get('Warning')).toBe('110 - "Response is Stale"');
    // The background revalidation that response started failed: the next one says so.
    await sleep(300);
    const second = await get('1.0');
    expect([second.status, second.headers.get('X-Cache-Status')]).toEqual([200, 'stale']);
    expect(second.headers.get('Warning')).toBe('110 - "Response is Stale", 111 - "Revalidation Failed"');
    const docker = await get('1.0-docker');
    expect([docker.status, docker.headers.get('X-Cache-Status'), docker.headers.get('Docker-Content-Digest')]).toEqual([
      200,
      'stale',
      images.docker.index.digest,
    ]);
  });

  it('answers an uncached tag with 503 UNAVAILABLE saying the origin is unreachable', async () => {
    const response = await get('2.0');
    expect(response.status).toBe(503);
    const error = await ociError(response);
    expect(error).toEqual({
      code: 'UNAVAILABLE',
      message: `origin.test/${REPOSITORY}:2.0 is not cached: upstream origin.test unreachable: Network connection lost.`,
      detail: null,
    });
    const resolved = await worker.fetch(`/resolve/origin.test/${REPOSITORY}:2.0?platform=linux/arm64`);
    expect(resolved.status).toBe(503);
    expect((await ociError(resolved)).code).toBe('UNAVAILABLE');
  });

  it('picks up the re-pushed tag on the next refresh after the restart; the unchanged tag costs a HEAD only', async () => {
    await registry.restart();
    const next = await repushed();
    expect(next.index.digest).not.toBe(images.oci.index.digest);
    await pushImage(next, { registry: registry.host, repository: REPOSITORY, tag: '1.0' });
    const since = registry.accessLog.length;
    await sleep(1100);

    const stale = await get('1.0');
    expect([stale.headers.get('X-Cache-Status'), stale.headers.get('Docker-Content-Digest')]).toEqual(['stale', images.oci.index.digest]);
    // Its background refresh: HEAD (a new digest), then GET.
    await registry.waitForRequests(TAG_GET('1.0'), 1, since);
    await sleep(100);
    const fresh = await get('1.0');
    expect(fresh.status).toBe(200);
    expect(fresh.headers.get('X-Cache-Status')).toBe('hit');
    expect(fresh.headers.get('Docker-Content-Digest')).toBe(next.index.digest);
    expect(sha256(await fresh.arrayBuffer())).toBe(next.index.digest);

    const unchanged = await get('1.0-docker');
    expect([unchanged.headers.get('X-Cache-Status'), unchanged.headers.get('Docker-Content-Digest')]).toEqual(['stale', images.docker.index.digest]);
    await registry.waitForRequests(TAG_HEAD('1.0-docker'), 1, since);
    await sleep(100);
    const revalidated = await get('1.0-docker');
    expect([revalidated.headers.get('X-Cache-Status'), revalidated.headers.get('Docker-Content-Digest')]).toEqual(['hit', images.docker.index.digest]);

    await registry.flushAccessLog();
    expect(registry.count(TAG_HEAD('1.0'), since)).toBe(1);
    expect(registry.count(TAG_GET('1.0'), since)).toBe(1);
    expect(registry.count(TAG_HEAD('1.0-docker'), since)).toBe(1);
    expect(registry.count(TAG_GET('1.0-docker'), since)).toBe(0);
  });
});
