/**
 * Bounded work for a wide index (failing first, for the storage redesign): a tag whose index
 * has 300 image-manifest children, none of which the origin has. Whatever a request asks for,
 * what it causes — its own work and everything it leaves running after the response
 * (prefetches, negative-cache entries, Cache API puts), which the harness waits for through
 * `ctx.waitUntil` — must stay bounded: at most MAX_ORIGIN_REQUESTS origin requests and
 * MAX_KV_WRITES KV writes per request, however many children the index lists.
 *
 * Counted from the FakeOrigin's `calls` (every origin request, by digest or tag) and the
 * isolate's running `totals` (every KV read/write and origin request of every request and its
 * background work), taken before and after each request.
 *
 * Today's code (measured on 8c9b7fa; the same with the Cache API on and off) fails every
 * cold bound, 8 of the 12 tests:
 * - `GET /v2/<name>/manifests/<tag>` (cold, no platform): 301 origin requests (the tag, then a
 *   background prefetch GET of each of the 300 children, 4 at a time), 302 KV writes (the tag,
 *   the index by digest, and a negative-cache `missing` entry per child the origin 404s), 602
 *   KV reads;
 * - `GET /image/<name>:<tag>` (cold): 301 origin requests, 302 KV writes, 902 KV reads (the page
 *   asks for every child's manifest to show its size, the fill's prefetch asks for the same
 *   ones, SingleFlight makes them share), and the page says only "300 platforms of …", nothing
 *   like "<N> of 300";
 * - `GET /platforms/<name>:<tag>` (cold): 301 origin requests, 302 KV writes, 602 KV reads (the
 *   fill's prefetch);
 * - `GET /resolve/<name>:<tag>?platform=…` (cold): 301 origin requests, 302 KV writes, 603 KV
 *   reads (the chosen child once, shared with the prefetch).
 * The warm routes (last test) pass today: 0 origin requests and 0 KV writes once the negative
 * cache holds all 300 children; but a warm page view still reads 300–301 KV keys (logged, not
 * bounded here).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { BuiltImage } from '../../scripts/lib/ociLayout';
import type { FakeOrigin } from './FakeOrigin';
import { ACCEPT_ALL, pullThroughHarness, type Harness } from './pullThroughHarness';

const CHILDREN = 300;
/** Per request, its background work included. The redesign may choose lower; 20 is the ceiling. */
const MAX_ORIGIN_REQUESTS = 20;
const MAX_KV_WRITES = 20;
const TAG = '1.0';
const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';

interface WideIndex {
  bytes: Uint8Array;
  digest: string;
  /** Each child's platform specifier as the worker writes it, and its digest. */
  children: { platform: string; digest: string }[];
}

const hex = (bytes: ArrayBuffer) => [...new Uint8Array(bytes)].map((b) => b.toString(16).padStart(2, '0')).join('');
const sha256 = async (bytes: Uint8Array) => `sha256:${hex(await crypto.subtle.digest('SHA-256', bytes))}`;

/**
 * An OCI index of `count` image manifests, linux/riscv64 with made-up variants `rva0`…: each a
 * valid descriptor with a distinct digest (of bytes the origin will never have) and size.
 */
async function wideIndex(count: number): Promise<WideIndex> {
  const children: WideIndex['children'] = [];
  const manifests = [];
  for (let i = 0; i < count; i++) {
    const digest = await sha256(new TextEncoder().encode(`missing child ${i}`));
    const variant = `rva${i}`;
    children.push({ platform: `linux/riscv64/${variant}`, digest });
    manifests.push({ mediaType: OCI_MANIFEST, digest, size: 1000 + i, platform: { architecture: 'riscv64', os: 'linux', variant } });
  }
  const bytes = new TextEncoder().encode(JSON.stringify({ schemaVersion: 2, mediaType: OCI_INDEX, manifests }));
  return { bytes, digest: await sha256(bytes), children };
}

/**
 * Puts a raw index under `repository:tag` through FakeOrigin's public `push`, which reads only
 * `index` and `children` (none here: the origin has none of the index's children).
 */
function pushIndex(origin: FakeOrigin, repository: string, tag: string, index: WideIndex): void {
  const image: BuiltImage = {
    blobs: new Map(),
    index: { bytes: index.bytes, digest: index.digest, size: index.bytes.byteLength, mediaType: OCI_INDEX },
    children: [],
  };
  origin.push(repository, tag, image);
}

interface Work {
  response: Response;
  body: string;
  /** FakeOrigin calls this request caused, in order. */
  originCalls: string[];
  /** The isolate's totals, after minus before. */
  upstreamRequests: number;
  kvWrites: number;
  kvReads: number;
}

/** One request, with what it and its background work cost (the harness waits for ctx.waitUntil). */
async function measure(h: Harness, line: string, headers: Record<string, string> = {}): Promise<Work> {
  const calls = h.origin.calls.length;
  const { upstreamRequests, kvWrites, kvReads } = h.isolate.totals;
  const response = await h.call(line, { headers });
  const body = await response.text();
  return {
    response,
    body,
    originCalls: h.origin.calls.slice(calls),
    upstreamRequests: h.isolate.totals.upstreamRequests - upstreamRequests,
    kvWrites: h.isolate.totals.kvWrites - kvWrites,
    kvReads: h.isolate.totals.kvReads - kvReads,
  };
}

/**
 * The bounds every request here must keep, with the figures in the message when it does not
 * (soft: every bound is checked and reported, the test fails at its end). KV reads are logged,
 * not bounded: today a warm page view reads 301 KV keys (see the last test).
 */
function expectBounded(work: Work, what: string): void {
  const figures = `${what}: ${work.originCalls.length} origin calls, ${work.upstreamRequests} upstream requests, ${work.kvWrites} KV writes, ${work.kvReads} KV reads`;
  console.log(figures);
  expect.soft(work.originCalls.length, `${figures}; origin calls`).toBeLessThanOrEqual(MAX_ORIGIN_REQUESTS);
  expect.soft(work.upstreamRequests, `${figures}; upstream requests`).toBeLessThanOrEqual(MAX_ORIGIN_REQUESTS);
  expect.soft(work.kvWrites, `${figures}; KV writes`).toBeLessThanOrEqual(MAX_KV_WRITES);
}

/** The page's text: tags dropped, entities of digits and spaces left alone, whitespace collapsed. */
function pageText(html: string): string {
  return html
    .replace(/<(script|style)[^>]*>[\s\S]*?<\/\1>/g, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&nbsp;|&#160;/g, ' ')
    .replace(/\s+/g, ' ');
}

let index: WideIndex;

beforeAll(async () => {
  index = await wideIndex(CHILDREN);
});

describe.each([
  ['on', true],
  ['off', false],
] as const)(`an index of ${CHILDREN} children the origin does not have, Cache API %s`, (_, edgeCache) => {
  /** A fresh harness: a new isolate, a repository no other test used, so the tag is cold. */
  function coldTag(): Harness {
    const h = pullThroughHarness({ edgeCache });
    pushIndex(h.origin, h.repository, TAG, index);
    return h;
  }

  it('checks its own index: 300 distinct digests and platforms, the origin has the tag only', async () => {
    expect(new Set(index.children.map((c) => c.digest)).size).toBe(CHILDREN);
    expect(new Set(index.children.map((c) => c.platform)).size).toBe(CHILDREN);
    const h = coldTag();
    // The origin 404s a child (the worker's negative cache remembers it; not counted here).
    const child = await h.call(`GET /v2/${h.name}/manifests/${index.children[0]!.digest}`, { headers: { Accept: ACCEPT_ALL } });
    expect(child.status).toBe(404);
    await child.body?.cancel();
  });

  it(`GET /v2/<name>/manifests/<tag> without a platform: the index, at most ${MAX_ORIGIN_REQUESTS} origin requests and ${MAX_KV_WRITES} KV writes`, async () => {
    const h = coldTag();
    const work = await measure(h, `GET /v2/${h.name}/manifests/${TAG}`, { Accept: ACCEPT_ALL });
    expect(work.response.status).toBe(200);
    expect(work.response.headers.get('Docker-Content-Digest')).toBe(index.digest);
    expect(work.body).toBe(new TextDecoder().decode(index.bytes));
    // The tag itself is asked for exactly once.
    expect(work.originCalls.filter((c) => c === `GET ${h.repository}:${TAG}`)).toHaveLength(1);
    expectBounded(work, 'manifests GET, cold');
  });

  it(`GET /image/<name>:<tag> (cold): 200, bounded work, and the page says it shows details for fewer than ${CHILDREN}`, async () => {
    const h = coldTag();
    const work = await measure(h, `GET /image/${h.name}:${TAG}`, { Accept: 'text/html' });
    expect(work.response.status).toBe(200);
    expect(work.response.headers.get('Content-Type')).toBe('text/html; charset=utf-8');
    const text = pageText(work.body);
    // Every platform is still listed (the index itself says what they are; no origin request needed).
    for (const child of index.children) expect(work.body).toContain(child.digest);
    expect(text).toContain(String(CHILDREN));
    // What the page must say, in words and numbers: it showed the children's details (sizes)
    // for N of the 300 platforms, N < 300, e.g. "sizes shown for 8 of 300 platforms" (here N
    // is most likely 0, as the origin has no child). The assertion is the phrase "<N> of 300"
    // in the page's text (tags stripped), with N < 300. Today's page says only
    // "300 platforms of <reference>" and fetches all 300 children to try.
    expectBounded(work, 'image page, cold');
    const shown = /\b(\d+) of 300\b/.exec(text);
    expect(shown?.[0] ?? null, 'the page should say for how many of the 300 platforms it shows details, as "<N> of 300"').not.toBeNull();
    expect(Number(shown![1])).toBeLessThan(CHILDREN);
  });

  it(`GET /platforms/<ref> (cold): all ${CHILDREN} platforms, bounded work`, async () => {
    const h = coldTag();
    const work = await measure(h, `GET /platforms/${h.name}:${TAG}`);
    expect(work.response.status).toBe(200);
    const body = JSON.parse(work.body) as { digest: string; index: boolean; platforms: { platform: string; digest: string }[] };
    expect(body.digest).toBe(index.digest);
    expect(body.index).toBe(true);
    expect(body.platforms.map((p) => [p.platform, p.digest])).toEqual(index.children.map((c) => [c.platform, c.digest]));
    expectBounded(work, 'platforms, cold');
  });

  it('GET /resolve/<ref>?platform=<one of them> (cold): MANIFEST_UNKNOWN for the missing child, bounded work', async () => {
    const h = coldTag();
    const chosen = index.children[137]!;
    const work = await measure(h, `GET /resolve/${h.name}:${TAG}?platform=${encodeURIComponent(chosen.platform)}`);
    // The index names the child, the origin does not have it: 404 MANIFEST_UNKNOWN naming it.
    expect(work.response.status).toBe(404);
    const error = (JSON.parse(work.body) as { errors: { code: string; message: string }[] }).errors[0]!;
    expect(error.code).toBe('MANIFEST_UNKNOWN');
    expect(error.message).toContain(chosen.digest);
    // The chosen child is asked for (once); the tag once.
    expect(work.originCalls.filter((c) => c === `GET ${h.repository}@${chosen.digest}`)).toHaveLength(1);
    expect(work.originCalls.filter((c) => c === `GET ${h.repository}:${TAG}`)).toHaveLength(1);
    expectBounded(work, 'resolve, cold');
  });

  it('the same routes on the warm tag, after the image page: bounded too', async () => {
    const h = coldTag();
    await measure(h, `GET /image/${h.name}:${TAG}`, { Accept: 'text/html' });
    const platforms = await measure(h, `GET /platforms/${h.name}:${TAG}`);
    expect(platforms.response.status).toBe(200);
    expectBounded(platforms, 'platforms, after the page');
    const chosen = index.children[42]!;
    const resolved = await measure(h, `GET /resolve/${h.name}:${TAG}?platform=${encodeURIComponent(chosen.platform)}`);
    expect(resolved.response.status).toBe(404);
    expectBounded(resolved, 'resolve, after the page');
    const page = await measure(h, `GET /image/${h.name}:${TAG}`, { Accept: 'text/html' });
    expect(page.response.status).toBe(200);
    expectBounded(page, 'image page, again');
  });
});
