/**
 * Origin registries that require authentication, through the worker with UPSTREAM_CREDENTIALS
 * (issue 3, "a second registry requiring authentication (Basic, and a Bearer token server you
 * write for the test) works through the worker, and wrong credentials give a clear 401/403").
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
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { WorkerServer } from '../../scripts/lib/miniflareWorker';
import { formatPlatform } from '../../scripts/lib/ociLayout';
import type { RegistryServer } from '../../scripts/lib/registryServer';
import { TokenServer } from '../../scripts/lib/registryTokenServer';
import { copyPlatform, inspectRaw, sha256Hex } from '../../scripts/lib/skopeo';
import { ACCEPT_ALL, edgeCost, ociError } from './helpers/http';
import { buildImages, REPOSITORY, startOrigin, type OriginImages } from './helpers/origin';

const ALICE = { username: 'alice', password: 'basic-secret' };
const WRITER = { username: 'writer', password: 'writer-secret' };
const READER = { username: 'reader', password: 'reader-secret' };

let images: OriginImages;
let basic: RegistryServer;
let tokens: TokenServer;
let bearer: RegistryServer;
let worker: WorkerServer;

beforeAll(async () => {
  images = await buildImages();
  basic = await startOrigin(images, { auth: { kind: 'htpasswd', users: { alice: ALICE.password } }, label: 'basic-auth registry', creds: ALICE });
  tokens = await TokenServer.start({
    users: { writer: { password: WRITER.password, actions: ['pull', 'push'] }, reader: { password: READER.password, actions: ['pull'] } },
  });
  bearer = await startOrigin(images, { auth: tokens.registryAuth, label: 'token-auth registry', creds: WRITER });
  const upstreams = {
    'basic.test': basic.url,
    'basic-wrong.test': basic.url,
    'basic-anon.test': basic.url,
    'token.test': bearer.url,
    'token-wrong.test': bearer.url,
    'token-anon.test': bearer.url,
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
    },
  });
});

afterAll(async () => {
  await worker?.stop();
  await basic?.dispose();
  await bearer?.dispose();
  await tokens?.stop();
});

const manifestPath = (host: string, tag: string) => `/v2/${host}/${REPOSITORY}/manifests/${tag}`;

describe.each(['basic.test', 'token.test'])('%s with the right credentials', (host) => {
  it('serves the index to skopeo byte for byte', async () => {
    expect(sha256Hex(await inspectRaw(`${worker.host}/${host}/${REPOSITORY}:1.0`))).toBe(images.oci.index.digest);
  });

  it('serves linux/arm/v7 to skopeo copy, blobs included', async () => {
    const child = images.docker.children.find((c) => formatPlatform(c.platform) === 'linux/arm/v7')!;
    const copied = await copyPlatform(`${worker.host}/${host}/${REPOSITORY}:1.0-docker`, { platform: child.platform });
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
    const response = await worker.fetch(manifestPath('token.test', attestation.digest), { headers: { Accept: ACCEPT_ALL } });
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
    const response = await worker.fetch(manifestPath(host, '1.0'), { headers: { Accept: ACCEPT_ALL } });
    expect(response.status).toBe(status);
    expect(response.headers.get('Content-Type')).toBe('application/json');
    const error = await ociError(response);
    expect(error).toMatchObject({ code, message });
    expect(JSON.stringify(error)).not.toMatch(/secret|not-the-password/);
  });

  it('token-wrong.test → 403 DENIED naming the token endpoint that refused the user', async () => {
    const response = await worker.fetch(manifestPath('token-wrong.test', '1.0'), { headers: { Accept: ACCEPT_ALL } });
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
    await expect(inspectRaw(`${worker.host}/basic-wrong.test/${REPOSITORY}:1.0`)).rejects.toThrow(
      /denied: basic-wrong\.test\/demo\/multi:1\.0 is not cached: upstream basic-wrong\.test refused user \\"alice\\"/,
    );
  });
});
