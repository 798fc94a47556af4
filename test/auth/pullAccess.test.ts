/**
 * Pull access (src/auth/PullAccess.ts): a registry pulled with UPSTREAM_CREDENTIALS is not served
 * to anonymous clients unless ANONYMOUS_PULL says so; PULL_TOKEN opens it, shown raw (Bearer or
 * Basic) or through the token flow of GET /v2/ → GET /token. Every read route is checked, and
 * the origin must not even be asked for what a client may not see.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { createWorker } from '../../src/createWorker';
import type { Env } from '../../src/config/Env';
import { anonymousMayPull } from '../../src/auth/PullAccess';
import { TOKEN_LIFETIME } from '../../src/auth/pullToken';
import { parseConfig } from '../../src/config/config';
import { RegistryClient } from '../../src/upstream/RegistryClient';
import { clearUpstreamClients } from '../../src/upstream/upstreamFor';
import { seedDemo } from '../helpers/demo';
import { call, errorOf } from '../helpers/worker';
import { dockerManifest, FakeRegistry, ociIndex, type FakeRegistryOptions } from '../upstream/fakeRegistry';

const PULL = 'pull-token-0123456789-abcdef';
const OTHER = 'another-pull-token-9876543210';
const ACCEPT_ALL = 'application/vnd.oci.image.index.v1+json, application/vnd.docker.distribution.manifest.list.v2+json, application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json';

beforeAll(async () => {
  await seedDemo();
});

interface Origin {
  repository: string;
  fake: FakeRegistry;
  worker: ReturnType<typeof createWorker>;
  vars: Partial<Env>;
  indexDigest: string;
  childDigest: string;
  blobDigest: string;
}

let origins = 0;

/** A worker pulling `registry.test/team/secret-<n>` through a FakeRegistry with Basic credentials. */
async function origin(vars: Partial<Env> = {}, fakeOptions: FakeRegistryOptions = { users: { alice: 'origin-password' }, auth: 'basic' }): Promise<Origin> {
  clearUpstreamClients();
  const repository = `team/secret-${++origins}`;
  const fake = new FakeRegistry(fakeOptions);
  const child = await fake.putManifest(repository, undefined, dockerManifest());
  const index = await fake.putManifest(repository, '1.0', ociIndex(child.digest));
  const blob = new TextEncoder().encode('blob bytes');
  const blobDigest = `sha256:${[...new Uint8Array(await crypto.subtle.digest('SHA-256', blob))].map((b) => b.toString(16).padStart(2, '0')).join('')}`;
  fake.blobs.set(blobDigest, blob);
  const worker = createWorker({
    upstreamFor: (registry, config, { metrics }) => {
      const upstream = config.upstreams[registry];
      return upstream ? new RegistryClient({ registry, config: upstream, fetch: fake.fetch, now: fake.clock, metrics }) : undefined;
    },
    now: fake.clock,
  });
  return {
    repository,
    fake,
    worker,
    vars: {
      UPSTREAMS: 'registry.test=https://registry.test',
      UPSTREAM_CREDENTIALS: JSON.stringify({ 'registry.test': 'alice:origin-password' }),
      BLOB_ORIGIN: '',
      NEGATIVE_TTL: '0',
      BLOB_REDIRECT_HOSTS: 'storage.test',
      ...vars,
    },
    indexDigest: index.digest,
    childDigest: child.digest,
    blobDigest,
  };
}

function ask(o: Origin, line: string, headers: Record<string, string> = {}): Promise<Response> {
  return call(line, { worker: o.worker, vars: o.vars, headers: { Accept: ACCEPT_ALL, ...headers } });
}

/** Every read route for the origin's tag, child, blob and tag list; badges and the page answer errors their own way. */
function routes(o: Origin): { line: string; kind: 'registry' | 'badge' | 'page' }[] {
  const name = `registry.test/${o.repository}`;
  return [
    { line: `GET /v2/${name}/manifests/1.0`, kind: 'registry' },
    { line: `HEAD /v2/${name}/manifests/1.0`, kind: 'registry' },
    { line: `GET /v2/${name}/manifests/1.0?platform=linux/amd64`, kind: 'registry' },
    { line: `GET /v2/${name}/manifests/${o.childDigest}`, kind: 'registry' },
    { line: `GET /v2/${name}/blobs/${o.blobDigest}`, kind: 'registry' },
    { line: `HEAD /v2/${name}/blobs/${o.blobDigest}`, kind: 'registry' },
    { line: `GET /v2/${name}/tags/list`, kind: 'registry' },
    { line: `GET /resolve/${name}:1.0?platform=linux/amd64`, kind: 'registry' },
    { line: `GET /platforms/${name}:1.0`, kind: 'registry' },
    { line: `GET /badge/${name}:1.0.svg`, kind: 'badge' },
    { line: `GET /badge/${name}:1.0/shields.json`, kind: 'badge' },
    { line: `GET /image/${name}:1.0`, kind: 'page' },
  ];
}

function basic(user: string, password: string): string {
  return `Basic ${btoa(`${user}:${password}`)}`;
}

/** The challenge the worker sends for the origin's repository. */
function challenge(o: Origin, error?: string): string {
  const params = ['realm="http://registry.test/token"', 'service="registry.test"', `scope="repository:registry.test/${o.repository}:pull"`];
  if (error) params.push(`error="${error}"`);
  return `Bearer ${params.join(',')}`;
}

async function expectRefused(o: Origin, headers: Record<string, string>, status: 401 | 403, error?: string): Promise<void> {
  for (const { line, kind } of routes(o)) {
    const response = await ask(o, line, headers);
    if (kind === 'registry') {
      expect(response.status, line).toBe(status);
      if (status === 401) expect(response.headers.get('WWW-Authenticate'), line).toBe(challenge(o, error));
      if (!line.startsWith('HEAD')) expect((await errorOf(response)).code, line).toBe(status === 401 ? 'UNAUTHORIZED' : 'DENIED');
    } else {
      // A README badge or a page cannot tell a private image from a missing one.
      expect(response.status, line).toBe(404);
      expect(await response.text(), line).toContain('not found');
    }
  }
  expect(o.fake.requests, 'the origin was asked for something the client may not see').toEqual([]);
}

async function expectServed(o: Origin, headers: Record<string, string>): Promise<void> {
  for (const { line } of routes(o)) {
    const response = await ask(o, line, headers);
    // Blobs are redirected to the origin's storage, as the origin redirects them.
    expect(response.status, line).toBe(line.includes('/blobs/') ? 307 : 200);
    const cacheControl = response.headers.get('Cache-Control') ?? '';
    expect(cacheControl, line).toMatch(/^private\b/);
    expect(cacheControl, line).not.toMatch(/public|s-maxage/);
  }
}

describe('a registry pulled with UPSTREAM_CREDENTIALS', () => {
  it('without PULL_TOKEN: closed to everyone with 403 DENIED, and the origin is never asked', async () => {
    const o = await origin();
    await expectRefused(o, {}, 403);
    await expectRefused(o, { Authorization: `Bearer ${PULL}` }, 403);
    expect((await errorOf(await ask(o, `GET /v2/registry.test/${o.repository}/manifests/1.0`))).message).toBe(
      'registry.test is not open to anonymous clients, and this worker has no PULL_TOKEN',
    );
  });

  it('with PULL_TOKEN, anonymous: 401 with the token challenge on every route, and the origin is never asked', async () => {
    const o = await origin({ PULL_TOKEN: PULL });
    await expectRefused(o, {}, 401);
  });

  it('with PULL_TOKEN, a wrong token, password or scheme: 401 invalid_token', async () => {
    const o = await origin({ PULL_TOKEN: PULL });
    for (const authorization of [`Bearer ${OTHER}`, basic('pull', OTHER), `Bearer ${PULL.slice(0, -1)}`, `Token ${PULL}`, 'Basic !!!', basic('', '').replace(/=+$/, ''), `Bearer ${PULL} extra`]) {
      await expectRefused(o, { Authorization: authorization }, 401, 'invalid_token');
    }
  });

  it('with PULL_TOKEN shown as Bearer or as Basic (any user): served on every route, Cache-Control private', async () => {
    for (const authorization of [`Bearer ${PULL}`, `bearer  ${PULL}`, basic('pull', PULL), basic('anyone at all', PULL)]) {
      const o = await origin({ PULL_TOKEN: PULL });
      await expectServed(o, { Authorization: authorization });
    }
  });

  it('PULL_TOKEN may list several tokens (rotation): each opens the registry', async () => {
    const o = await origin({ PULL_TOKEN: `${PULL}, ${OTHER}` });
    await expectServed(o, { Authorization: `Bearer ${OTHER}` });
    await expectServed(o, { Authorization: basic('pull', PULL) });
  });

  it('containerd\'s ?ns= names the registry as well as the path does', async () => {
    const o = await origin({ PULL_TOKEN: PULL });
    const paths = [`/v2/${o.repository}/manifests/1.0?ns=registry.test`, `/v2/${o.repository}/blobs/${o.blobDigest}?ns=registry.test`, `/v2/${o.repository}/tags/list?ns=REGISTRY.test`];
    for (const path of paths) {
      const anonymous = await ask(o, `GET ${path}`);
      expect(anonymous.status, path).toBe(401);
      expect(anonymous.headers.get('WWW-Authenticate'), path).toBe(`Bearer realm="http://registry.test/token",service="registry.test",scope="repository:${o.repository}:pull"`);
    }
    expect(o.fake.requests).toEqual([]);
    for (const path of paths) expect([200, 307], path).toContain((await ask(o, `GET ${path}`, { Authorization: `Bearer ${PULL}` })).status);
  });

  it('a 304 or an error after the check is private too', async () => {
    const o = await origin({ PULL_TOKEN: PULL });
    const authorized = { Authorization: `Bearer ${PULL}` };
    const first = await ask(o, `GET /v2/registry.test/${o.repository}/manifests/1.0`, authorized);
    const etag = first.headers.get('ETag')!;
    const again = await ask(o, `GET /v2/registry.test/${o.repository}/manifests/1.0`, { ...authorized, 'If-None-Match': etag });
    expect(again.status).toBe(304);
    expect(again.headers.get('Cache-Control')).toBe('private, no-cache');
    const missing = await ask(o, `GET /v2/registry.test/${o.repository}/manifests/2.0`, authorized);
    expect(missing.status).toBe(404);
    expect(missing.headers.get('Cache-Control')).toBe('no-store');
  });

  it('what an authorized pull stored (KV, Cache API, isolate memory) is still refused to the next anonymous client', async () => {
    const o = await origin({ PULL_TOKEN: PULL, EDGE_CACHE: 'on' });
    await expectServed(o, { Authorization: `Bearer ${PULL}` });
    const asked = o.fake.requests.length;
    for (const { line, kind } of routes(o)) {
      const response = await ask(o, line);
      expect(response.status, line).toBe(kind === 'registry' ? 401 : 404);
    }
    expect(o.fake.requests.length).toBe(asked);
  });

  it('ANONYMOUS_PULL naming the registry, or all: served to anonymous clients as before', async () => {
    for (const anonymous of ['registry.test', 'public, registry.test', 'all']) {
      const o = await origin({ ANONYMOUS_PULL: anonymous, PULL_TOKEN: PULL });
      for (const { line } of routes(o)) expect((await ask(o, line)).status, `${anonymous}: ${line}`).toBe(line.includes('/blobs/') ? 307 : 200);
      const manifest = await ask(o, `GET /v2/registry.test/${o.repository}/manifests/1.0`);
      expect(manifest.headers.get('Cache-Control')).toBe('no-cache');
    }
  });
});

describe('registries pulled without credentials, and KV-only ones', () => {
  it('stay open to anonymous clients by default, PULL_TOKEN or not', async () => {
    const o = await origin({ UPSTREAM_CREDENTIALS: '', PULL_TOKEN: PULL }, {});
    for (const { line } of routes(o)) expect((await ask(o, line)).status, line).toBe(line.includes('/blobs/') ? 307 : 200);
    const demo = await call('GET /v2/demo/app/manifests/1.0', { vars: { PULL_TOKEN: PULL } });
    expect(demo.status).toBe(200);
    expect(demo.headers.get('Cache-Control')).toBe('no-cache');
  });

  it('ANONYMOUS_PULL=none closes them too', async () => {
    const closed = await call('GET /v2/demo/app/manifests/1.0', { vars: { PULL_TOKEN: PULL, ANONYMOUS_PULL: 'none' } });
    expect(closed.status).toBe(401);
    expect(closed.headers.get('WWW-Authenticate')).toBe('Bearer realm="http://registry.test/token",service="registry.test",scope="repository:demo/app:pull"');
    const open = await call('GET /v2/demo/app/manifests/1.0', { vars: { PULL_TOKEN: PULL, ANONYMOUS_PULL: 'none' }, headers: { Authorization: `Bearer ${PULL}` } });
    expect(open.status).toBe(200);
    expect(open.headers.get('Cache-Control')).toBe('private, no-cache');
  });
});

describe('the token flow (GET /v2/ → GET /token → Bearer)', () => {
  async function token(o: Origin, headers: Record<string, string> = {}): Promise<string> {
    const response = await ask(o, 'GET /token?service=registry.test&scope=repository:x:pull', headers);
    expect(response.status).toBe(200);
    expect(response.headers.get('Cache-Control')).toBe('no-store');
    const body = (await response.json()) as { token: string; access_token: string; expires_in: number; issued_at: string };
    expect(body.access_token).toBe(body.token);
    expect(body.expires_in).toBe(TOKEN_LIFETIME);
    expect(body.issued_at).toBe(new Date(o.fake.now).toISOString());
    return body.token;
  }

  it('GET /v2/ asks for a token when a PULL_TOKEN is set; not otherwise, nor with ANONYMOUS_PULL=all', async () => {
    const o = await origin({ PULL_TOKEN: PULL });
    const ping = await ask(o, 'GET /v2/');
    expect(ping.status).toBe(401);
    expect(ping.headers.get('WWW-Authenticate')).toBe('Bearer realm="http://registry.test/token",service="registry.test"');
    expect((await call('GET /v2/')).status).toBe(200);
    expect((await call('GET /v2/', { vars: { PULL_TOKEN: PULL, ANONYMOUS_PULL: 'all' } })).status).toBe(200);
    expect((await ask(o, 'GET /v2/', { Authorization: `Bearer ${OTHER}` })).headers.get('WWW-Authenticate')).toContain('error="invalid_token"');
  });

  it('with credentials (docker login): a pull token, good for /v2/ and the private repository', async () => {
    const o = await origin({ PULL_TOKEN: PULL });
    const issued = await token(o, { Authorization: basic('pull', PULL) });
    expect(issued).not.toContain(PULL);
    expect((await ask(o, 'GET /v2/', { Authorization: `Bearer ${issued}` })).status).toBe(200);
    await expectServed(o, { Authorization: `Bearer ${issued}` });
  });

  it('without credentials: an anonymous token, good for /v2/ and public images only', async () => {
    const o = await origin({ PULL_TOKEN: PULL });
    const issued = await token(o);
    expect((await ask(o, 'GET /v2/', { Authorization: `Bearer ${issued}` })).status).toBe(200);
    expect((await ask(o, 'GET /v2/demo/app/manifests/1.0', { Authorization: `Bearer ${issued}` })).status).toBe(200);
    await expectRefused(o, { Authorization: `Bearer ${issued}` }, 401, 'insufficient_scope');
  });

  it('wrong credentials at /token: 401 for docker login (offline_token=true), else an anonymous token', async () => {
    const o = await origin({ PULL_TOKEN: PULL });
    const login = await ask(o, 'GET /token?account=pull&client_id=docker&offline_token=true&service=registry.test', { Authorization: basic('pull', OTHER) });
    expect(login.status).toBe(401);
    expect(login.headers.get('WWW-Authenticate')).toBe('Basic realm="http://registry.test/token"');
    expect((await errorOf(login)).code).toBe('UNAUTHORIZED');
    // The Docker daemon sends its Docker Hub login to a mirror's realm: public images must still flow.
    const hubLogin = await token(o, { Authorization: basic('hub-user', 'hub-password') });
    expect((await ask(o, 'GET /v2/demo/app/manifests/1.0', { Authorization: `Bearer ${hubLogin}` })).status).toBe(200);
    await expectRefused(o, { Authorization: `Bearer ${hubLogin}` }, 401, 'insufficient_scope');
  });

  it('an issued pull token cannot be renewed at /token: only the PULL_TOKEN itself gets a pull token', async () => {
    const o = await origin({ PULL_TOKEN: PULL });
    const issued = await token(o, { Authorization: basic('pull', PULL) });
    const renewed = await token(o, { Authorization: `Bearer ${issued}` });
    await expectRefused(o, { Authorization: `Bearer ${renewed}` }, 401, 'insufficient_scope');
    const direct = await token(o, { Authorization: `Bearer ${PULL}` });
    await expectServed(o, { Authorization: `Bearer ${direct}` });
  });

  it('a token expires after TOKEN_LIFETIME seconds', async () => {
    const o = await origin({ PULL_TOKEN: PULL });
    const issued = await token(o, { Authorization: basic('pull', PULL) });
    o.fake.now += (TOKEN_LIFETIME - 1) * 1000;
    expect((await ask(o, `GET /v2/registry.test/${o.repository}/manifests/1.0`, { Authorization: `Bearer ${issued}` })).status).toBe(200);
    o.fake.now += 1000;
    o.fake.requests.length = 0;
    await expectRefused(o, { Authorization: `Bearer ${issued}` }, 401, 'invalid_token');
  });

  it('a tampered token, or one signed under other PULL_TOKENs, is refused', async () => {
    const o = await origin({ PULL_TOKEN: PULL });
    const anonymous = await token(o);
    const pull = await token(o, { Authorization: basic('pull', PULL) });
    const [, , expires, signature] = anonymous.split('.');
    const forged = [
      `pt1.pull.${expires}.${signature}`,
      pull.slice(0, -2) + (pull.endsWith('AA') ? 'AB' : 'AA'),
      pull.replace(/\.(\d+)\./, (_, n: string) => `.${Number(n) + 1000}.`),
    ];
    for (const value of forged) await expectRefused(o, { Authorization: `Bearer ${value}` }, 401, 'invalid_token');
    const rotated = { ...o, vars: { ...o.vars, PULL_TOKEN: OTHER } };
    await expectRefused(rotated, { Authorization: `Bearer ${pull}` }, 401, 'invalid_token');
  });

  it('POST /token (OAuth2): 404, so clients fall back to GET as the token specification has them', async () => {
    const o = await origin({ PULL_TOKEN: PULL });
    const body = new URLSearchParams({ grant_type: 'password', username: 'pull', password: PULL, service: 'registry.test' });
    const response = await call('POST /token', { worker: o.worker, vars: o.vars, body, headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
    expect(response.status).toBe(404);
    expect((await errorOf(response)).code).toBe('NOT_FOUND');
  });

  it('GET /token without a PULL_TOKEN: 404, this worker issues no tokens', async () => {
    const response = await call('GET /token');
    expect(response.status).toBe(404);
    expect((await errorOf(response)).message).toBe('this worker issues no tokens: no PULL_TOKEN is configured');
  });
});

describe('configuration', () => {
  it('refuses a registry given twice under Docker Hub aliases, and an ANONYMOUS_PULL naming nothing', async () => {
    for (const [vars, message] of [
      [{ UPSTREAMS: 'docker.io=https://a.example, index.docker.io=https://b.example' }, 'invalid configuration: UPSTREAMS: "docker.io" is given twice (Docker Hub\'s aliases name one registry)'],
      [{ ANONYMOUS_PULL: ' , ' }, 'invalid configuration: ANONYMOUS_PULL: names nothing: use none to open no registry'],
    ] as const) {
      const response = await call('GET /v2/demo/app/manifests/1.0', { vars });
      expect(response.status).toBe(500);
      expect((await errorOf(response)).message).toBe(message);
    }
  });

  it('names Docker Hub by any of its aliases, in UPSTREAMS, UPSTREAM_CREDENTIALS and ANONYMOUS_PULL alike', () => {
    const hub = (vars: Partial<Env>) => parseConfig({ MANIFESTS: undefined!, ...vars } as Env);
    const closed = hub({ UPSTREAMS: 'Index.Docker.io=https://registry-1.docker.io', UPSTREAM_CREDENTIALS: '{"registry-1.docker.io": "u:p"}' });
    expect(closed.upstreams['docker.io']?.credentials).toEqual({ username: 'u', password: 'p' });
    expect(anonymousMayPull(closed, 'docker.io')).toBe(false);
    const open = hub({ UPSTREAMS: 'docker.io=https://registry-1.docker.io', UPSTREAM_CREDENTIALS: '{"docker.io": "u:p"}', ANONYMOUS_PULL: 'public, INDEX.docker.io' });
    expect(anonymousMayPull(open, 'docker.io')).toBe(true);
  });


  it.each([
    ['PULL_TOKEN', 'short', 'invalid configuration: PULL_TOKEN: token 1 must be 16 to 512 printable ASCII characters'],
    ['PULL_TOKEN', `${PULL} tiny`, 'invalid configuration: PULL_TOKEN: token 2 must be 16 to 512 printable ASCII characters'],
    ['PULL_TOKEN', `${PULL}é-accented-and-long`, 'invalid configuration: PULL_TOKEN: token 1 must be 16 to 512 printable ASCII characters'],
    ['ANONYMOUS_PULL', 'public, all', 'invalid configuration: ANONYMOUS_PULL: "all" cannot be combined with anything else'],
    ['ANONYMOUS_PULL', 'public; docker.io', 'invalid configuration: ANONYMOUS_PULL: "public;" is not all, none, public or a registry host'],
  ])('%s=%j: 500 naming the variable, never the token', async (variable, value, message) => {
    const response = await call('GET /v2/demo/app/manifests/1.0', { vars: { [variable]: value } });
    expect(response.status).toBe(500);
    const error = await errorOf(response);
    expect(error.message).toBe(message);
    if (variable === 'PULL_TOKEN') expect(error.message).not.toContain(PULL);
  });
});
