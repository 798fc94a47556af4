/**
 * Where the worker sends clients and what it tells them about its origins (docs/security.md,
 * "Redirects and credentials"): blob redirects only to the configured BLOB_ORIGIN or to the target
 * the configured origin named (never one a request can steer); upstream credentials and tokens
 * never in a response body, header, redirect target or log line; private repositories as the
 * configuration has them; manifests by digest never served across repositories. The origin is the
 * RegistryClient over the fake registry of test/upstream (token and Basic auth, redirects, echoes).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createWorker } from '../../src/createWorker';
import type { Env } from '../../src/config/Env';
import { sha256Digest } from '../../src/oci/digest';
import { RegistryClient } from '../../src/upstream/RegistryClient';
import { clearUpstreamClients } from '../../src/upstream/upstreamFor';
import { TEST_VARS } from '../helpers/worker';
import { dockerManifest, FakeRegistry, ociIndex, type FakeRegistryOptions } from '../upstream/fakeRegistry';
import { digestLike, nameLike, sha256Like } from './arbitraries';
import { checkProperty } from './cases';
import { dispatch, expectSpecAnswer, type Exchange } from './exchange';

const SUITE = 'redirects and credentials';
const TIMEOUT = 60_000;
const USER = 'alice';
const PASSWORD = 'Pa55-w0rd-XYZZY-never-shown';
/** The worker's own PULL_TOKEN: the clients here prove it, since the origin is pulled with credentials. */
const PULL_TOKEN = 'client-pull-token-0123456789';
const ACCEPT_ALL = 'application/vnd.oci.image.index.v1+json, application/vnd.docker.distribution.manifest.list.v2+json, application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json';

interface Origin {
  /** `team/private-<n>`: KV outlives a test, so each origin has repositories of its own. */
  repository: string;
  fake: FakeRegistry;
  worker: ReturnType<typeof createWorker>;
  vars: Partial<Env>;
  indexDigest: string;
  childDigest: string;
  blobDigest: string;
}

/** A worker pulling through from a FakeRegistry at `registry.test`, with or without credentials. */
let origins = 0;

/** `private`: anonymous tokens grant nothing on the repository, as on Docker Hub. */
async function origin(options: FakeRegistryOptions & { private?: boolean }, credentials: string | null = `${USER}:${PASSWORD}`): Promise<Origin> {
  clearUpstreamClients();
  const repository = `team/private-${++origins}`;
  const fake = new FakeRegistry({ users: { [USER]: PASSWORD }, ...options, privateRepositories: options.private ? [repository] : [] });
  const child = await fake.putManifest(repository, undefined, dockerManifest());
  const index = await fake.putManifest(repository, '1.0', ociIndex(child.digest));
  const blob = new TextEncoder().encode('blob bytes');
  const blobDigest = await sha256Digest(blob);
  fake.blobs.set(blobDigest, blob);
  const worker = createWorker({
    upstreamFor: (registry, config, { metrics }) => {
      const upstream = config.upstreams[registry];
      return upstream ? new RegistryClient({ registry, config: upstream, fetch: fake.fetch, now: fake.clock, metrics }) : undefined;
    },
    now: fake.clock,
  });
  const vars: Partial<Env> = {
    UPSTREAMS: 'registry.test=https://registry.test',
    UPSTREAM_CREDENTIALS: credentials === null ? undefined : JSON.stringify({ 'registry.test': credentials }),
    BLOB_ORIGIN: '',
    EDGE_CACHE: 'off',
    NEGATIVE_TTL: '0',
    PULL_TOKEN,
    // The fake origin keeps its blobs at storage.test.
    BLOB_REDIRECT_HOSTS: 'storage.test',
  };
  return { repository, fake, worker, vars, indexDigest: index.digest, childDigest: child.digest, blobDigest };
}

async function ask(o: Origin, method: string, path: string, headers: Record<string, string> = { Accept: ACCEPT_ALL, Authorization: `Bearer ${PULL_TOKEN}` }): Promise<Exchange> {
  const exchange = await dispatch(new Request(`http://registry.test${path}`, { method, headers }), { worker: o.worker, vars: o.vars });
  await expectSpecAnswer(exchange, 'https://storage.test');
  return exchange;
}

/** Every read route for the private repository's tag, child, blob and tag list. */
async function everyRoute(o: Origin): Promise<Exchange[]> {
  const name = `registry.test/${o.repository}`;
  const paths: [string, string][] = [
    ['GET', `/v2/${name}/manifests/1.0`],
    ['HEAD', `/v2/${name}/manifests/1.0`],
    ['GET', `/v2/${name}/manifests/1.0?platform=linux/amd64`],
    ['GET', `/v2/${name}/manifests/${o.childDigest}`],
    ['GET', `/v2/${name}/blobs/${o.blobDigest}`],
    ['HEAD', `/v2/${name}/blobs/${o.blobDigest}`],
    ['GET', `/v2/${name}/tags/list`],
    ['GET', `/resolve/${name}:1.0?platform=linux/amd64`],
    ['GET', `/platforms/${name}:1.0`],
    ['GET', `/badge/${name}:1.0.svg`],
    ['GET', `/badge/${name}:1.0/shields.json`],
    ['GET', `/image/${name}:1.0`],
  ];
  const out: Exchange[] = [];
  for (const [method, path] of paths) out.push(await ask(o, method, path));
  return out;
}

/** Everything a client or an operator could see: bodies, headers (Location included), logs. */
function visible(exchanges: Exchange[]): string {
  return exchanges
    .map((e) => [new TextDecoder().decode(e.body), [...e.response.headers].map(([k, v]) => `${k}: ${v}`).join('\n'), e.logs.join('\n')].join('\n'))
    .join('\n');
}

function secretsOf(fake: FakeRegistry): string[] {
  const basic = btoa(`${USER}:${PASSWORD}`);
  return [PASSWORD, basic, encodeURIComponent(PASSWORD), PULL_TOKEN, ...fake.issuedTokens];
}

function expectNoSecret(text: string, fake: FakeRegistry): void {
  for (const secret of secretsOf(fake)) expect(text.includes(secret), `a secret (${secret.slice(0, 6)}…) is visible`).toBe(false);
}

describe('blob redirects with BLOB_ORIGIN', () => {
  it('stay on the configured origin, built from the validated name and digest only, for any crafted name or digest', async () => {
    const template = TEST_VARS.BLOB_ORIGIN;
    const name = fc.oneof(nameLike, fc.constantFrom('evil.example/x', '@evil.example/x', '%2F%2Fevil.example/x', '..%2F..%2Fx', 'x/..%5C..%5Cevil', 'localhost:1/@evil', 'x%40evil.example/y'));
    const digest = fc.oneof(sha256Like, digestLike, fc.constantFrom(`sha256:${'a'.repeat(64)}@evil.example`, `sha256:${'a'.repeat(64)}/../../x`, `sha256:${'a'.repeat(64)}%2F..%2Fx`));
    await checkProperty(SUITE, fc.asyncProperty(name, digest, fc.constantFrom('GET', 'HEAD'), async (n, d, method) => {
      const exchange = await dispatch(new Request(`http://registry.test/v2/${n}/blobs/${d}`, { method }));
      await expectSpecAnswer(exchange);
      if (exchange.response.status !== 307) {
        // Not a redirect at all (a `#` or `?` in the name leaves some other route).
        expect(exchange.response.headers.get('Location')).toBeNull();
        return;
      }
      const location = new URL(exchange.response.headers.get('Location')!);
      expect(location.origin).toBe('https://blobs.example.com');
      expect(location.username + location.password).toBe('');
      const [registry, ...repository] = decodeURIComponent(location.pathname).split('/').slice(1, -2);
      expect(`${location.origin}/${registry}/${repository.join('/')}/blobs/${d}`).toBe(template.replace('{registry}', registry!).replace('{repository}', repository.join('/')).replace('{digest}', d));
    }), 1_500);
  }, TIMEOUT);

  it.each([
    'https://{registry}/blobs/{digest}',
    'https://{digest}.cdn.example/x',
    'https://blobs.example.com@{registry}/x',
    'https://blobs.example.com:{digest}/x',
    'javascript:{digest}',
    '//blobs.example.com/{digest}',
    'https://blobs.example.com/{digest}{',
  ])('refuses the template %s at configuration: placeholders never choose the host', async (blobOrigin) => {
    const exchange = await dispatch(new Request(`http://registry.test/v2/demo/app/blobs/sha256:${'a'.repeat(64)}`), { vars: { BLOB_ORIGIN: blobOrigin } });
    expect(exchange.response.status).toBe(500);
    expect(new TextDecoder().decode(exchange.body)).toContain('invalid configuration: BLOB_ORIGIN');
    expect(exchange.response.headers.get('Location')).toBeNull();
  });
});

describe('blob redirects from a pull-through origin', () => {
  it('hand on the target the origin named, without credentials in it, and never fetch it', async () => {
    const o = await origin({ auth: 'bearer' });
    const exchange = await ask(o, 'GET', `/v2/registry.test/${o.repository}/blobs/${o.blobDigest}`);
    expect(exchange.response.status).toBe(307);
    expect(exchange.response.headers.get('Location')).toBe(`https://storage.test/blobs/${o.blobDigest}?X-Amz-Signature=s1g`);
    expect(o.fake.requests.filter((r) => r.url.startsWith('https://storage.test'))).toEqual([]);
    expectNoSecret(visible([exchange]), o.fake);
  });

  it('refuses a target on a host BLOB_REDIRECT_HOSTS does not list (by default: the well-known registries\' storage)', async () => {
    const o = await origin({ auth: 'bearer' });
    for (const hosts of ['', 'default', 'cdn.storage.test', '*.storage.test']) {
      const exchange = await dispatch(new Request(`http://registry.test/v2/registry.test/${o.repository}/blobs/${o.blobDigest}`, { headers: { Authorization: `Bearer ${PULL_TOKEN}` } }), { worker: o.worker, vars: { ...o.vars, BLOB_REDIRECT_HOSTS: hosts } });
      expect(exchange.response.status, hosts).toBe(502);
      expect(exchange.response.headers.get('Location'), hosts).toBeNull();
      expectNoSecret(visible([exchange]), o.fake);
    }
  });

  it.each([
    ['user information', 'https://u:p@storage.test/blob'],
    ['a javascript: URL', 'javascript:alert(1)'],
    ['a file: URL', 'file:///etc/passwd'],
    ['a data: URL', 'data:text/html,<script>alert(1)</script>'],
  ])('refuses a target with %s as 502 BAD_GATEWAY', async (_, location) => {
    const o = await origin({ intercept: (r) => (r.url.includes('/blobs/') ? new Response(null, { status: 307, headers: { Location: location } }) : undefined) });
    const exchange = await ask(o, 'GET', `/v2/registry.test/${o.repository}/blobs/${o.blobDigest}`);
    expect(exchange.response.status).toBe(502);
    expect(exchange.response.headers.get('Location')).toBeNull();
  });
});

describe('upstream credentials', () => {
  it.each([
    ['token auth', { auth: 'bearer' as const, private: true }],
    ['Basic auth', { auth: 'basic' as const }],
  ])('with %s: never in any body, header, redirect target or log line of any route', async (_, options) => {
    const o = await origin(options);
    const exchanges = await everyRoute(o);
    expect(exchanges[0]!.response.status).toBe(200);
    expect(o.fake.requests.some((r) => r.authorization !== null)).toBe(true);
    expectNoSecret(visible(exchanges), o.fake);
  });

  it('refused: DENIED naming the user, never the password', async () => {
    const o = await origin({ auth: 'basic' }, `${USER}:wrong-${PASSWORD}`);
    const exchanges = await everyRoute(o);
    const error = JSON.parse(new TextDecoder().decode(exchanges[0]!.body)) as { errors: { code: string; message: string }[] };
    expect(error.errors[0]!.code).toBe('DENIED');
    expect(error.errors[0]!.message).toContain(JSON.stringify(USER));
    expect(visible(exchanges)).not.toContain(`wrong-${PASSWORD}`);
    expectNoSecret(visible(exchanges), o.fake);
  });

  it('an origin echoing our Authorization in its error bodies and headers: only its error codes are passed on', async () => {
    const echo = (request: Request) => {
      if (!request.headers.get('authorization') || !request.url.includes('/manifests/')) return undefined;
      const said = request.headers.get('authorization')!;
      const status = request.url.includes('/1.0') ? 403 : 500;
      return Response.json({ errors: [{ code: 'DENIED', message: `you sent ${said}`, detail: said }] }, { status, headers: { 'X-Echo': said, 'WWW-Authenticate': said } });
    };
    const o = await origin({ auth: 'basic', intercept: echo });
    const exchanges = await everyRoute(o);
    expect(exchanges[0]!.response.status).toBe(403);
    expectNoSecret(visible(exchanges), o.fake);
  });

  it('a token endpoint that fails: 503 UNAVAILABLE, nothing of the credentials in it', async () => {
    const o = await origin({ auth: 'bearer', intercept: (r) => (r.url.startsWith('https://auth.test') ? new Response(`denied for ${r.headers.get('authorization')}`, { status: 500 }) : undefined) });
    const exchanges = await everyRoute(o);
    expect(JSON.parse(new TextDecoder().decode(exchanges[0]!.body)).errors[0].code).toBe('UNAVAILABLE');
    expectNoSecret(visible(exchanges), o.fake);
  });

  it('a challenge luring Basic credentials to another host over plain http: refused, never sent', async () => {
    const lure = (r: Request) => (r.url.startsWith('https://registry.test/v2/') && !r.headers.get('authorization')
      ? new Response(null, { status: 401, headers: { 'WWW-Authenticate': 'Bearer realm="http://evil.example/token",service="x"' } })
      : undefined);
    const o = await origin({ auth: 'bearer', intercept: lure });
    const exchanges = await everyRoute(o);
    expect(exchanges[0]!.response.status).toBe(502);
    expect(o.fake.requests.filter((r) => r.url.startsWith('http://evil.example'))).toEqual([]);
    expectNoSecret(visible(exchanges), o.fake);
  });

  it('a manifest redirected to another host: followed without our Authorization', async () => {
    let manifestBytes: Uint8Array | undefined;
    const repository = `team/private-${origins + 1}`;
    const hop = (r: Request) => {
      if (r.url.startsWith('https://other.test/')) return new Response(manifestBytes!, { headers: { 'Content-Type': 'application/vnd.oci.image.index.v1+json' } });
      if (r.url === `https://registry.test/v2/${repository}/manifests/1.0` && r.headers.get('authorization')) {
        return new Response(null, { status: 307, headers: { Location: 'https://other.test/manifest' } });
      }
      return undefined;
    };
    const o = await origin({ auth: 'basic', intercept: hop });
    manifestBytes = new TextEncoder().encode(JSON.stringify(ociIndex(o.childDigest)));
    const exchange = await ask(o, 'GET', `/v2/registry.test/${o.repository}/manifests/1.0`);
    expect(exchange.response.status).toBe(200);
    const hops = o.fake.requests.filter((r) => r.url.startsWith('https://other.test/'));
    expect(hops).toHaveLength(1);
    expect(hops[0]!.authorization).toBeNull();
    expectNoSecret(visible([exchange]), o.fake);
  });

  it('broken UPSTREAM_CREDENTIALS: 500 naming the variable, never echoing its value', async () => {
    for (const credentials of [`nocolon${PASSWORD}`, `{"registry.test": "${PASSWORD}"`, `["${PASSWORD}"]`]) {
      const o = await origin({ auth: 'basic' });
      const raw = credentials.startsWith('{') || credentials.startsWith('[') ? credentials : JSON.stringify({ 'registry.test': credentials });
      const exchange = await dispatch(new Request('http://registry.test/v2/registry.test/team/private/manifests/1.0'), { worker: o.worker, vars: { ...o.vars, UPSTREAM_CREDENTIALS: raw } });
      expect(exchange.response.status).toBe(500);
      expect(new TextDecoder().decode(exchange.body)).toContain('invalid configuration: UPSTREAM_CREDENTIALS');
      expect(visible([exchange])).not.toContain(PASSWORD);
    }
  });
});

describe('private repositories', () => {
  it('without credentials: 401 UNAUTHORIZED from the origin is passed on, and nothing is cached', async () => {
    const o = await origin({ auth: 'bearer', private: true }, null);
    const exchanges = await everyRoute(o);
    expect(exchanges[0]!.response.status).toBe(401);
    const again = await ask(o, 'GET', `/v2/registry.test/${o.repository}/manifests/1.0`);
    expect(again.response.status).toBe(401);
  });

  it('with credentials: not served to anonymous clients (test/auth/pullAccess.test.ts has every route and setting)', async () => {
    const o = await origin({ auth: 'bearer', private: true });
    const anonymous = await ask(o, 'GET', `/v2/registry.test/${o.repository}/manifests/1.0`, { Accept: ACCEPT_ALL });
    expect(anonymous.response.status).toBe(401);
    expect(o.fake.requests).toEqual([]);
    const authorized = await ask(o, 'GET', `/v2/registry.test/${o.repository}/manifests/1.0`);
    expect(authorized.response.status).toBe(200);
    expect(authorized.response.headers.get('Docker-Content-Digest')).toBe(o.indexDigest);
  });

  it('a manifest known under one repository is never served under another by its digest', async () => {
    const o = await origin({ auth: 'bearer', private: true });
    expect((await ask(o, 'GET', `/v2/registry.test/${o.repository}/manifests/${o.childDigest}`)).response.status).toBe(200);
    const other = await ask(o, 'GET', `/v2/registry.test/team/public-${origins}/manifests/${o.childDigest}`);
    expect(other.response.status).toBe(404);
    // The same for KV-only registries: the digest key is scoped to the repository.
    const put = await dispatch(new Request(`http://registry.test/admin/manifests/scoped/a@${o.childDigest}`, {
      method: 'PUT',
      headers: { Authorization: `Bearer ${TEST_VARS.ADMIN_TOKEN}` },
      body: new TextEncoder().encode(JSON.stringify(dockerManifest())),
    }));
    expect(put.response.status).toBe(201);
    expect((await dispatch(new Request(`http://registry.test/v2/scoped/a/manifests/${o.childDigest}`))).response.status).toBe(200);
    expect((await dispatch(new Request(`http://registry.test/v2/scoped/b/manifests/${o.childDigest}`))).response.status).toBe(404);
  });
});
