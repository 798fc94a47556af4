import { beforeEach, describe, expect, it } from 'vitest';
import { call, errorOf } from '../helpers/worker';
import { childDigest, IMAGE, seedDemo } from '../helpers/demo';
import type { BuiltImage } from '../../scripts/lib/ociLayout';
import { createWorker } from '../../src/createWorker';
import type { ManifestStore } from '../../src/store/ManifestStore';

let oci: BuiltImage;
let store: ManifestStore;
beforeEach(async () => {
  ({ oci, store } = await seedDemo());
});

describe('GET /resolve/<name>:<tag>', () => {
  it('answers the arm64/v8 child for linux/arm64, with the whole story', async () => {
    const { storedAt } = (await store.getTag(IMAGE, '1.0'))!;
    const worker = createWorker({ now: () => storedAt + 42_500 });
    const response = await call('GET /resolve/demo/app:1.0?platform=linux/arm64', { worker });
    expect(response.status).toBe(200);
    expect(response.headers.get('Content-Type')).toBe('application/json; charset=utf-8');
    const body = (await response.json()) as Record<string, unknown>;
    const child = oci.children.find((c) => c.platform.architecture === 'arm64')!.manifest;
    expect(body).toMatchObject({
      image: 'docker.io/demo/app',
      registry: 'docker.io',
      repository: 'demo/app',
      tag: '1.0',
      index: { digest: oci.index.digest, mediaType: 'application/vnd.oci.image.index.v1+json' },
      requested: { platform: 'linux/arm64', source: 'query', match: 'compatible' },
      platform: 'linux/arm64/v8',
      exact: true,
      manifest: { digest: child.digest, mediaType: child.mediaType, size: child.size },
    });
    // A registry without an origin is KV only: its tags never go stale, and reading KV confirms them (age 0).
    expect(body.cache).toEqual({ state: 'hit', ageSeconds: 0, stale: false, storedAt: new Date(storedAt).toISOString() });
  });

  it('Accept: text/plain gives the digest and a newline', async () => {
    const response = await call('GET /resolve/demo/app:1.0?platform=linux/arm/v7', { headers: { Accept: 'text/plain' } });
    expect(response.headers.get('Content-Type')).toBe('text/plain; charset=utf-8');
    expect(await response.text()).toBe(`${childDigest(oci, 'linux/arm/v7')}\n`);
  });

  it.each([
    ['query', '/resolve/demo/app:1.0?platform=linux/386', {}, undefined, 'linux/386'],
    ['header', '/resolve/demo/app:1.0', { 'X-Platform': 'linux/ppc64le' }, undefined, 'linux/ppc64le'],
    ['host', '/resolve/demo/app:1.0', {}, 'armv7.edge.test', 'linux/arm/v7'],
    ['client-hints', '/resolve/demo/app:1.0', { 'Sec-CH-UA-Platform': '"Linux"', 'Sec-CH-UA-Arch': '"arm"', 'Sec-CH-UA-Bitness': '"64"' }, undefined, 'linux/arm64/v8'],
    ['default', '/resolve/demo/app:1.0', {}, undefined, 'linux/amd64'],
  ] as const)('takes the platform from the %s', async (source, path, headers, host, platform) => {
    const body = (await (await call(`GET ${path}`, { headers, host })).json()) as { requested: { source: string }; platform: string };
    expect(body.requested.source).toBe(source);
    expect(body.platform).toBe(platform);
  });

  it('reports a compatible fallback as not exact', async () => {
    const body = (await (await call('GET /resolve/demo/app:1.0?platform=linux/arm64/v9')).json()) as Record<string, unknown>;
    expect(body.platform).toBe('linux/arm64/v8');
    expect(body.exact).toBe(false);
  });

  it('resolves an index named by digest', async () => {
    const response = await call(`GET /resolve/demo/app@${oci.index.digest}?platform=linux/s390x`, { headers: { Accept: 'text/plain' } });
    expect(await response.text()).toBe(`${childDigest(oci, 'linux/s390x')}\n`);
  });

  it('a single-manifest tag resolves to itself', async () => {
    const body = (await (await call('GET /resolve/demo/app:1.0-amd64?platform=linux/arm64')).json()) as Record<string, unknown>;
    expect(body.index).toBeNull();
    expect((body.manifest as { digest: string }).digest).toBe(childDigest(oci, 'linux/amd64'));
  });

  it('no match is a 404 that lists what the tag offers', async () => {
    const response = await call('GET /resolve/demo/app:1.0?platform=linux/riscv64&match=strict');
    expect(response.status).toBe(200); // riscv64 is offered: strict still matches
    const none = await call('GET /resolve/demo/app:1.0?platform=linux/mips64');
    expect(none.status).toBe(404);
    const error = await errorOf(none);
    expect(error.code).toBe('MANIFEST_UNKNOWN');
    expect((error.detail as { available: string[] }).available).toEqual([
      'linux/amd64', 'linux/arm64/v8', 'linux/arm/v7', 'linux/arm/v6', 'linux/386', 'linux/ppc64le', 'linux/s390x',
      'linux/riscv64', 'windows(10.0.17763.6659)/amd64', 'windows(10.0.20348.2966)/amd64',
    ]);
  });

  it.each([
    ['GET /resolve/Demo/App:1.0', 400, 'NAME_INVALID'],
    ['GET /resolve/demo/app:-x', 400, 'TAG_INVALID'],
    ['GET /resolve/demo/app@sha256:12', 400, 'DIGEST_INVALID'],
    ['GET /resolve/demo/app:9.9', 404, 'MANIFEST_UNKNOWN'],
    ['GET /resolve/demo/app:1.0?platform=linux/arm/v7/x', 400, 'PLATFORM_INVALID'],
  ] as const)('%s → %i %s', async (line, status, code) => {
    const response = await call(line);
    expect(response.status).toBe(status);
    expect((await errorOf(response)).code).toBe(code);
  });
});

describe('GET /platforms/<name>:<tag>', () => {
  it('lists the platforms with their digests, attestations left out', async () => {
    const response = await call('GET /platforms/demo/app:1.0');
    expect(response.status).toBe(200);
    const body = (await response.json()) as { digest: string; platforms: { platform: string; digest: string }[] };
    expect(body.digest).toBe(oci.index.digest);
    expect(body.platforms).toHaveLength(10);
    expect(body.platforms.map((p) => p.digest)).toEqual(oci.children.map((c) => c.manifest.digest));
    expect(body.platforms[1]).toMatchObject({ platform: 'linux/arm64/v8', os: 'linux', architecture: 'arm64', variant: 'v8' });
    expect(body.platforms[9]).toMatchObject({ os: 'windows', osVersion: '10.0.20348.2966' });
  });

  it('Accept: text/plain gives one "platform digest" line each', async () => {
    const text = await (await call('GET /platforms/demo/app:1.0', { headers: { Accept: 'text/plain' } })).text();
    const lines = text.trimEnd().split('\n');
    expect(lines).toHaveLength(10);
    expect(lines[2]).toBe(`linux/arm/v7 ${childDigest(oci, 'linux/arm/v7')}`);
  });

  it('a single-manifest tag offers no index platforms', async () => {
    const body = (await (await call('GET /platforms/demo/app:1.0-amd64')).json()) as { index: boolean; platforms: unknown[] };
    expect(body.index).toBe(false);
    expect(body.platforms).toEqual([]);
  });
});
