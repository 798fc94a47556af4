/**
 * Origin registries that require authentication, through the worker with UPSTREAM_CREDENTIALS
 * (a second registry requiring authentication, Basic and a Bearer token server written for the
 * test, works through the worker, and wrong credentials give a clear 401/403).
 *
 * One worker, several names for the same two registries, each with its own credentials:
 *
 * | registry host       | origin                        | credentials           |
 * | ------------------- | ----------------------------- | --------------------- |
 * | `basic.test`        | htpasswd registry             | alice, right password |
 * | `basic-wrong.test`  | htpasswd registry             | alice, wrong password |
 * | `basic-anon.test`   | htpasswd registry             | none                  |
 * | `token.test`        | token-auth registry           | reader, right         |
 * | `token-wrong.test`  | token-auth registry           | reader, wrong         |
 * | `token-anon.test`   | token-auth registry           | none                  |
 * | `open.test`         | registry without auth         | none                  |
 *
 * The worker has a PULL_TOKEN, so the registries it pulls with credentials are served only to
 * clients that prove it (src/auth/PullAccess.ts); skopeo and podman do so through the token
 * flow (`GET /v2/` → 401 Bearer challenge → `GET /token` with Basic credentials).
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { WorkerServer } from '../../scripts/lib/miniflareWorker';
import { formatPlatform } from '../../scripts/lib/ociLayout';
import type { RegistryServer } from '../../scripts/lib/registryServer';
import { TokenServer } from '../../scripts/lib/registryTokenServer';
import { Podman } from '../../scripts/lib/podman';
import { copyPlatform, inspectRaw, sha256Hex } from '../../scripts/lib/skopeo';
import { ACCEPT_ALL, edgeCost, ociError } from './helpers/http';
import { buildImages, REPOSITORY, startOrigin, type OriginImages } from './helpers/origin';

const ALICE = { username: 'alice', password: 'basic-secret' };
const WRITER = { username: 'writer', password: 'writer-secret' };
const READER = { username: 'reader', password: 'reader-secret' };
/** The worker's PULL_TOKEN, and the credentials clients log in with (any user name). */
const PULL_TOKEN = 'integration-pull-token-0123456789';
const CLIENT = { username: 'pull', password: PULL_TOKEN };
const AUTHORIZED = { Accept: ACCEPT_ALL, Authorization: `Bearer ${PULL_TOKEN}` };

let images: OriginImages;
let basic: RegistryServer;
let tokens: TokenServer;
let bearer: RegistryServer;
let open: RegistryServer;
let worker: WorkerServer;

beforeAll(async () => {
  images = await buildImages();
  basic = await startOrigin(images, { auth: { kind: 'htpasswd', users: { alice: ALICE.password } }, label: 'basic-auth registry', creds: ALICE });
  tokens = await TokenServer.start({
    users: { writer: { password: WRITER.password, actions: ['pull', 'push'] }, reader: { password: READER.password, actions: ['pull'] } },
  });
  bearer = await startOrigin(images, { auth: tokens.registryAuth, label: 'token-auth registry', creds: WRITER });
  open = await startOrigin(images, { label: 'registry without auth' });
  const upstreams = {
    'basic.test': basic.url,
    'basic-wrong.test': basic.url,
    'basic-anon.test': basic.url,
    'token.test': bearer.url,
    'token-wrong.test': bearer.url,
    'token-anon.test': bearer.url,
    'open.test': open.url,
  };
  const credentials = {
    'basic.test': `${ALICE.username}:${ALICE.password}`,
    'basic-wrong.test': `${ALICE.username}:not-the-password`,
    'token.test': `${READER.username}:${READER.password}`,
    'token-wrong.test': `${READER.username}:not-the-password`,
  };
  worker = await WorkerServer.start({
    bundle: inject('workerBundle'),
    vars: {
      UPSTREAMS: Object.entries(upstreams).map(([host, url]) => `${host}=${url}`).join(','),
      UPSTREAM_CREDENTIALS: JSON.stringify(credentials),
      PULL_TOKEN,
    },
  });
});

afterAll(async () => {
  await worker?.stop();
  await basic?.dispose();
  await bearer?.dispose();
  await open?.dispose();
  await tokens?.stop();
});

const manifestPath = (host: string, tag: string) => `/v2/${host}/${REPOSITORY}/manifests/${tag}`;

describe.each(['basic.test', 'token.test'])('%s with the right credentials', (host) => {
  it('serves the index to skopeo byte for byte', async () => {
    expect(sha256Hex(await inspectRaw(`${worker.host}/${host}/${REPOSITORY}:1.0`, { creds: CLIENT }))).toBe(images.oci.index.digest);
  });

  it('serves linux/arm/v7 to skopeo copy, blobs included', async () => {
    const child = images.docker.children.find((c) => formatPlatform(c.platform) === 'linux/arm/v7')!;
    const copied = await copyPlatform(`${worker.host}/${host}/${REPOSITORY}:1.0-docker`, { platform: child.platform, creds: CLIENT });
    expect(copied.digest).toBe(child.manifest.digest);
  });
});

describe('token.test', () => {
  it('fetched one token for all of that, and sends it up front afterwards', async () => {
    const issued = tokens.requests.filter((r) => r.account === READER.username && r.status === 200);
    expect(issued.map((r) => r.scopes)).toEqual([[`repository:${REPOSITORY}:pull`]]);
    expect(issued[0]!.granted).toEqual([{ name: REPOSITORY, actions: ['pull'] }]);
    // A by-digest manifest not seen yet: an upstream GET with the cached token, no new token.
    const attestation = images.oci.children[5]!.attestation!;
    const response = await worker.fetch(manifestPath('token.test', attestation.digest), { headers: AUTHORIZED });
    expect(response.status).toBe(200);
    expect(response.headers.get('Docker-Content-Digest')).toBe(attestation.digest);
    expect(edgeCost(response)).toMatchObject({ upstream: 1, tokens: 0 });
    expect(tokens.requests.filter((r) => r.account === READER.username)).toHaveLength(1);
  });
});

describe('wrong or missing credentials', () => {
  it.each([
    ['basic-wrong.test', 403, 'DENIED', `basic-wrong.test/${REPOSITORY}:1.0 is not cached: upstream basic-wrong.test refused user "alice" access to repository ${REPOSITORY}: wrong credentials, or no pull permission`],
    ['basic-anon.test', 401, 'UNAUTHORIZED', `basic-anon.test/${REPOSITORY}:1.0 is not cached: upstream basic-anon.test requires authentication for repository ${REPOSITORY} (or it does not exist there), and no credentials are configured for basic-anon.test in UPSTREAM_CREDENTIALS`],
    ['token-anon.test', 401, 'UNAUTHORIZED', `token-anon.test/${REPOSITORY}:1.0 is not cached: upstream token-anon.test requires authentication for repository ${REPOSITORY} (or it does not exist there), and no credentials are configured for token-anon.test in UPSTREAM_CREDENTIALS`],
  ] as const)('%s → %i %s', async (host, status, code, message) => {
    const response = await worker.fetch(manifestPath(host, '1.0'), { headers: AUTHORIZED });
    expect(response.status).toBe(status);
    expect(response.headers.get('Content-Type')).toBe('application/json');
    const error = await ociError(response);
    expect(error).toMatchObject({ code, message });
    expect(JSON.stringify(error)).not.toMatch(/secret|not-the-password/);
  });

  it('token-wrong.test → 403 DENIED naming the token endpoint that refused the user', async () => {
    const response = await worker.fetch(manifestPath('token-wrong.test', '1.0'), { headers: AUTHORIZED });
    expect(response.status).toBe(403);
    const error = await ociError(response);
    expect(error).toEqual({
      code: 'DENIED',
      message: `token-wrong.test/${REPOSITORY}:1.0 is not cached: upstream token-wrong.test token endpoint 127.0.0.1:${tokens.port} refused the credentials of user "reader" (401) for repository ${REPOSITORY}`,
      detail: { upstreamStatus: 401 },
    });
    expect(tokens.requests.at(-1)).toMatchObject({ account: 'reader', status: 401 });
  });

  it('skopeo through the worker fails with the worker\'s message', async () => {
    await expect(inspectRaw(`${worker.host}/basic-wrong.test/${REPOSITORY}:1.0`, { creds: CLIENT })).rejects.toThrow(
      /denied: basic-wrong\.test\/demo\/multi:1\.0 is not cached: upstream basic-wrong\.test refused user \\"alice\\"/,
    );
  });
});

describe('pull access: registries pulled with credentials need the PULL_TOKEN', () => {
  it('skopeo without credentials is refused with the worker\'s message, though the tag is cached', async () => {
    await expect(inspectRaw(`${worker.host}/basic.test/${REPOSITORY}:1.0-docker`)).rejects.toThrow(
      /authentication required: this repository needs a pull token/,
    );
  });

  it('skopeo with a wrong PULL_TOKEN gets only an anonymous token, and is refused', async () => {
    await expect(inspectRaw(`${worker.host}/basic.test/${REPOSITORY}:1.0`, { creds: { username: 'pull', password: 'not-the-pull-token-xyz' } })).rejects.toThrow(
      /authentication required: this repository needs a pull token/,
    );
  });

  it('skopeo without credentials still pulls a registry the worker reaches without them (anonymous token)', async () => {
    expect(sha256Hex(await inspectRaw(`${worker.host}/open.test/${REPOSITORY}:1.0`))).toBe(images.oci.index.digest);
  });

  it('podman pull --creds pull:<PULL_TOKEN> gets the image the origin has', async () => {
    const podman = await Podman.create([worker.host]);
    try {
      const child = images.oci.children.find((c) => formatPlatform(c.platform) === 'linux/arm64/v8')!;
      const pulled = await podman.pull(`${worker.host}/token.test/${REPOSITORY}:1.0`, 'linux/arm64', CLIENT);
      expect(pulled.id).toBe(child.config.digest.slice('sha256:'.length));
      expect(pulled.architecture).toBe('arm64');
      await podman.removeAll();
      await expect(podman.pull(`${worker.host}/token.test/${REPOSITORY}:1.0`, 'linux/arm64')).rejects.toThrow(/authentication required/);
    } finally {
      await podman.dispose();
    }
  });

  it('podman login: the PULL_TOKEN passes; a wrong one passes too (anonymous token), as the README says', async () => {
    const podman = await Podman.create([worker.host]);
    try {
      await podman.login(worker.host, CLIENT);
      await podman.login(worker.host, { username: 'pull', password: 'not-the-pull-token-xyz' });
    } finally {
      await podman.dispose();
    }
  });

  it('curl-style: Bearer PULL_TOKEN or Basic on /resolve; nothing without', async () => {
    const path = `/resolve/basic.test/${REPOSITORY}:1.0?platform=linux/arm/v7`;
    const anonymous = await worker.fetch(path, { headers: { Accept: 'text/plain' } });
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('WWW-Authenticate')).toBe(
      `Bearer realm="${worker.url}/token",service="${new URL(worker.url).host}",scope="repository:basic.test/${REPOSITORY}:pull"`,
    );
    const child = images.oci.children.find((c) => formatPlatform(c.platform) === 'linux/arm/v7')!;
    for (const authorization of [`Bearer ${PULL_TOKEN}`, `Basic ${Buffer.from(`ci:${PULL_TOKEN}`).toString('base64')}`]) {
      const response = await worker.fetch(path, { headers: { Accept: 'text/plain', Authorization: authorization } });
      expect(response.status).toBe(200);
      expect(await response.text()).toBe(`${child.manifest.digest}\n`);
      expect(response.headers.get('Cache-Control')).toBe('private, no-cache');
    }
  });
});
