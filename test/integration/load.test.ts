/**
 * Load (docs/security.md, "Availability"): many concurrent clients (Node `fetch`, one loop each)
 * against the worker under workerd (Miniflare, no wrangler proxy: docs/toolchain.md), pulling
 * through from a real docker-registry behind a pass-through FaultProxy that counts every origin
 * request:
 *
 * - a thundering herd — 100 clients asking for the same cold tag at once, for 10 tags — makes
 *   exactly one origin GET per tag, and one per child manifest by digest;
 * - hot paths (index, platform children, digests, resolve, platforms, HEAD) for a bounded time:
 *   zero errors, no KV read and no KV write (TAG_TTL is 2 s, so tags are revalidated under load,
 *   with HEADs whose confirmations stay in memory and the Cache API), counted by `GET /admin/metrics`;
 * - cold paths (a new tag every 100 ms, herded by every client) for a bounded time: zero
 *   errors, one origin GET per tag;
 * - memory stable: the worker runs with its V8 old space capped at 32 MiB (a quarter of a
 *   production isolate's 128 MB), so a worker keeping even ~2 KB per request would run out of
 *   heap within the ~10,000 requests of a hot round and fail requests (zero errors asserted); the
 *   workerd process's RSS (/proc) is sampled idle and after each round and kept under a ceiling.
 *
 * Figures (clients × seconds, requests, errors, RSS) are logged for the closing note.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { FaultProxy } from '../../scripts/lib/faultProxy';
import { auditKv } from '../../scripts/lib/kvAudit';
import { WorkerServer } from '../../scripts/lib/miniflareWorker';
import type { RegistryServer } from '../../scripts/lib/registryServer';
import { ACCEPT_ALL, platformSpecifier, sha256 } from './helpers/http';
import { buildImages, REPOSITORY, startOrigin, type OriginImages } from './helpers/origin';

const ADMIN_TOKEN = 'load-admin-token';
const TAG_TTL_S = 2;
const HERD_CLIENTS = 100;
const HERD_TAGS = 10;
const LOOP_CLIENTS = 64;
const HOT_SECONDS = 12;
const COLD_SECONDS = 10;
const REVALIDATE_SECONDS = 8;
const COLD_TAG_EVERY_MS = 100;
const COLD_TAGS = Math.ceil((COLD_SECONDS * 1000) / COLD_TAG_EVERY_MS) + 5;
/**
 * V8 flags for the worker's workerd (Miniflare reads MINIFLARE_WORKERD_V8_FLAGS): old space
 * capped at 32 MiB. Without a cap V8 lets garbage pile up to hundreds of MiB before collecting —
 * a hello-world worker under this harness grows from ~50 to ~470 MiB RSS over 60,000 requests —
 * so RSS alone cannot tell a leak from laziness; with it, a leak ends in failed requests.
 */
const V8_FLAGS = '--max-old-space-size=32 --max-semi-space-size=1';
/**
 * RSS growth allowed from the idle worker to after both hot rounds. With the worker's heap
 * capped, what RSS still gains is workerd's and Miniflare's own native memory, which depends on
 * the request count and on what else runs on the machine: measured 100–140 MiB over the two
 * rounds (~15,000–20,000 requests); without the cap ~300 MiB. The ceiling is a sanity bound for
 * runaway native growth, at twice the worst seen; the leak test is the capped heap itself.
 */
const TOTAL_RSS_GROWTH_MIB = 320;

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let images: OriginImages;
let registry: RegistryServer;
let proxy: FaultProxy;
let worker: WorkerServer;
let workerd: number;
const rss: Record<string, number> = {};
const log: string[] = [];

/** workerd processes descended from this one, by pid. */
function workerdPids(): Set<number> {
  const parents = new Map<number, number>();
  const names = new Map<number, string>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const close = stat.lastIndexOf(')');
      names.set(Number(entry), stat.slice(stat.indexOf('(') + 1, close));
      parents.set(Number(entry), Number(stat.slice(close + 2).split(' ')[1]));
    } catch {
      // gone meanwhile
    }
  }
  const descends = (pid: number): boolean => {
    for (let p = parents.get(pid); p !== undefined && p > 1; p = parents.get(p)) if (p === process.pid) return true;
    return false;
  };
  return new Set([...names].filter(([pid, name]) => name === 'workerd' && descends(pid)).map(([pid]) => pid));
}

function rssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1]);
  return Math.round((kb / 1024) * 10) / 10;
}

async function metrics(): Promise<{ requests: number; kvWrites: number; kvReads: number; manifestGets: number; manifestHeads: number; upstreamRequests: number }> {
  const response = await worker.fetch('/admin/metrics', { headers: { Authorization: `Bearer ${ADMIN_TOKEN}` } });
  expect(response.status).toBe(200);
  return response.json() as never;
}

/** One client's requests, with every answer checked; failures counted, not thrown. */
interface Tally {
  requests: number;
  errors: string[];
}

async function check(tally: Tally, path: string, init: RequestInit, expectDigest?: string): Promise<void> {
  tally.requests++;
  try {
    const response = await worker.fetch(path, init);
    const body = await response.arrayBuffer();
    if (response.status !== 200) {
      tally.errors.push(`${response.status} ${path}: ${new TextDecoder().decode(body).slice(0, 200)}`);
      return;
    }
    if (expectDigest !== undefined && init.method !== 'HEAD' && sha256(body) !== expectDigest) tally.errors.push(`wrong bytes for ${path}`);
  } catch (err) {
    tally.errors.push(`${path}: ${err instanceof Error ? err.message : String(err)}`);
  }
}

const pick = <T>(items: readonly T[]): T => items[Math.floor(Math.random() * items.length)]!;

/** Runs `clients` loops of `step` until `seconds` have passed. */
async function loops(clients: number, seconds: number, step: (tally: Tally, started: number) => Promise<void>): Promise<Tally & { seconds: number }> {
  const tally: Tally = { requests: 0, errors: [] };
  const started = Date.now();
  const deadline = started + seconds * 1000;
  await Promise.all(Array.from({ length: clients }, async () => {
    while (Date.now() < deadline) await step(tally, started);
  }));
  return { ...tally, seconds: (Date.now() - started) / 1000 };
}

function report(name: string, clients: number, run: Tally & { seconds: number }): void {
  log.push(`${name}: ${clients} clients × ${run.seconds.toFixed(1)} s, ${run.requests} requests (${Math.round(run.requests / run.seconds)}/s), ${run.errors.length} errors`);
}

beforeAll(async () => {
  images = await buildImages();
  registry = await startOrigin(images);
  const tags = [...Array.from({ length: HERD_TAGS }, (_, i) => `herd-${i}`), ...Array.from({ length: COLD_TAGS }, (_, i) => `cold-${i}`)];
  for (const tag of tags) {
    const response = await fetch(`${registry.url}/v2/${REPOSITORY}/manifests/${tag}`, { method: 'PUT', headers: { 'Content-Type': images.oci.index.mediaType }, body: images.oci.index.bytes });
    if (response.status !== 201) throw new Error(`pushing ${tag}: ${response.status}`);
  }
  proxy = await FaultProxy.start(registry.url);
  const before = workerdPids();
  const flags = process.env.MINIFLARE_WORKERD_V8_FLAGS;
  process.env.MINIFLARE_WORKERD_V8_FLAGS = V8_FLAGS;
  try {
    worker = await WorkerServer.start({
      bundle: inject('workerBundle'),
      vars: { UPSTREAMS: `origin.test=${proxy.url}`, TAG_TTL: String(TAG_TTL_S), STALE_TTL: '3600', ADMIN_TOKEN },
    });
  } finally {
    if (flags === undefined) delete process.env.MINIFLARE_WORKERD_V8_FLAGS;
    else process.env.MINIFLARE_WORKERD_V8_FLAGS = flags;
  }
  const started = [...workerdPids()].filter((pid) => !before.has(pid));
  if (started.length !== 1) throw new Error(`expected one new workerd process, found ${started.length}`);
  workerd = started[0]!;
}, 180_000);

afterAll(async () => {
  console.log(`load:\n  ${log.join('\n  ')}`);
  await worker?.stop();
  await proxy?.stop();
  await registry?.dispose();
});

const specifiers = () => images.oci.children.map((c) => platformSpecifier(c.platform));
const tagPath = (tag: string) => `/v2/origin.test/${REPOSITORY}/manifests/${tag}`;
const manifestGets = (tag: string) => ({ method: 'GET', path: new RegExp(`^/v2/${escape(REPOSITORY)}/manifests/${escape(tag)}$`) });

describe('a thundering herd', () => {
  it(`${HERD_CLIENTS} clients asking for each of ${HERD_TAGS} cold tags at once: one origin GET per tag and per child`, async () => {
    const since = proxy.requests.length;
    const tally: Tally = { requests: 0, errors: [] };
    const started = Date.now();
    for (let i = 0; i < HERD_TAGS; i++) {
      const tag = `herd-${i}`;
      await Promise.all(Array.from({ length: HERD_CLIENTS }, (_, client) => {
        const child = images.oci.children[client % images.oci.children.length]!;
        return client % 2 === 0
          ? check(tally, tagPath(tag), { headers: { Accept: ACCEPT_ALL } }, images.oci.index.digest)
          : check(tally, `${tagPath(tag)}?platform=${encodeURIComponent(platformSpecifier(child.platform))}`, { headers: { Accept: ACCEPT_ALL } });
      }));
    }
    report('thundering herd', HERD_CLIENTS, { ...tally, seconds: (Date.now() - started) / 1000 });
    expect(tally.errors).toEqual([]);
    await sleep(500); // prefetches finish after their responses
    for (let i = 0; i < HERD_TAGS; i++) expect(proxy.count(manifestGets(`herd-${i}`), since), `herd-${i}`).toBe(1);
    const byPath = new Map<string, number>();
    for (const r of proxy.requests.slice(since)) if (r.method === 'GET') byPath.set(r.path, (byPath.get(r.path) ?? 0) + 1);
    expect([...byPath].filter(([, n]) => n > 1)).toEqual([]);
  }, 60_000);
});

describe('hot paths', () => {
  const hotStep = async (tally: Tally): Promise<void> => {
    const child = pick(images.oci.children);
    const roll = Math.random();
    if (roll < 0.3) return check(tally, tagPath('1.0'), { headers: { Accept: ACCEPT_ALL } }, images.oci.index.digest);
    if (roll < 0.55) return check(tally, `${tagPath('1.0')}?platform=${encodeURIComponent(platformSpecifier(child.platform))}`, { headers: { Accept: ACCEPT_ALL } });
    if (roll < 0.7) return check(tally, tagPath(child.manifest.digest), { headers: { Accept: ACCEPT_ALL } }, child.manifest.digest);
    if (roll < 0.8) return check(tally, tagPath('1.0'), { method: 'HEAD', headers: { Accept: ACCEPT_ALL } });
    if (roll < 0.9) return check(tally, `/resolve/origin.test/${REPOSITORY}:1.0?platform=${encodeURIComponent(pick(specifiers()))}`, { headers: { Accept: 'text/plain' } });
    if (roll < 0.97) return check(tally, `/platforms/origin.test/${REPOSITORY}:1.0`, {});
    return check(tally, '/v2/', {});
  };

  it(`${LOOP_CLIENTS} clients for ${HOT_SECONDS} s, twice: zero errors, no KV reads or writes, RSS stable`, async () => {
    // Warm up: the tag, its children, the JIT.
    await loops(8, 2, hotStep);
    await sleep(500);
    rss.idle = rssMiB(workerd);
    const before = await metrics();
    const since = proxy.requests.length;
    const first = await loops(LOOP_CLIENTS, HOT_SECONDS, hotStep);
    report('hot, round 1', LOOP_CLIENTS, first);
    rss.afterRound1 = rssMiB(workerd);
    const second = await loops(LOOP_CLIENTS, HOT_SECONDS, hotStep);
    report('hot, round 2', LOOP_CLIENTS, second);
    await sleep(1_000);
    rss.afterRound2 = rssMiB(workerd);
    const after = await metrics();
    expect(first.errors.slice(0, 5)).toEqual([]);
    expect(second.errors.slice(0, 5)).toEqual([]);

    // KV is written only when content changes: the tag is revalidated after each TAG_TTL (a HEAD),
    // its confirmation kept in memory and the Cache API, never re-stamped in KV.
    const seconds = first.seconds + second.seconds + 1;
    const writes = after.kvWrites - before.kvWrites;
    log.push(`hot KV writes: ${writes} in ${seconds.toFixed(1)} s for 1 tag key; KV reads ${after.kvReads - before.kvReads} for ${first.requests + second.requests} requests; origin: ${proxy.count({ method: 'HEAD' }, since)} HEADs, ${proxy.count({ method: 'GET' }, since)} GETs`);
    expect(writes).toBe(0);
    expect(after.kvReads - before.kvReads).toBe(0);
    expect(proxy.count({ method: 'HEAD' }, since)).toBeLessThanOrEqual(Math.ceil(seconds / TAG_TTL_S) + 1);
    expect(proxy.count({ method: 'GET' }, since)).toBe(0);

    const perRequest = (mib: number, requests: number) => `${Math.round((mib * 1024) / requests)} KiB/request`;
    log.push(
      `workerd RSS (V8 ${V8_FLAGS}): ${rss.idle} MiB idle, ${rss.afterRound1} MiB after round 1 (${perRequest(rss.afterRound1! - rss.idle!, first.requests)}), ` +
        `${rss.afterRound2} MiB after round 2 (${perRequest(rss.afterRound2! - rss.afterRound1!, second.requests)}); bound +${TOTAL_RSS_GROWTH_MIB} MiB`,
    );
    expect(rss.afterRound2! - rss.idle!).toBeLessThanOrEqual(TOTAL_RSS_GROWTH_MIB);
  }, 90_000);
});

describe('a tag due for revalidation on every request (TAG_TTL=0)', () => {
  it(`${LOOP_CLIENTS} clients for ${REVALIDATE_SECONDS} s: zero errors, no KV write while the tag does not change`, async () => {
    const eager = await WorkerServer.start({
      bundle: inject('workerBundle'),
      vars: { UPSTREAMS: `origin.test=${proxy.url}`, TAG_TTL: '0', STALE_TTL: '3600', ADMIN_TOKEN },
    });
    try {
      const fill = await eager.fetch(tagPath('1.0'), { headers: { Accept: ACCEPT_ALL } });
      expect(fill.status).toBe(200);
      await fill.arrayBuffer();
      await sleep(1_100);
      const since = proxy.requests.length;
      const stats = async () => (await (await eager.fetch('/admin/metrics', { headers: { Authorization: `Bearer ${ADMIN_TOKEN}` } })).json()) as { kvWrites: number };
      const before = await stats();
      const tally: Tally = { requests: 0, errors: [] };
      const started = Date.now();
      const deadline = started + REVALIDATE_SECONDS * 1000;
      await Promise.all(Array.from({ length: LOOP_CLIENTS }, async () => {
        while (Date.now() < deadline) {
          tally.requests++;
          const response = await eager.fetch(tagPath('1.0'), { headers: { Accept: ACCEPT_ALL } });
          const body = await response.arrayBuffer();
          if (response.status !== 200 || sha256(body) !== images.oci.index.digest) tally.errors.push(`${response.status}`);
        }
      }));
      const seconds = (Date.now() - started) / 1000;
      await sleep(1_000); // the last background refresh
      const writes = (await stats()).kvWrites - before.kvWrites;
      report('always revalidating', LOOP_CLIENTS, { ...tally, seconds });
      log.push(`always revalidating: ${writes} KV writes in ${(seconds + 1).toFixed(1)} s for 1 tag key; origin: ${proxy.count({ method: 'HEAD' }, since)} HEADs, ${proxy.count({ method: 'GET' }, since)} GETs`);
      expect(tally.errors.slice(0, 5)).toEqual([]);
      expect(proxy.count({ method: 'HEAD' }, since)).toBeGreaterThan(0);
      expect(writes).toBe(0);
    } finally {
      await eager.stop();
    }
  }, 60_000);
});

describe('cold paths', () => {
  it(`${LOOP_CLIENTS} clients for ${COLD_SECONDS} s on a new tag every ${COLD_TAG_EVERY_MS} ms: zero errors, one origin GET per tag`, async () => {
    const since = proxy.requests.length;
    const before = await metrics();
    const touched = new Set<string>();
    const run = await loops(LOOP_CLIENTS, COLD_SECONDS, (tally, started) => {
      const tag = `cold-${Math.min(COLD_TAGS - 1, Math.floor((Date.now() - started) / COLD_TAG_EVERY_MS))}`;
      touched.add(tag);
      return Math.random() < 0.5
        ? check(tally, tagPath(tag), { headers: { Accept: ACCEPT_ALL } }, images.oci.index.digest)
        : check(tally, `${tagPath(tag)}?platform=${encodeURIComponent(pick(specifiers()))}`, { headers: { Accept: ACCEPT_ALL } });
    });
    report('cold', LOOP_CLIENTS, run);
    expect(run.errors.slice(0, 5)).toEqual([]);
    await sleep(500);
    const after = await metrics();
    const perTag = [...touched].map((tag) => [tag, proxy.count(manifestGets(tag), since)] as const);
    log.push(`cold: ${touched.size} tags filled, origin GETs per tag: ${[...new Set(perTag.map(([, n]) => n))].join(', ')}; KV writes ${after.kvWrites - before.kvWrites}`);
    expect(perTag.filter(([, n]) => n !== 1)).toEqual([]);
    // A tag is written once when filled (tag and index by digest), and re-stamped at most once a second after.
    expect(after.kvWrites - before.kvWrites).toBeLessThanOrEqual(touched.size * 2 + touched.size * Math.ceil(run.seconds));
  }, 60_000);

  it('leaves every KV entry matching its digest, every tag the origin index', async () => {
    const expected = new Map([...Array.from({ length: COLD_TAGS }, (_, i) => `cold-${i}`), ...Array.from({ length: HERD_TAGS }, (_, i) => `herd-${i}`), '1.0'].map((tag) => [`v1:tag:origin.test/${REPOSITORY}:${tag}`, images.oci.index.digest]));
    const audit = await auditKv(worker.mf, expected);
    log.push(`KV audit: ${audit.verified} entries re-verified`);
    expect(audit.problems).toEqual([]);
  });
});
