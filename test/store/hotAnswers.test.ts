/// <reference types="vite/client" />
/**
 * Kept answers (src/store/HotAnswers.ts): a GET answered from isolate memory alone is given
 * again, unchanged, to the same request without routing — and never when anything it was made
 * from may have changed: the tag in memory, its Age second, its freshness, the request's
 * headers, its credentials, the configuration.
 */
import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import fc from 'fast-check';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { BuiltImage } from '../../scripts/lib/ociLayout';
import type { Env } from '../../src/config/Env';
import { createRequestContext } from '../../src/createWorker';
import { errorResponse } from '../../src/http/errorResponse';
import { router } from '../../src/routes/router';
import { BackgroundTasks } from '../../src/store/BackgroundTasks';
import { ANSWER_HEADERS, REPLAY_COST, UNANSWERABLE_HEADERS } from '../../src/store/HotAnswers';
import { formatEdgeCost } from '../../src/store/RequestMetrics';
import { HARDENING_SEED } from '../hardening/cases';
import { TEST_VARS } from '../helpers/worker';
import { ACCEPT_ALL, cacheApiWorks, pullThroughHarness, twoVersions, type Harness } from './pullThroughHarness';

let v1: BuiltImage;
let v2: BuiltImage;
let edgeWorks: boolean;

beforeAll(async () => {
  ({ v1, v2 } = await twoVersions());
  edgeWorks = await cacheApiWorks();
});

afterEach(() => {
  vi.restoreAllMocks();
});

const PULL = 'pull-token-0123456789abcdef';
const ARM_AGENT = 'docker/24.0.7 go/go1.20.10 git-commit/311b9ff kernel/6.5.0 os/linux arch/arm64';
const ARM_HINTS = { 'Sec-CH-UA-Platform': '"Linux"', 'Sec-CH-UA-Arch': '"arm"', 'Sec-CH-UA-Bitness': '"64"' };

/**
 * A harness whose calls all share one `env` object, as a deployed worker's requests do (the
 * shared test helper makes a fresh one per call, which no kept answer survives).
 */
function setup(vars: Partial<Env> = {}, edgeCache = true) {
  const h = pullThroughHarness({ edgeCache, vars });
  h.origin.push(h.repository, '1.0', v1);
  let testEnv: Env = { ...(env as unknown as Env), ...TEST_VARS, ...h.vars };
  const routed = vi.spyOn(router, 'fetch');
  const get = async (path: string, headers: Record<string, string> = {}, method = 'GET') => {
    const ctx = createExecutionContext();
    const response = await h.worker.fetch(new Request(`http://registry.test${path}`, { method, headers }), testEnv, ctx);
    await waitOnExecutionContext(ctx);
    return response;
  };
  const changeEnv = (more: Partial<Env>) => {
    testEnv = { ...testEnv, ...more };
  };
  /** The same request answered by the router itself, from the same isolate memory: never a kept answer. */
  const reference = async (path: string, headers: Record<string, string> = {}) => {
    const request = new Request(`http://registry.test${path}`, { headers });
    const ctx = createExecutionContext();
    const background = new BackgroundTasks((promise) => ctx.waitUntil(promise));
    const services = { upstreamFor: h.origin.factory, now: () => h.clock.now, isolate: h.isolate };
    let response: Response;
    try {
      response = await router.fetch(request, createRequestContext(request, testEnv, ctx, services, background));
    } catch (err) {
      response = errorResponse(err, 'GET');
    }
    background.flush();
    await waitOnExecutionContext(ctx);
    return response;
  };
  return { h, get, routed, reference, changeEnv, env: () => testEnv };
}

/** Status, headers and body of a response, for comparing two answers whole. */
async function whole(response: Response) {
  return { status: response.status, headers: Object.fromEntries(response.headers), body: await response.text() };
}

/** The same without `X-Edge-Cost`, which the router alone does not set. */
function withoutCost(answer: Awaited<ReturnType<typeof whole>>) {
  const { 'x-edge-cost': _, ...headers } = answer.headers;
  return { ...answer, headers };
}

/** Calls `get` until the answer comes from memory (the first from the origin, the second from KV or the Cache API). */
async function warm(get: (path: string, headers?: Record<string, string>) => Promise<Response>, path: string, headers: Record<string, string> = {}) {
  for (let i = 0; i < 3; i++) await (await get(path, headers)).arrayBuffer();
}

describe('kept answers', () => {
  it('give a hot /resolve answer again without routing: the same status, headers and bytes, counted in the totals', async () => {
    const { h, get, routed } = setup();
    const path = `/resolve/${h.name}:1.0?platform=linux/arm64`;
    const first = await whole(await get(path));
    expect(first.status).toBe(200);
    expect(JSON.parse(first.body).cache.state).toBe('miss');
    await warm(get, path);
    const before = routed.mock.calls.length;
    const requests = h.isolate.totals.requests;
    const tagHits = h.isolate.totals.tagReads.hit;
    const cacheHits = h.isolate.totals.cacheHits;
    const keptAnswers = h.isolate.totals.keptAnswers;

    const kept = await whole(await get(path));
    const again = await whole(await get(path));
    expect(routed.mock.calls.length - before).toBe(0);
    expect(again).toEqual(kept);
    expect(JSON.parse(kept.body)).toMatchObject({ cache: { state: 'hit', ageSeconds: 0 }, manifest: { digest: v1.children[1]!.manifest.digest } });
    expect(kept.headers['x-edge-cost']).toBe(REPLAY_COST);
    expect(h.isolate.totals.requests - requests).toBe(2);
    expect(h.isolate.totals.keptAnswers - keptAnswers).toBe(2);
    expect(h.isolate.totals.tagReads.hit - tagHits).toBe(2);
    expect(h.isolate.totals.cacheHits - cacheHits).toBe(0);
  });

  it('are what the router answers now, from the same memory (resolve JSON and text, manifest, platforms, badge)', async () => {
    const { h, get, routed, env: currentEnv } = setup();
    const requests: [string, Record<string, string>][] = [
      [`/resolve/${h.name}:1.0?platform=linux/arm64`, {}],
      [`/resolve/${h.name}:1.0?platform=linux/amd64`, { Accept: 'text/plain' }],
      [`/v2/${h.name}/manifests/1.0?platform=linux/arm64`, { Accept: ACCEPT_ALL }],
      [`/v2/${h.name}/manifests/1.0`, { Accept: 'application/vnd.oci.image.manifest.v1+json', 'User-Agent': 'containerd/1.7.0' }],
      [`/platforms/${h.name}:1.0`, {}],
      [`/badge/${h.name}:1.0`, {}],
    ];
    for (const [path, headers] of requests) {
      await warm(get, path, headers);
      const before = routed.mock.calls.length;
      const replayed = await whole(await get(path, headers));
      expect(routed.mock.calls.length, path).toBe(before);

      const request = new Request(`http://registry.test${path}`, { headers });
      const ctx = createExecutionContext();
      const context = createRequestContext(request, currentEnv(), ctx, { upstreamFor: h.origin.factory, now: () => h.clock.now, isolate: h.isolate }, new BackgroundTasks(() => undefined));
      const fresh = await whole(await router.fetch(request, context));
      await waitOnExecutionContext(ctx);
      expect(replayed.status, path).toBe(200);
      expect(replayed.body, path).toBe(fresh.body);
      expect(replayed.headers, path).toEqual({ ...fresh.headers, 'x-edge-cost': REPLAY_COST });
      expect(formatEdgeCost(context.metrics), path).toMatch(/^kv-reads=0; kv-writes=0; cache-hits=\d; upstream=0; tokens=0$/);
    }
  });

  it('end with the Age second: the next second is answered anew, with its age', async () => {
    const { h, get, routed } = setup();
    const path = `/resolve/${h.name}:1.0?platform=linux/arm64`;
    await warm(get, path);
    h.advance(0.999);
    expect(JSON.parse(await (await get(path)).text()).cache.ageSeconds).toBe(0);
    const before = routed.mock.calls.length;
    h.advance(0.001);
    const later = JSON.parse(await (await get(path)).text());
    expect(routed.mock.calls.length).toBe(before + 1);
    expect(later.cache.ageSeconds).toBe(1);
  });

  it('end when the tag in memory is replaced: a forced refresh shows at once', async () => {
    const { h, get } = setup({ ADMIN_TOKEN: 'test-admin-token' });
    const path = `/resolve/${h.name}:1.0?platform=linux/arm/v7&match=strict`;
    const amd = `/resolve/${h.name}:1.0?platform=linux/amd64`;
    await warm(get, amd);
    expect((await get(path)).status).toBe(404);
    const keptAmd = JSON.parse(await (await get(amd)).text());
    expect(keptAmd.index.digest).toBe(v1.index.digest);

    h.origin.push(h.repository, '1.0', v2);
    h.advance(2);
    await warm(get, amd);
    const refreshed = await get(`/admin/refresh/${h.name}:1.0`, { Authorization: 'Bearer test-admin-token' }, 'POST');
    expect(refreshed.status).toBe(200);
    expect(JSON.parse(await (await get(amd)).text()).index.digest).toBe(v2.index.digest);
    expect((await get(path)).status).toBe(200);
  });

  it('end when the memory window of the tag ends (a write in another isolate shows within it)', async () => {
    const { h, get, routed } = setup();
    const path = `/resolve/${h.name}:1.0?platform=linux/arm64`;
    await warm(get, path);
    h.advance(1.5);
    await (await get(path)).arrayBuffer();
    const before = routed.mock.calls.length;
    await (await get(path)).arrayBuffer();
    expect(routed.mock.calls.length).toBe(before);
    h.advance(0.6); // 2.1 s after the tag was last read from beyond memory
    await (await get(path)).arrayBuffer();
    expect(routed.mock.calls.length).toBe(before + 1);
  });

  it('end when the tag stops being fresh: a stale tag is answered as stale and refreshed, never from a kept answer', async () => {
    const { h, get } = setup();
    const path = `/resolve/${h.name}:1.0?platform=linux/arm64`;
    await warm(get, path);
    h.advance(299.5);
    await warm(get, path);
    h.advance(0.5);
    const stale = JSON.parse(await (await get(path)).text());
    expect(stale.cache).toMatchObject({ state: 'stale', stale: true });
  });

  it.each([
    ['Accept', {}, { Accept: 'text/plain' }],
    ['X-Platform', { 'X-Platform': 'linux/arm64' }, { 'X-Platform': 'linux/amd64' }],
    ['User-Agent', { 'User-Agent': ARM_AGENT }, { 'User-Agent': ARM_AGENT.replace('arch/arm64', 'arch/amd64') }],
    ['Sec-CH-UA-Platform', ARM_HINTS, { ...ARM_HINTS, 'Sec-CH-UA-Platform': '"iOS"' }],
    ['Sec-CH-UA-Arch', ARM_HINTS, { ...ARM_HINTS, 'Sec-CH-UA-Arch': '"x86"' }],
    ['Sec-CH-UA-Bitness', ARM_HINTS, { ...ARM_HINTS, 'Sec-CH-UA-Bitness': '"32"' }],
  ] as [string, Record<string, string>, Record<string, string>][])('are per %s: another value is another answer', async (_, kept, other) => {
    const { h, get, routed, reference } = setup();
    const path = `/resolve/${h.name}:1.0`;
    await warm(get, path, kept);
    const before = routed.mock.calls.length;
    const keptAnswer = await whole(await get(path, kept));
    expect(routed.mock.calls.length).toBe(before); // a replay
    const answer = withoutCost(await whole(await get(path, other)));
    expect(answer.status + answer.body).not.toBe(keptAnswer.status + keptAnswer.body);
    expect(answer).toEqual(withoutCost(await whole(await reference(path, other))));
  });

  it('end with the Age second the request started in, however long it took', async () => {
    const original = router.fetch.bind(router);
    const { h, get, reference, routed } = setup();
    const path = `/resolve/${h.name}:1.0?platform=linux/arm64`;
    await (await get(path)).arrayBuffer(); // T0: the miss; the tag stored at T0 and hot in memory
    h.advance(0.99);
    // The request starts at T0+990 ms, where the age is 0, and takes 20 ms: it ends in the next second.
    routed.mockImplementationOnce(async (...args: Parameters<typeof router.fetch>) => {
      const response = await original(...args);
      h.clock.now += 20;
      return response;
    });
    expect(JSON.parse(await (await get(path)).text()).cache.ageSeconds).toBe(0);
    const replayedOrNot = JSON.parse(await (await get(path)).text());
    const routerNow = JSON.parse(await (await reference(path)).text());
    expect(routerNow.cache.ageSeconds).toBe(1);
    expect(replayedOrNot.cache.ageSeconds).toBe(1);
  });

  it('end with the 2 s memory window of the tag: another isolate’s refresh shows within it, mid-second', async () => {
    expect(edgeWorks).toBe(true);
    const { h, get, routed } = setup();
    const path = `/resolve/${h.name}:1.0?platform=linux/amd64`;
    await (await get(path)).arrayBuffer(); // T0: miss, stored at T0
    h.advance(2.5);
    await (await get(path)).arrayBuffer(); // T0+2.5 s: from the Cache API, hot until T0+4.5 s
    h.advance(1.9);
    await (await get(path)).arrayBuffer(); // T0+4.4 s: from memory, kept until T0+4.5 s
    const before = routed.mock.calls.length;
    expect(JSON.parse(await (await get(path)).text()).index.digest).toBe(v1.index.digest);
    expect(routed.mock.calls.length).toBe(before); // a replay
    // Another isolate of the same data centre refreshes the tag: KV and the Cache API now hold v2.
    h.origin.push(h.repository, '1.0', v2);
    const other = h.otherIsolate();
    expect((await other.call(`POST /admin/refresh/${h.name}:1.0`, { headers: { Authorization: 'Bearer test-admin-token' } })).status).toBe(200);
    h.advance(0.2); // T0+4.6 s: this isolate's memory window is over, its Age second is not
    expect(JSON.parse(await (await get(path)).text()).index.digest).toBe(v2.index.digest);
  });

  it('are not made from lookups joined rather than made: an image page that joined a failing child lookup is not kept', async () => {
    const { h, get, reference, routed } = setup();
    const name = h.name;
    let failChildren = true;
    let pagePhase = false;
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const childCall = (call: string) => call.startsWith(`GET ${h.repository}@`);
    h.origin.onCall = async (call) => {
      if (failChildren && childCall(call)) {
        if (pagePhase) await gate; // the page's lookups hang, then fail
        throw new Error('origin connection reset');
      }
    };
    // The tag is fetched (miss); the children's prefetch fails: they are nowhere but at the origin.
    await (await get(`/platforms/${name}:1.0`)).arrayBuffer();
    await (await get(`/platforms/${name}:1.0`)).arrayBuffer(); // tag hot (read back from the Cache API)
    await (await get(`/platforms/${name}:1.0`)).arrayBuffer();

    // A starts the children's lookups (KV reads, origin GETs now hanging); B, a moment later,
    // reads the hot tag and joins A's lookups, so B's own metrics show no KV read, no origin request.
    const page = `/image/${name}:1.0`;
    const callsBefore = h.origin.calls.filter(childCall).length;
    pagePhase = true;
    const a = get(page, { 'User-Agent': 'A' });
    for (let i = 0; i < 200 && h.origin.calls.filter(childCall).length < callsBefore + 2; i++) await new Promise((r) => setTimeout(r, 5));
    expect(h.origin.calls.filter(childCall).length).toBe(callsBefore + 2);
    const b = get(page);
    await new Promise((r) => setTimeout(r, 50));
    release();
    const [ra, rb] = await Promise.all([a, b]);
    const [bodyA, bodyB] = [await ra.text(), await rb.text()];
    expect(ra.status).toBe(200);
    expect(rb.status).toBe(200);
    expect(rb.headers.get('X-Edge-Cost')).toBe('kv-reads=0; kv-writes=0; cache-hits=1; upstream=0; tokens=0');
    expect(bodyA).toBe(bodyB);

    failChildren = false; // the origin recovers
    const before = routed.mock.calls.length;
    const replayed = await (await get(page)).text();
    expect(routed.mock.calls.length).toBe(before + 1); // B's page was not kept
    const routerNow = await (await reference(page)).text();
    expect(routerNow).not.toBe(bodyB); // the router now shows image sizes
    expect(replayed).toBe(routerNow);
  });

  it('are not kept for a request whose URL and headers exceed 4 KiB (memory stays bounded)', async () => {
    const { h, get, routed } = setup();
    const path = `/resolve/${h.name}:1.0?platform=linux/arm64&pad=${'x'.repeat(3_000)}`;
    const agent = `curl/8.0 ${'y'.repeat(2_000)}`;
    for (let i = 0; i < 3; i++) await (await get(path, { 'User-Agent': agent })).arrayBuffer();
    const before = routed.mock.calls.length;
    expect((await get(path, { 'User-Agent': agent })).status).toBe(200);
    expect(routed.mock.calls.length).toBe(before + 1);
  });

  it('are at most 256: the least recently kept is forgotten first', async () => {
    const { h, get, routed } = setup();
    const path = (i: number) => `/resolve/${h.name}:1.0?platform=linux/arm64&n=${i}`;
    await warm(get, path(0));
    for (let i = 1; i <= 256; i++) await (await get(path(i))).arrayBuffer();
    const before = routed.mock.calls.length;
    await (await get(path(256))).arrayBuffer();
    expect(routed.mock.calls.length).toBe(before);
    await (await get(path(0))).arrayBuffer();
    expect(routed.mock.calls.length).toBe(before + 1);
  });

  it('are never kept for, nor given to, a request with credentials: a token holder’s private answer stays private', async () => {
    const { h, get, routed } = setup({ UPSTREAM_CREDENTIALS: JSON.stringify({ 'origin.test': 'alice:secret' }), PULL_TOKEN: PULL });
    const path = `/resolve/${h.name}:1.0?platform=linux/arm64`;
    const auth = { Authorization: `Bearer ${PULL}` };
    for (let i = 0; i < 4; i++) {
      const response = await get(path, auth);
      expect(response.status).toBe(200);
      expect(response.headers.get('Cache-Control')).toContain('private');
      await response.arrayBuffer();
    }
    const before = routed.mock.calls.length;
    const anonymous = await get(path);
    expect(anonymous.status).toBe(401);
    expect(routed.mock.calls.length).toBe(before + 1);
    await get(path, auth);
    expect(routed.mock.calls.length).toBe(before + 2);
  });

  it('are not given after the configuration changes', async () => {
    const { h, get, changeEnv } = setup();
    const path = `/resolve/${h.name}:1.0`;
    await warm(get, path);
    expect(JSON.parse(await (await get(path)).text()).manifest.digest).toBe(v1.children[0]!.manifest.digest);
    changeEnv({ DEFAULT_PLATFORM: 'linux/arm64' });
    expect(JSON.parse(await (await get(path)).text()).manifest.digest).toBe(v1.children[1]!.manifest.digest);
  });

  it('are not kept for HEAD, If-None-Match, or with EDGE_CACHE=off (no isolate memory)', async () => {
    const path = (h: Harness) => `/v2/${h.name}/manifests/1.0?platform=linux/arm64`;
    const one = setup();
    await warm(one.get, path(one.h), { Accept: ACCEPT_ALL });
    for (const [headers, method] of [[{ Accept: ACCEPT_ALL }, 'HEAD'], [{ Accept: ACCEPT_ALL, 'If-None-Match': '"x"' }, 'GET']] as const) {
      const before = one.routed.mock.calls.length;
      await one.get(path(one.h), headers, method);
      await one.get(path(one.h), headers, method);
      expect(one.routed.mock.calls.length - before).toBe(2);
    }
    vi.restoreAllMocks();
    const off = setup({}, false);
    await warm(off.get, path(off.h), { Accept: ACCEPT_ALL });
    const before = off.routed.mock.calls.length;
    await off.get(path(off.h), { Accept: ACCEPT_ALL });
    expect(off.routed.mock.calls.length - before).toBe(1);
  });

  it('are not kept while the tag is only in KV or the Cache API: the first answers cost a read, and are made anew', async () => {
    const { h, get, routed } = setup();
    const path = `/resolve/${h.name}:1.0?platform=linux/arm64`;
    await (await get(path)).arrayBuffer(); // from the origin, then in KV and the Cache API
    h.isolate.hotTags.clear();
    const before = routed.mock.calls.length;
    const read = await get(path);
    expect(read.headers.get('X-Edge-Cost')).toBe(edgeWorks ? 'kv-reads=0; kv-writes=0; cache-hits=2; upstream=0; tokens=0' : 'kv-reads=1; kv-writes=0; cache-hits=1; upstream=0; tokens=0');
    await get(path);
    await get(path);
    expect(routed.mock.calls.length - before).toBe(2);
  });
});

describe('kept answers, property', () => {
  type Step = { kind: 'get'; request: number } | { kind: 'wait'; ms: number } | { kind: 'move' };
  /** Few requests, so a sequence repeats them (and so meets kept answers); they differ in one thing at a time. */
  const requests = (name: string): [string, Record<string, string>][] => [
    [`/resolve/${name}:1.0?platform=linux/arm64`, {}],
    [`/resolve/${name}:1.0?platform=linux/arm64`, { Accept: 'text/plain' }],
    [`/resolve/${name}:1.0`, {}],
    [`/resolve/${name}:1.0`, { 'User-Agent': ARM_AGENT }],
    [`/resolve/${name}:1.0?platform=linux/arm/v7&match=strict`, {}],
    [`/v2/${name}/manifests/1.0?platform=linux/arm64`, { Accept: ACCEPT_ALL }],
    [`/v2/${name}/manifests/1.0`, { Accept: ACCEPT_ALL }],
    [`/platforms/${name}:1.0`, {}],
    [`/badge/${name}:1.0/shields.json?platform=linux/arm/v7`, {}],
  ];
  const step: fc.Arbitrary<Step> = fc.oneof(
    { weight: 6, arbitrary: fc.record({ kind: fc.constant('get' as const), request: fc.integer({ min: 0, max: 8 }) }) },
    { weight: 3, arbitrary: fc.record({ kind: fc.constant('wait' as const), ms: fc.constantFrom(0, 1, 400, 999, 1_000, 1_500) }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('move' as const) }) },
  );

  it('any sequence of requests, clock steps and tag moves: every answer is what a worker without kept answers gives', async () => {
    let replays = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 16 }), async (steps) => {
        vi.restoreAllMocks();
        const { h, get, routed, reference } = setup({ ADMIN_TOKEN: 'test-admin-token' });
        await (await get(`/resolve/${h.name}:1.0`)).arrayBuffer(); // the tag's miss, before the sequence
        let moved = false;
        for (const s of steps) {
          if (s.kind === 'wait') h.advance(s.ms / 1000);
          if (s.kind === 'move') {
            h.origin.push(h.repository, '1.0', moved ? v1 : v2);
            moved = !moved;
            await (await get(`/admin/refresh/${h.name}:1.0`, { Authorization: 'Bearer test-admin-token' }, 'POST')).arrayBuffer();
          }
          if (s.kind !== 'get') continue;
          const [path, headers] = requests(h.name)[s.request]!;
          const ours = withoutCost(await whole(await get(path, headers)));
          const theirs = withoutCost(await whole(await reference(path, headers)));
          expect(ours, path).toEqual(theirs);
        }
        // Routed: the first request, each move's refresh, each request twice (ours, the reference) but for replays.
        const gets = steps.filter((s) => s.kind === 'get').length;
        replays += 1 + steps.filter((s) => s.kind === 'move').length + 2 * gets - routed.mock.calls.length;
      }),
      { numRuns: 100, seed: HARDENING_SEED },
    );
    // The sequences met kept answers, or the property said nothing about them.
    expect(replays).toBeGreaterThan(40);
  }, 60_000);
});

describe('the request headers kept answers vary on', () => {
  const sources = import.meta.glob('../../src/**/*.ts', { query: '?raw', import: 'default', eager: true }) as Record<string, string>;

  it('name every request header src/ reads (a route reading another must add it to ANSWER_HEADERS)', () => {
    const read = new Set<string>();
    for (const [file, text] of Object.entries(sources)) {
      if (file.includes('/upstream/')) continue; // origin responses' headers
      for (const match of text.matchAll(/\b(?:request\.headers|h)\.(?:get|has)\((['"`])([^'"`]+)\1\)/g)) read.add(match[2]!.toLowerCase());
    }
    expect(Object.keys(sources).length).toBeGreaterThan(50);
    expect(read.size).toBeGreaterThan(5);
    // Content-Length and Content-Type are read of admin POST bodies only.
    const known = new Set([...ANSWER_HEADERS, ...UNANSWERABLE_HEADERS, 'Content-Length', 'Content-Type'].map((n) => n.toLowerCase()));
    expect([...read].filter((name) => !known.has(name))).toEqual([]);
  });
});
