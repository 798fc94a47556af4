/**
 * The harness itself, before anything goes through the worker: a real registry with images
 * pushed by skopeo (OCI and Docker media types, attestations), Basic and token auth that
 * registry clients accept, and the worker up under workerd.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { formatPlatform } from '../../scripts/lib/ociLayout';
import { WorkerServer } from '../../scripts/lib/miniflareWorker';
import { pushImage } from '../../scripts/lib/registryPush';
import { RegistryServer } from '../../scripts/lib/registryServer';
import { TokenServer } from '../../scripts/lib/registryTokenServer';
import { copyPlatform, inspectRaw, sha256Hex } from '../../scripts/lib/skopeo';
import { buildImages, REPOSITORY, startOrigin, type OriginImages } from './helpers/origin';

let images: OriginImages;

beforeAll(async () => {
  images = await buildImages();
});

describe('docker-registry with pushed images', () => {
  let registry: RegistryServer;
  beforeAll(async () => {
    registry = await startOrigin(images);
  });
  afterAll(() => registry.dispose());

  it('serves the pushed OCI index and Docker manifest list byte for byte', async () => {
    expect(sha256Hex(await inspectRaw(`${registry.host}/${REPOSITORY}:1.0`))).toBe(images.oci.index.digest);
    expect(sha256Hex(await inspectRaw(`${registry.host}/${REPOSITORY}:1.0-docker`))).toBe(images.docker.index.digest);
    const list = JSON.parse((await inspectRaw(`${registry.host}/${REPOSITORY}:1.0-docker`)).toString()) as { mediaType: string; manifests: unknown[] };
    expect(list.mediaType).toBe('application/vnd.docker.distribution.manifest.list.v2+json');
    expect(list.manifests).toHaveLength(20);
  });

  it('serves each attestation manifest by digest', async () => {
    const attestation = images.oci.children[1]!.attestation!;
    expect(sha256Hex(await inspectRaw(`${registry.host}/${REPOSITORY}@${attestation.digest}`))).toBe(attestation.digest);
  });

  it('gives skopeo --override-arch the built child of linux/arm64/v8, blobs included', async () => {
    const arm64 = images.docker.children[1]!;
    expect(formatPlatform(arm64.platform)).toBe('linux/arm64/v8');
    const copied = await copyPlatform(`${registry.host}/${REPOSITORY}:1.0-docker`, { platform: arm64.platform });
    expect(copied.digest).toBe(arm64.manifest.digest);
    expect(copied.config).toMatchObject({ architecture: 'arm64', variant: 'v8', os: 'linux' });
  });

  it('logs every request it answers', async () => {
    const before = registry.accessLog.length;
    await fetch(`${registry.url}/v2/${REPOSITORY}/manifests/1.0`, { method: 'HEAD', headers: { Accept: images.oci.index.mediaType } });
    await fetch(`${registry.url}/v2/${REPOSITORY}/manifests/nope`);
    await registry.flushAccessLog();
    expect(registry.accessLog.slice(before).map((e) => `${e.method} ${e.path} ${e.status}`)).toEqual([
      `HEAD /v2/${REPOSITORY}/manifests/1.0 200`,
      `GET /v2/${REPOSITORY}/manifests/nope 404`,
    ]);
  });

  it('keeps its content across stop and restart on the same port', async () => {
    const port = registry.port;
    await registry.stop();
    await expect(fetch(`${registry.url}/v2/`)).rejects.toThrow();
    await registry.restart();
    expect(registry.port).toBe(port);
    expect(sha256Hex(await inspectRaw(`${registry.host}/${REPOSITORY}:1.0`))).toBe(images.oci.index.digest);
  });
});

describe('docker-registry with htpasswd Basic auth', () => {
  const creds = { username: 'alice', password: 'basic-secret' };
  let registry: RegistryServer;
  beforeAll(async () => {
    registry = await startOrigin(images, { auth: { kind: 'htpasswd', users: { alice: creds.password } }, label: 'basic-auth registry', creds });
  });
  afterAll(() => registry.dispose());

  it('challenges anonymous requests with Basic', async () => {
    const response = await fetch(`${registry.url}/v2/`);
    expect(response.status).toBe(401);
    expect(response.headers.get('WWW-Authenticate')).toBe('Basic realm="basic-auth registry"');
  });

  it('serves the index to skopeo with the right credentials, refuses wrong ones', async () => {
    expect(sha256Hex(await inspectRaw(`${registry.host}/${REPOSITORY}:1.0`, { creds }))).toBe(images.oci.index.digest);
    await expect(inspectRaw(`${registry.host}/${REPOSITORY}:1.0`, { creds: { ...creds, password: 'wrong' } })).rejects.toThrow(/unauthorized|authentication required/i);
  });
});

describe('docker-registry with token auth and the harness token server', () => {
  const writer = { username: 'writer', password: 'token-secret' };
  let tokens: TokenServer;
  let registry: RegistryServer;
  beforeAll(async () => {
    tokens = await TokenServer.start({
      users: { writer: { password: writer.password, actions: ['pull', 'push'] }, reader: { password: 'reader-secret', actions: ['pull'] } },
    });
    registry = await startOrigin(images, { auth: tokens.registryAuth, label: 'token-auth registry', creds: writer });
  });
  afterAll(async () => {
    await registry.dispose();
    await tokens.stop();
  });

  it('challenges with Bearer naming the realm, service and scope', async () => {
    const response = await fetch(`${registry.url}/v2/${REPOSITORY}/manifests/1.0`);
    expect(response.status).toBe(401);
    expect(response.headers.get('WWW-Authenticate')).toBe(
      `Bearer realm="${tokens.realm}",service="harness-registry",scope="repository:${REPOSITORY}:pull"`,
    );
  });

  it('grants a reader pull only, and the registry honours the token', async () => {
    const auth = `Basic ${Buffer.from('reader:reader-secret').toString('base64')}`;
    const answer = await fetch(`${tokens.realm}?service=harness-registry&scope=repository:${REPOSITORY}:pull,push`, { headers: { Authorization: auth } });
    expect(answer.status).toBe(200);
    const { token, expires_in } = (await answer.json()) as { token: string; expires_in: number };
    expect(expires_in).toBe(300);
    expect(tokens.requests.at(-1)?.granted).toEqual([{ name: REPOSITORY, actions: ['pull'] }]);
    const manifest = await fetch(`${registry.url}/v2/${REPOSITORY}/manifests/1.0`, {
      headers: { Authorization: `Bearer ${token}`, Accept: images.oci.index.mediaType },
    });
    expect(manifest.status).toBe(200);
    expect(manifest.headers.get('Docker-Content-Digest')).toBe(images.oci.index.digest);
  });

  it('answers wrong credentials with 401 and anonymous requests with a token that grants nothing', async () => {
    const wrong = await fetch(`${tokens.realm}?service=harness-registry&scope=repository:${REPOSITORY}:pull`, {
      headers: { Authorization: `Basic ${Buffer.from('reader:nope').toString('base64')}` },
    });
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toEqual({ errors: [{ code: 'UNAUTHORIZED', message: 'invalid username or password' }] });
    const anonymous = await fetch(`${tokens.realm}?service=harness-registry&scope=repository:${REPOSITORY}:pull`);
    const { token } = (await anonymous.json()) as { token: string };
    const denied = await fetch(`${registry.url}/v2/${REPOSITORY}/manifests/1.0`, { headers: { Authorization: `Bearer ${token}` } });
    expect(denied.status).toBe(401);
  });

  it('lets skopeo pull with credentials and refuses a push by a pull-only user', async () => {
    expect(sha256Hex(await inspectRaw(`${registry.host}/${REPOSITORY}:1.0-docker`, { creds: { username: 'reader', password: 'reader-secret' } }))).toBe(images.docker.index.digest);
    await expect(
      pushImage(images.oci, { registry: registry.host, repository: REPOSITORY, tag: 'forbidden', creds: { username: 'reader', password: 'reader-secret' } }),
    ).rejects.toThrow(/unauthorized|denied|authentication required/i);
  });
});

describe('the worker under workerd (Miniflare)', () => {
  let worker: WorkerServer;
  beforeAll(async () => {
    worker = await WorkerServer.start({ bundle: inject('workerBundle') });
  });
  afterAll(() => worker.stop());

  it('answers GET /v2/ with 200 {} and the API version header', async () => {
    const response = await worker.fetch('/v2/');
    expect(response.status).toBe(200);
    expect(response.headers.get('Docker-Distribution-API-Version')).toBe('registry/2.0');
    expect(await response.json()).toEqual({});
  });
});
