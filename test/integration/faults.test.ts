/**
 * Origin faults (docs/security.md, "Availability", "Integrity"): the worker under workerd
 * (Miniflare) pulls through from a real docker-registry with a FaultProxy
 * (scripts/lib/faultProxy.ts) in between, and a second one in front of the registry's token server.
 * For each fault:
 *
 * - a tag not cached gets a clear JSON error — 502 BAD_GATEWAY for an answer refused (digest
 *   mismatch, truncated or invalid manifest, over 4 MiB, a redirect it will not follow), 503
 *   UNAVAILABLE for an origin that fails or cannot be reached (timeouts included: the spec has
 *   no 504 code), 429 TOOMANYREQUESTS with Retry-After — and the next request after the fault
 *   is cleared gets the right manifest;
 * - a tag cached but stale is served stale (`X-Cache-Status: stale`) at once, fault or not;
 * - every request finishes within the upstream deadline (10 s, DEFAULT_UPSTREAM_TIMEOUT_MS)
 *   plus a margin;
 * - afterwards every manifest and tag in KV is re-hashed (scripts/lib/kvAudit.ts): no corrupt
 *   or mismatched entry, and each tag holds the digest the origin really has.
 */
import { createServer, type Server } from 'node:http';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { FaultProxy, type Fault } from '../../scripts/lib/faultProxy';
import { auditKv } from '../../scripts/lib/kvAudit';
import { WorkerServer } from '../../scripts/lib/miniflareWorker';
import type { RegistryServer } from '../../scripts/lib/registryServer';
import { TokenServer } from '../../scripts/lib/registryTokenServer';
import { ACCEPT_ALL, ociError, sha256 } from './helpers/http';
import { buildImages, REPOSITORY, startOrigin, type OriginImages } from './helpers/origin';

/** The worker's deadline for an upstream answer (src/upstream/RegistryClient.ts). */
const UPSTREAM_TIMEOUT_MS = 10_000;
/** What a request may take beyond it: the worker's own work and a loaded CI machine. */
const MARGIN_MS = 3_000;
const TAG_TTL_S = 2;
const ADMIN_TOKEN = 'faults-admin-token';
const WRITER = { username: 'writer', password: 'faults-writer-secret' };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

let images: OriginImages;
const totals = { faults: 0, verified: 0, requests: 0 };

beforeAll(async () => {
  images = await buildImages();
});

afterAll(() => {
  console.log(`faults: ${totals.faults} faults injected, ${totals.requests} requests timed, ${totals.verified} KV entries re-verified`);
});

/** Tags the scenarios use, pushed to the origin as copies of the OCI index (digest unchanged). */
async function pushTags(registry: RegistryServer, repository: string, tags: string[], image = images.oci): Promise<void> {
  for (const tag of tags) {
    const response = await fetch(`${registry.url}/v2/${repository}/manifests/${tag}`, {
      method: 'PUT',
      headers: { 'Content-Type': image.index.mediaType },
      body: image.index.bytes,
    });
    if (response.status !== 201) throw new Error(`pushing ${repository}:${tag}: ${response.status} ${await response.text()}`);
  }
}

interface Timed {
  response: Response;
  body: ArrayBuffer;
  ms: number;
}

describe('an anonymous origin behind a fault proxy', () => {
  let registry: RegistryServer;
  let proxy: FaultProxy;
  let worker: WorkerServer;
  let elsewhere: Server;
  let elsewhereHits: { path: string; authorization: string | undefined }[];
  let elsewhereUrl: string;
  /** Tag key → the digest the origin has for it, for the KV audit. */
  const expectedTags = new Map<string, string>();

  const COLD = ['hang', 'close', 'slow', 'reset', 's500', 's502', 's503', 'r429', 'trunc', 'trunc-digest', 'tamper', 'ctype', 'big', 'big-chunked', 'redirect'];
  const STALE = ['st-hang', 'st-503', 'st-429', 'st-tamper', 'st-reset'];

  beforeAll(async () => {
    registry = await startOrigin(images);
    await pushTags(registry, REPOSITORY, [...COLD, ...STALE]);
    for (const tag of [...COLD, ...STALE, '1.0']) expectedTags.set(`v1:tag:origin.test/${REPOSITORY}:${tag}`, images.oci.index.digest);
    expectedTags.set(`v1:tag:origin.test/${REPOSITORY}:1.0-docker`, images.docker.index.digest);
    proxy = await FaultProxy.start(registry.url);
    elsewhereHits = [];
    elsewhere = createServer((req, res) => {
      elsewhereHits.push({ path: req.url ?? '', authorization: req.headers.authorization });
      res.writeHead(200, { 'Content-Type': images.oci.index.mediaType }).end(images.oci.index.bytes);
    });
    await new Promise<void>((resolve) => elsewhere.listen(0, '127.0.0.1', resolve));
    elsewhereUrl = `http://127.0.0.1:${(elsewhere.address() as { port: number }).port}`;
    worker = await WorkerServer.start({
      bundle: inject('workerBundle'),
      vars: { UPSTREAMS: `origin.test=${proxy.url}`, TAG_TTL: String(TAG_TTL_S), STALE_TTL: '3600', NEGATIVE_TTL: '0', ADMIN_TOKEN, BLOB_ORIGIN: '' },
    });
  });

  afterEach(async () => {
    proxy.clear();
    const audit = await auditKv(worker.mf, expectedTags);
    totals.verified += audit.verified;
    expect(audit.problems).toEqual([]);
  });

  afterAll(async () => {
    totals.faults += proxy?.totalInjected ?? 0;
    await worker?.stop();
    await proxy?.stop();
    await new Promise((resolve) => elsewhere?.close(resolve));
    await registry?.dispose();
  });

  const tagPath = (tag: string) => `/v2/origin.test/${REPOSITORY}/manifests/${tag}`;
  const tagRequests = (tag: string) => ({ path: new RegExp(`^/v2/${escape(REPOSITORY)}/manifests/${escape(tag)}$`) });

  async function timed(path: string, init: RequestInit = { headers: { Accept: ACCEPT_ALL } }): Promise<Timed> {
    const started = Date.now();
    const response = await worker.fetch(path, init);
    const body = await response.arrayBuffer();
    const ms = Date.now() - started;
    totals.requests++;
    expect(ms, `${path} took ${ms} ms`).toBeLessThanOrEqual(UPSTREAM_TIMEOUT_MS + MARGIN_MS);
    return { response, body, ms };
  }

  async function expectError(t: Timed, status: number, code: string): Promise<string> {
    expect(t.response.status).toBe(status);
    const error = await ociError(new Response(t.body, { headers: t.response.headers }));
    expect(error.code).toBe(code);
    return error.message;
  }

  /** After the fault is cleared, the tag is pulled through as the origin has it. */
  async function expectRecovery(tag: string): Promise<void> {
    proxy.clear();
    const t = await timed(tagPath(tag));
    expect(t.response.status).toBe(200);
    expect(sha256(t.body)).toBe(images.oci.index.digest);
  }

  const cold: [string, number, string, string, Fault][] = [
    ['no answer (connect timeout)', 503, 'UNAVAILABLE', 'hang', { kind: 'hang' }],
    ['the connection closed before an answer', 503, 'UNAVAILABLE', 'close', { kind: 'close' }],
    ['a body slower than the deadline', 503, 'UNAVAILABLE', 'slow', { kind: 'slowBody', bytesPerTick: 16, tickMs: 500 }],
    ['a reset mid-body', 503, 'UNAVAILABLE', 'reset', { kind: 'resetMidBody' }],
    ['500', 503, 'UNAVAILABLE', 's500', { kind: 'status', status: 500 }],
    ['502', 503, 'UNAVAILABLE', 's502', { kind: 'status', status: 502 }],
    ['503', 503, 'UNAVAILABLE', 's503', { kind: 'status', status: 503, headers: { 'Retry-After': '1' } }],
    ['a truncated manifest', 502, 'BAD_GATEWAY', 'trunc', { kind: 'truncate', keepDigestHeader: false }],
    ['a truncated manifest with the full digest header', 502, 'BAD_GATEWAY', 'trunc-digest', { kind: 'truncate', keepDigestHeader: true }],
    ['a manifest whose digest does not match', 502, 'BAD_GATEWAY', 'tamper', { kind: 'tamper' }],
    ['a wrong Content-Type (text/html)', 502, 'BAD_GATEWAY', 'ctype', { kind: 'contentType', contentType: 'text/html' }],
    ['a manifest over 4 MiB (Content-Length)', 502, 'BAD_GATEWAY', 'big', { kind: 'oversize', bytes: 5 * 1024 * 1024, chunked: false }],
    ['a manifest over 4 MiB (chunked)', 502, 'BAD_GATEWAY', 'big-chunked', { kind: 'oversize', bytes: 6 * 1024 * 1024, chunked: true }],
  ];

  it.each(cold)('a tag not cached, origin answering %s: %i %s in bounded time, nothing stored, then recovery', async (_, status, code, tag, fault) => {
    proxy.inject(tagRequests(tag), fault);
    const t = await timed(tagPath(tag));
    await expectError(t, status, code);
    const kv = await worker.mf.getKVNamespace('MANIFESTS');
    expect(await kv.get(`v1:tag:origin.test/${REPOSITORY}:${tag}`)).toBeNull();
    await expectRecovery(tag);
  }, 60_000);

  it('a tag not cached, origin answering 429 with Retry-After: 429 with the same Retry-After, then no origin request until it passes', async () => {
    proxy.inject(tagRequests('r429'), { kind: 'status', status: 429, headers: { 'Retry-After': '2' } });
    const first = await timed(tagPath('r429'));
    await expectError(first, 429, 'TOOMANYREQUESTS');
    expect(first.response.headers.get('Retry-After')).toBe('2');
    const since = proxy.requests.length;
    const second = await timed(tagPath('r429'));
    await expectError(second, 429, 'TOOMANYREQUESTS');
    expect(Number(second.response.headers.get('Retry-After'))).toBeLessThanOrEqual(2);
    expect(proxy.count(tagRequests('r429'), since)).toBe(0);
    await sleep(2_100);
    await expectRecovery('r429');
  }, 60_000);

  it('a manifest redirected to a host that is not configured: followed without our Authorization, content verified', async () => {
    proxy.inject(tagRequests('redirect'), { kind: 'redirect', location: `${elsewhereUrl}/somewhere/index.json` });
    const t = await timed(tagPath('redirect'));
    // The origin chose to send us there; what came back is what the tag is stored as.
    expect(t.response.status).toBe(200);
    expect(sha256(t.body)).toBe(images.oci.index.digest);
    expect(elsewhereHits.map((h) => h.authorization)).toEqual([undefined]);
  });

  it('a blob redirected to a host that is not configured: 502 naming BLOB_REDIRECT_HOSTS, never fetched; the origin\'s own host handed on; a javascript: target refused', async () => {
    const digest = images.oci.children[0]!.manifest.digest; // any blob path will do: the proxy answers it
    const blobs = { path: /\/blobs\// };
    proxy.inject(blobs, { kind: 'redirect', location: `${elsewhereUrl}/blob?sig=1` });
    const before = elsewhereHits.length;
    const refusedHost = await timed(`/v2/origin.test/${REPOSITORY}/blobs/${digest}`);
    expect(await expectError(refusedHost, 502, 'BAD_GATEWAY')).toBe(`upstream origin.test redirected the blob to ${new URL(elsewhereUrl).host}, which is not in BLOB_REDIRECT_HOSTS`);
    expect(refusedHost.response.headers.get('Location')).toBeNull();
    expect(elsewhereHits.length).toBe(before);
    proxy.clear();
    proxy.inject(blobs, { kind: 'redirect', location: `${proxy.url}/storage/blob?sig=1` });
    const handedOn = await timed(`/v2/origin.test/${REPOSITORY}/blobs/${digest}`);
    expect(handedOn.response.status).toBe(307);
    expect(handedOn.response.headers.get('Location')).toBe(`${proxy.url}/storage/blob?sig=1`);
    proxy.clear();
    proxy.inject(blobs, { kind: 'redirect', location: 'javascript:alert(1)' });
    const refused = await timed(`/v2/origin.test/${REPOSITORY}/blobs/${digest}`);
    await expectError(refused, 502, 'BAD_GATEWAY');
    expect(refused.response.headers.get('Location')).toBeNull();
  });

  it('a child fetched by digest whose content does not match: 502, and it is not stored', async () => {
    const child = images.docker.children[2]!.manifest.digest;
    proxy.inject({ path: new RegExp(`/manifests/${child}$`) }, { kind: 'tamper' });
    const t = await timed(`/v2/origin.test/${REPOSITORY}/manifests/${child}`);
    await expectError(t, 502, 'BAD_GATEWAY');
    const kv = await worker.mf.getKVNamespace('MANIFESTS');
    expect(await kv.get(`v1:manifest:origin.test/${REPOSITORY}@${child}`)).toBeNull();
  });

  const stale: [string, string, Fault][] = [
    ['no answer', 'st-hang', { kind: 'hang' }],
    ['503', 'st-503', { kind: 'status', status: 503 }],
    ['429', 'st-429', { kind: 'status', status: 429, headers: { 'Retry-After': '30' } }],
    ['a manifest whose digest does not match', 'st-tamper', { kind: 'tamper' }],
    ['a reset mid-body', 'st-reset', { kind: 'resetMidBody' }],
  ];

  it('fills the tags the stale cases use, then lets them go stale', async () => {
    for (const [, tag] of stale) expect((await timed(tagPath(tag))).response.status).toBe(200);
    await sleep(TAG_TTL_S * 1000 + 300);
  }, 60_000);

  it.each(stale)('a stale tag, origin answering %s: served stale at once, and the stored copy is untouched', async (_, tag, fault) => {
    proxy.inject(tagRequests(tag), fault);
    const t = await timed(tagPath(tag));
    expect(t.response.status).toBe(200);
    expect(t.response.headers.get('X-Cache-Status')).toBe('stale');
    expect(t.response.headers.get('Warning')).toMatch(/^110 /);
    expect(sha256(t.body)).toBe(images.oci.index.digest);
    expect(t.ms).toBeLessThan(2_000);
    // Let the background refresh meet the fault (a hang until the deadline) before the audit.
    await sleep(fault.kind === 'hang' ? UPSTREAM_TIMEOUT_MS + 500 : 500);
    const again = await timed(tagPath(tag));
    expect(again.response.status).toBe(200);
    expect(sha256(again.body)).toBe(images.oci.index.digest);
  }, 60_000);
});

describe('a token-auth origin whose token endpoint fails', () => {
  let tokens: TokenServer;
  let tokenProxy: FaultProxy;
  let registry: RegistryServer;
  let worker: WorkerServer;
  /** Each case asks for another child by digest: nothing cached, no prefetch warming the next. */
  let child = 0;

  beforeAll(async () => {
    // Tokens that live 2 s are usable for 1 s (TokenCache keeps them to half their lifetime):
    // a case that waits that long makes the worker ask the token endpoint again.
    tokens = await TokenServer.start({ users: { writer: { password: WRITER.password, actions: ['pull', 'push'] } }, expiresIn: 2 });
    tokenProxy = await FaultProxy.start(`http://127.0.0.1:${tokens.port}`);
    // The registry sends clients to the proxy for tokens; the proxy passes them to the token server.
    const auth = tokens.registryAuth;
    if (auth.kind !== 'token') throw new Error('the token server gives token auth settings');
    registry = await startOrigin(images, { auth: { ...auth, realm: `${tokenProxy.url}/token` }, label: 'token-auth registry', creds: WRITER });
    worker = await WorkerServer.start({
      bundle: inject('workerBundle'),
      vars: {
        UPSTREAMS: `origin.test=${registry.url}`,
        UPSTREAM_CREDENTIALS: JSON.stringify({ 'origin.test': `${WRITER.username}:${WRITER.password}` }),
        // Pulled with credentials, yet open to this test's anonymous requests (README "Private registries").
        ANONYMOUS_PULL: 'public, origin.test',
        NEGATIVE_TTL: '0',
      },
    });
  });

  afterEach(async () => {
    tokenProxy.clear();
    const audit = await auditKv(worker.mf);
    totals.verified += audit.verified;
    expect(audit.problems).toEqual([]);
  });

  afterAll(async () => {
    totals.faults += tokenProxy?.totalInjected ?? 0;
    await worker?.stop();
    await registry?.dispose();
    await tokenProxy?.stop();
    await tokens?.stop();
  });

  it.each([
    ['500', { kind: 'status', status: 500 } as Fault, 503],
    ['no answer', { kind: 'hang' } as Fault, 503],
    ['a body that is not JSON', { kind: 'status', status: 200, body: '<html>maintenance</html>' } as Fault, 503],
    ['429', { kind: 'status', status: 429, headers: { 'Retry-After': '1' } } as Fault, 429],
    ['a reset mid-body', { kind: 'resetMidBody' } as Fault, 503],
  ])('%s: a clear error in bounded time that never shows the credentials, then recovery', async (_, fault, status) => {
    await sleep(1_100); // any cached token is past its use now
    const digest = images.oci.children[child++]!.manifest.digest;
    const path = `/v2/origin.test/${REPOSITORY}/manifests/${digest}`;
    tokenProxy.inject({ path: /^\/token/ }, fault);
    const since = tokenProxy.requests.length;
    const started = Date.now();
    const response = await worker.fetch(path, { headers: { Accept: ACCEPT_ALL } });
    const text = await response.text();
    totals.requests++;
    expect(Date.now() - started).toBeLessThanOrEqual(UPSTREAM_TIMEOUT_MS + MARGIN_MS);
    expect(tokenProxy.count({ path: /^\/token/ }, since)).toBeGreaterThan(0);
    expect(response.status).toBe(status);
    expect(response.headers.get('Content-Type')).toBe('application/json');
    expect(text).not.toContain(WRITER.password);
    expect(text).not.toContain(Buffer.from(`${WRITER.username}:${WRITER.password}`).toString('base64'));
    tokenProxy.clear();
    await sleep(status === 429 ? 1_100 : 0);
    const recovered = await worker.fetch(path, { headers: { Accept: ACCEPT_ALL } });
    expect(recovered.status).toBe(200);
    expect(sha256(await recovered.arrayBuffer())).toBe(digest);
  }, 60_000);
});
