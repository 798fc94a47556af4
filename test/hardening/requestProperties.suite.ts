/**
 * Whole requests with hostile parts (docs/security.md, "Hostile input"), through the worker in
 * workerd: random methods, paths, names, tags, digests, query strings, `Accept`, `User-Agent`,
 * `X-Platform`, `Host`, `Authorization`, bodies, oversized URLs and headers — against the demo
 * image in KV, a pull-through origin that fails in the ways an origin fails, and broken
 * configurations. Every answer must keep `expectSpecAnswer` (exchange.ts).
 */
import { env } from 'cloudflare:workers';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BuiltImage } from '../../scripts/lib/ociLayout';
import type { Env } from '../../src/config/Env';
import { sha256Digest } from '../../src/oci/digest';
import { demoImages, seedDemo } from '../helpers/demo';
import { TEST_VARS } from '../helpers/worker';
import { type Fault } from '../store/FakeOrigin';
import { pullThroughHarness } from '../store/pullThroughHarness';
import {
  acceptHeader,
  digestLike,
  encode,
  hostileString,
  nameLike,
  platformSpec,
  queryString,
  requestHost,
  tagLike,
  userAgent,
} from './arbitraries';
import { checkProperty } from './cases';
import { dispatch, expectSpecAnswer, type DispatchOptions } from './exchange';
import { manifestBytes } from './manifestArbitraries';

const SUITE = 'whole requests';
const TIMEOUT = 120_000;

/** What the answers were, for the log: status or error code → count. */
const seen = new Map<string, number>();
function tally(key: string): void {
  seen.set(key, (seen.get(key) ?? 0) + 1);
}

/**
 * Header values as HTTP carries them: no CR, LF or NUL. Kept to ASCII: workerd sends other
 * characters as UTF-8 with a warning per header, and the worker reads them as it reads ASCII.
 */
function headerValue(value: string): string {
  return value.replace(/[^\t\x20-\x7e]/g, '?');
}

const huge = fc.integer({ min: 8 * 1024, max: 64 * 1024 });

/** A hostile string, or now and then one of 8–64 KiB. */
const maybeHuge = (arb: fc.Arbitrary<string>) => fc.oneof({ weight: 12, arbitrary: arb }, { weight: 1, arbitrary: fc.tuple(arb, huge).map(([s, n]) => s.padEnd(n, s || 'a')) });

interface Pools {
  names: string[];
  tags: string[];
  digests: string[];
}

function referenceOf(pools: Pools): fc.Arbitrary<string> {
  const name = fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...pools.names) }, { weight: 2, arbitrary: nameLike });
  const tag = fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...pools.tags) }, { weight: 1, arbitrary: tagLike });
  const digest = fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...pools.digests) }, { weight: 1, arbitrary: digestLike });
  return fc.oneof(
    fc.tuple(name, tag).map(([n, t]) => `${n}:${t}`),
    fc.tuple(name, digest).map(([n, d]) => `${n}@${d}`),
    fc.tuple(name, tag, digest).map(([n, t, d]) => `${n}:${t}@${d}`),
    name,
  );
}

/** Paths of every route, with hostile parts, raw or percent-encoded. */
function pathOf(pools: Pools): fc.Arbitrary<string> {
  const name = maybeHuge(fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...pools.names) }, { weight: 2, arbitrary: nameLike }));
  const reference = fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...pools.tags, ...pools.digests) },
    { weight: 1, arbitrary: tagLike },
    { weight: 1, arbitrary: digestLike },
  );
  const ref = maybeHuge(referenceOf(pools));
  const path = fc.oneof(
    { weight: 6, arbitrary: fc.tuple(name, reference).map(([n, r]) => `/v2/${n}/manifests/${r}`) },
    { weight: 2, arbitrary: fc.tuple(name, fc.oneof(fc.constantFrom(...pools.digests), digestLike)).map(([n, d]) => `/v2/${n}/blobs/${d}`) },
    { weight: 1, arbitrary: name.map((n) => `/v2/${n}/tags/list`) },
    { weight: 1, arbitrary: fc.constantFrom('/v2/', '/v2', '/', '/v2/_catalog', '/v2/demo/app/blobs/uploads/', '/admin/metrics') },
    { weight: 3, arbitrary: fc.tuple(fc.constantFrom('/resolve/', '/platforms/', '/image/', '/badge/'), ref).map(([route, r]) => `${route}${r}`) },
    { weight: 1, arbitrary: ref.map((r) => `/badge/${r}.svg`) },
    { weight: 1, arbitrary: ref.map((r) => `/badge/${r}/shields.json`) },
    { weight: 1, arbitrary: fc.tuple(fc.constantFrom('/admin/tags/', '/admin/manifests/', '/admin/refresh/'), ref).map(([route, r]) => `${route}${r}`) },
    { weight: 1, arbitrary: fc.array(hostileString, { maxLength: 4 }).map((parts) => `/${parts.join('/')}`) },
  );
  // Percent-encoding everything but `/` puts the hostile characters in the path itself.
  return fc.tuple(path, fc.boolean()).map(([p, encoded]) => (encoded ? p.split('/').map(encode).join('/') : p));
}

const methods = fc.oneof(
  { weight: 8, arbitrary: fc.constant('GET') },
  { weight: 2, arbitrary: fc.constant('HEAD') },
  { weight: 2, arbitrary: fc.constantFrom('PUT', 'POST', 'DELETE', 'PATCH', 'OPTIONS') },
);

function headersOf(digests: string[]): fc.Arbitrary<Record<string, string>> {
  return fc.record(
    {
      Accept: maybeHuge(acceptHeader),
      'User-Agent': maybeHuge(userAgent),
      'X-Platform': maybeHuge(platformSpec),
      'If-None-Match': fc.oneof(fc.constantFrom(...digests).map((d) => `"${d}"`), fc.constant('*'), hostileString),
      Range: fc.oneof(fc.constant('bytes=0-10'), hostileString),
      Authorization: fc.oneof(fc.constant(`Bearer ${TEST_VARS.ADMIN_TOKEN}`), hostileString.map((s) => `Bearer ${s}`), hostileString),
      'Content-Type': fc.oneof(fc.constantFrom('application/vnd.oci.image.index.v1+json', 'application/json'), hostileString),
      'Sec-CH-UA-Platform': hostileString,
      'Sec-CH-UA-Arch': fc.oneof(fc.constantFrom('"arm"', '"x86"'), hostileString),
      'X-Junk': huge.map((n) => 'x'.repeat(n)),
    },
    { requiredKeys: [] },
  ).map((headers) => Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, headerValue(v)])));
}

interface Case {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: Uint8Array;
}

function casesOf(pools: Pools): fc.Arbitrary<Case> {
  return fc
    .record({
      method: methods,
      host: requestHost,
      path: pathOf(pools),
      query: maybeHuge(queryString),
      headers: headersOf(pools.digests),
      body: fc.option(manifestBytes, { nil: undefined }),
    })
    .map(({ method, host, path, query, headers, body }) => ({
      method,
      url: `http://${host}${path}${query}`,
      headers,
      ...(body !== undefined && !['GET', 'HEAD'].includes(method) ? { body } : {}),
    }));
}

/** The Request for a case, or undefined where no HTTP client could send it (an invalid URL). */
function requestOf(c: Case): Request | undefined {
  try {
    return new Request(c.url, { method: c.method, headers: c.headers, ...(c.body ? { body: c.body } : {}) });
  } catch {
    return undefined;
  }
}

async function send(c: Case, options: DispatchOptions = {}) {
  const request = requestOf(c);
  fc.pre(request !== undefined);
  const exchange = await dispatch(request!, options);
  const code = await expectSpecAnswer(exchange);
  tally(code ?? String(exchange.response.status));
  return exchange;
}

let oci: BuiltImage;
let docker: BuiltImage;
let pools: Pools;

beforeAll(async () => {
  ({ oci, docker } = await demoImages());
  const children = [...oci.children, ...docker.children].flatMap((c) => [c.manifest.digest, ...(c.attestation ? [c.attestation.digest] : [])]);
  pools = {
    names: ['demo/app', 'docker.io/demo/app', 'index.docker.io/demo/app', 'demo/missing', 'library/golang'],
    tags: ['1.0', '1.0-docker', '1.0-amd64', 'latest'],
    digests: [oci.index.digest, docker.index.digest, ...children],
  };
});

afterAll(() => {
  console.log(`hardening, whole requests: ${[...seen].sort(([a], [b]) => a.localeCompare(b)).map(([k, n]) => `${k} ${n}`).join(', ')}`);
});

describe('hostile requests against the demo image in KV', () => {
  it('answer with a valid answer or a spec error, never a 500, a stack or a hang', async () => {
    await seedDemo();
    const before = new Map(seen);
    await checkProperty(SUITE, fc.asyncProperty(casesOf(pools), async (c) => {
      const { request, response } = await send(c);
      // An authorized purge or put may have changed the demo tags: put them back.
      if (request.url.includes('/admin/') && response.status < 300) await seedDemo();
    }), 3_000);
    const answered = (seen.get('200') ?? 0) - (before.get('200') ?? 0);
    // The cases must reach real answers too, not only the validators' errors.
    expect(answered).toBeGreaterThan(200);
  }, TIMEOUT);

  it('answer the stored manifests byte for byte whatever the Accept, User-Agent, X-Platform and Host', async () => {
    await seedDemo();
    const known = new Map<string, Uint8Array>([[oci.index.digest, oci.index.bytes], [docker.index.digest, docker.index.bytes], ...oci.blobs, ...docker.blobs]);
    const request = fc.record({
      tag: fc.constantFrom('1.0', '1.0-docker', '1.0-amd64'),
      host: requestHost,
      query: fc.option(platformSpec.map((p) => `?platform=${encode(p)}`), { nil: '' }),
      headers: fc.record({ Accept: acceptHeader, 'User-Agent': userAgent, 'X-Platform': platformSpec }, { requiredKeys: [] })
        .map((h) => Object.fromEntries(Object.entries(h).map(([k, v]) => [k, headerValue(v)]))),
    });
    await checkProperty(SUITE, fc.asyncProperty(request, async ({ tag, host, query, headers }) => {
      const exchange = await send({ method: 'GET', url: `http://${host}/v2/demo/app/manifests/${tag}${query}`, headers });
      if (exchange.response.status !== 200) {
        expect([400, 404]).toContain(exchange.response.status);
        return;
      }
      const digest = exchange.response.headers.get('Docker-Content-Digest')!;
      expect(known.get(digest)).toEqual(exchange.body);
    }), 1_000);
  }, TIMEOUT);
});

describe('hostile Authorization against a worker closed to anonymous clients', () => {
  it('serves the demo to the pull token alone; anything else is a 401, never a 500', async () => {
    await seedDemo();
    const token = 'hardening-pull-token-0123456789';
    const vars = { PULL_TOKEN: token, ANONYMOUS_PULL: 'none' };
    const valid = new Set([`Bearer ${token}`, `Basic ${btoa(`pull:${token}`)}`, `Basic ${btoa(`:${token}`)}`]);
    const forged = fc
      .tuple(fc.constantFrom('pull', 'anonymous', 'admin'), fc.nat(), fc.uint8Array({ minLength: 32, maxLength: 32 }))
      .map(([grant, expires, sig]) => `Bearer pt1.${grant}.${expires + 1_700_000_000}.${btoa(String.fromCharCode(...sig)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')}`);
    const authorization = fc.oneof(
      fc.constantFrom(...valid),
      forged,
      fc.uint8Array({ maxLength: 64 }).map((bytes) => `Basic ${btoa(String.fromCharCode(...bytes))}`),
      hostileString.map((s) => `Bearer ${s}`),
      hostileString.map((s) => `Basic ${s}`),
      hostileString,
    ).map(headerValue);
    const path = fc.constantFrom('/v2/demo/app/manifests/1.0', '/v2/demo/app/tags/list', '/v2/', '/resolve/demo/app:1.0', '/platforms/demo/app:1.0', '/token', '/token?offline_token=true');
    await checkProperty(SUITE, fc.asyncProperty(path, authorization, async (p, header) => {
      const exchange = await send({ method: 'GET', url: `http://registry.test${p}`, headers: { Authorization: header } }, { vars });
      const proves = valid.has(header.trim().replace(/^(\S+)\s+/, '$1 '));
      // /token gives anything but a login (`docker login`: offline_token=true) at least an anonymous token.
      const anonymousToken = p === '/token' || (p === '/token?offline_token=true' && header.trim() === '');
      expect(exchange.response.status, header).toBe(proves || anonymousToken ? 200 : 401);
    }), 1_500);
  }, TIMEOUT);
});

describe('hostile requests against a pull-through origin that fails', () => {
  it('are answered from the origin, stale from KV, or with a spec error; KV never holds a wrong manifest', async () => {
    const faults: (Fault | null)[] = [null, null, 'unavailable', 'rate-limited', 'timeout', 'wrong-bytes'];
    const h = pullThroughHarness({ edgeCache: true });
    h.origin.push(h.repository, '1.0', oci);
    h.origin.push(h.repository, '1.0-docker', docker);
    const local: Pools = { names: [h.name, `${h.name}x`], tags: ['1.0', '1.0-docker', 'gone'], digests: pools.digests };
    const step = fc.record({ c: casesOf(local), fault: fc.constantFrom(...faults), advance: fc.constantFrom(0, 0, 1, 301, 4000) });
    await checkProperty(SUITE, fc.asyncProperty(step, async ({ c, fault, advance }) => {
      h.origin.fault = fault;
      h.advance(advance);
      const request = requestOf(c);
      fc.pre(request !== undefined);
      const exchange = await dispatch(request!, { worker: h.worker, vars: h.vars });
      tally((await expectSpecAnswer(exchange)) ?? String(exchange.response.status));
    }), 1_500);
    const checked = await reverifyKv(`v1:manifest:${h.name}@`);
    expect(checked).toBeGreaterThan(0);
  }, TIMEOUT);
});

describe('broken configurations', () => {
  it('fail every request with 500 UNKNOWN naming the variable, never echoing a credential', async () => {
    const secret = 'pa55-W0RD-never-shown';
    const value = fc.oneof(hostileString, fc.constantFrom('0', '-1', '1.5', 'on', 'off', 'linux/arm64', 'x=y', 'docker.io=ftp://x', 'docker.io=https://u:p@x'));
    const vars = fc.record(
      {
        DEFAULT_PLATFORM: value,
        DEFAULT_REGISTRY: value,
        PLATFORM_HOSTS: value,
        BLOB_ORIGIN: fc.oneof(value, fc.constantFrom('https://{registry}.evil/x', 'https://b.example/{digest}{', 'javascript:{digest}')),
        UPSTREAMS: value,
        UPSTREAM_CREDENTIALS: fc.oneof(value, fc.constantFrom(`{"docker.io":"${secret}"}`, `{"nope.io":"u:${secret}"}`, `["${secret}"]`, `{"docker.io":"u:${secret}"`)),
        TAG_TTL: value,
        STALE_TTL: value,
        NEGATIVE_TTL: value,
        EDGE_CACHE: value,
        BLOB_REDIRECT_HOSTS: fc.oneof(value, fc.constantFrom('*', 'default', '*.', '*, default', 'a.example:99999')),
        PULL_TOKEN: fc.oneof(value, fc.constantFrom(secret, `short ${secret}`, `${secret}\u00e9`, `${secret},${secret}`)),
        ANONYMOUS_PULL: fc.oneof(value, fc.constantFrom('all', 'none', 'public', 'public, all', ',', 'docker.io ghcr.io')),
      },
      { requiredKeys: [] },
    );
    await checkProperty(SUITE, fc.asyncProperty(vars, fc.constantFrom('/v2/demo/app/manifests/1.0', '/resolve/demo/app:1.0', '/badge/demo/app:1.0.svg', '/v2/'), async (v, path) => {
      const request = new Request(`http://registry.test${path}`);
      const exchange = await dispatch(request, { vars: v as Partial<Env> });
      const text = new TextDecoder().decode(exchange.body);
      expect(text).not.toContain(secret);
      expect(exchange.logs.join('\n')).not.toContain(secret);
      if (exchange.response.status === 500) {
        expect(exchange.response.headers.get('Content-Type')).toBe('application/json');
        const error = (JSON.parse(text) as { errors: { code: string; message: string }[] }).errors[0]!;
        expect(error.code).toBe('UNKNOWN');
        expect(error.message).toMatch(/^invalid configuration: [A-Z_]+: /);
        tally('500 invalid configuration');
        return;
      }
      tally((await expectSpecAnswer(exchange)) ?? String(exchange.response.status));
    }), 1_500);
  }, TIMEOUT);
});

describe('regressions the properties found', () => {
  // `config.upstreams` was a plain object: a registry host spelled like an Object.prototype
  // property found the prototype's function as its "upstream", and the request died on it (500).
  it.each([
    ['?ns=constructor', '/v2/demo/app/manifests/1.0?ns=constructor', {}],
    ['?ns=constructor with UPSTREAMS set', '/v2/demo/app/manifests/1.0?ns=constructor', { UPSTREAMS: 'docker.io=https://registry-1.docker.io' }],
    ['a tags/list of ?ns=constructor', '/v2/demo/app/tags/list?ns=constructor', {}],
    ['a blob of ?ns=constructor', `/v2/demo/app/blobs/sha256:${'a'.repeat(64)}?ns=constructor`, { BLOB_ORIGIN: '' }],
  ])('%s names a registry without an origin, not Object.prototype.constructor', async (_, path, vars) => {
    const exchange = await dispatch(new Request(`http://registry.test${path}`), { vars });
    expect(await expectSpecAnswer(exchange)).toMatch(/_UNKNOWN$/);
    expect(exchange.response.status).toBe(404);
  });

  it('UPSTREAM_CREDENTIALS for "constructor" is refused as a registry not in UPSTREAMS', async () => {
    const exchange = await dispatch(new Request('http://registry.test/v2/'), {
      vars: { UPSTREAMS: 'docker.io=https://registry-1.docker.io', UPSTREAM_CREDENTIALS: '{"constructor":"u:p"}' },
    });
    expect(exchange.response.status).toBe(500);
    expect(new TextDecoder().decode(exchange.body)).toContain('invalid configuration: UPSTREAM_CREDENTIALS: \\"constructor\\" is not a registry in UPSTREAMS');
    expect((Object as unknown as { credentials?: unknown }).credentials).toBeUndefined();
  });
});

/**
 * Re-hashes every `v1:manifest:` value under `prefix` in the test KV: its sha256 must be the
 * digest its key names and its metadata states. Returns how many were checked.
 */
async function reverifyKv(prefix: string): Promise<number> {
  let checked = 0;
  let cursor: string | undefined;
  do {
    const page = await env.MANIFESTS.list({ prefix, ...(cursor ? { cursor } : {}) });
    for (const { name } of page.keys) {
      const { value, metadata } = await env.MANIFESTS.getWithMetadata<{ digest: string }>(name, 'arrayBuffer');
      const digest = await sha256Digest(new Uint8Array(value!));
      expect(digest, name).toBe(name.slice(name.lastIndexOf('@') + 1));
      expect(metadata?.digest, name).toBe(digest);
      checked++;
    }
    cursor = page.list_complete ? undefined : page.cursor;
  } while (cursor);
  return checked;
}
