/**
 * `tags/list` in pull-through mode (docs/architecture.md, "Keys and lifetimes"): the origin's list,
 * sorted, cached in KV for 60 s, answered stale while the origin fails.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { buildMultiPlatformImage, parsePlatformSpec, type BuiltImage } from '../../scripts/lib/ociLayout';
import { errorOf } from '../helpers/worker';
import { cacheApiWorks, edgeCost, pullThroughHarness, REGISTRY, type Harness } from '../store/pullThroughHarness';

let image: BuiltImage;
beforeAll(async () => {
  image = await buildMultiPlatformImage({ platforms: [parsePlatformSpec('linux/amd64')], attestations: false });
});

function harness(): Harness {
  const h = pullThroughHarness({ edgeCache: true });
  for (const tag of ['latest', '1.0', '2.0', '1.10']) h.origin.push(h.repository, tag, image);
  return h;
}

describe('GET /v2/<name>/tags/list through an origin', () => {
  it("answers the origin's tags, sorted, then from memory and the Cache API for 60 s, never KV", async () => {
    const h = harness();
    const first = await h.call(`GET /v2/${h.name}/tags/list`);
    expect(first.status).toBe(200);
    expect(await first.json()).toEqual({ name: h.name, tags: ['1.0', '1.10', '2.0', 'latest'] });
    expect(first.headers.get('X-Cache-Status')).toBe('miss');
    expect(first.headers.get('X-Edge-Cost')).toBe(edgeCost({ upstream: 1 }));

    h.advance(59);
    const second = await h.call(`GET /v2/${h.name}/tags/list`);
    expect(await second.json()).toEqual({ name: h.name, tags: ['1.0', '1.10', '2.0', 'latest'] });
    expect(second.headers.get('X-Cache-Status')).toBe('hit');
    expect(second.headers.get('Age')).toBe('59');
    expect(second.headers.get('X-Edge-Cost')).toBe(edgeCost({}));
    const other = await h.otherIsolate().call(`GET /v2/${h.name}/tags/list`);
    expect(other.headers.get('X-Cache-Status')).toBe('hit');
    expect(other.headers.get('X-Edge-Cost')).toBe(edgeCost({ cacheHits: (await cacheApiWorks()) ? 1 : 0, upstream: (await cacheApiWorks()) ? 0 : 1 }));
    expect(h.origin.calls).toEqual([`TAGS ${h.repository}`]);

    h.advance(1);
    expect((await h.call(`GET /v2/${h.name}/tags/list`)).headers.get('X-Cache-Status')).toBe('miss');
    expect(h.origin.calls).toEqual([`TAGS ${h.repository}`, `TAGS ${h.repository}`]);
  });

  it('pages the list with n and last', async () => {
    const h = harness();
    const page = await h.call(`GET /v2/${h.name}/tags/list?n=2&last=1.0`);
    expect(await page.json()).toEqual({ name: h.name, tags: ['1.10', '2.0'] });
    expect(page.headers.get('Link')).toBe(`</v2/${h.name}/tags/list?n=2&last=2.0>; rel="next"`);
  });

  it("keeps containerd's ns in the next page's link, so the next page lists the same repository", async () => {
    const h = harness();
    const page = await h.call(`GET /v2/${h.repository}/tags/list?ns=${REGISTRY}&n=1`);
    expect(await page.json()).toEqual({ name: h.repository, tags: ['1.0'] });
    const link = page.headers.get('Link');
    expect(link).toBe(`</v2/${h.repository}/tags/list?ns=${encodeURIComponent(REGISTRY)}&n=1&last=1.0>; rel="next"`);
    const next = await h.call(`GET ${/^<([^>]+)>/.exec(link!)![1]}`);
    expect(await next.json()).toEqual({ name: h.repository, tags: ['1.10'] });
  });

  it('answers NAME_UNKNOWN when the origin has no such repository', async () => {
    const h = pullThroughHarness({ edgeCache: true });
    const response = await h.call(`GET /v2/${h.name}/tags/list`);
    expect(response.status).toBe(404);
    expect(await errorOf(response)).toEqual({ code: 'NAME_UNKNOWN', message: `repository name not known: ${h.name}`, detail: null });
  });

  it('answers a list older than 60 s, marked stale, while the origin is down; nothing cached → 503', async () => {
    const h = harness();
    await h.call(`GET /v2/${h.name}/tags/list`);
    h.origin.fault = 'unavailable';
    h.advance(120);
    const stale = await h.call(`GET /v2/${h.name}/tags/list`);
    expect(stale.status).toBe(200);
    expect(stale.headers.get('X-Cache-Status')).toBe('stale');
    expect(stale.headers.get('Warning')).toBe('110 - "Response is Stale", 111 - "Revalidation Failed"');
    expect(((await stale.json()) as { tags: string[] }).tags).toHaveLength(4);

    const cold = pullThroughHarness({ edgeCache: true, origin: h.origin });
    const response = await cold.call(`GET /v2/${cold.name}/tags/list`);
    expect(response.status).toBe(503);
    expect((await errorOf(response)).message).toBe(`the tags of ${cold.name} are not cached: upstream ${REGISTRY} failed with 503`);
  });
});
