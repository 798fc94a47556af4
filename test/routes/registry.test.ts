import { beforeEach, describe, expect, it } from 'vitest';
import { call, errorOf } from '../helpers/worker';
import { seedDemo } from '../helpers/demo';

beforeEach(async () => {
  await seedDemo();
});

describe('GET /v2/', () => {
  it.each(['GET /v2/', 'GET /v2', 'HEAD /v2/'])('%s answers 200 {} with the API version header', async (line) => {
    const response = await call(line);
    expect(response.status).toBe(200);
    expect(response.headers.get('Docker-Distribution-API-Version')).toBe('registry/2.0');
    expect(await response.text()).toBe(line.startsWith('HEAD') ? '' : '{}\n');
  });
});

describe('errors, each with its code and status', () => {
  const digest = `sha256:${'a'.repeat(64)}`;
  it.each([
    ['GET /v2/Demo/App/manifests/1.0', 400, 'NAME_INVALID'],
    ['GET /v2/demo/app/manifests/-bad-tag', 400, 'TAG_INVALID'],
    [`GET /v2/demo/app/manifests/${'t'.repeat(129)}`, 400, 'TAG_INVALID'],
    ['GET /v2/demo/app/manifests/sha256:abc', 400, 'DIGEST_INVALID'],
    [`GET /v2/demo/app/manifests/sha256:${'A'.repeat(64)}`, 400, 'DIGEST_INVALID'],
    ['GET /v2/demo/app/manifests/2.0', 404, 'MANIFEST_UNKNOWN'],
    [`GET /v2/demo/app/manifests/${digest}`, 404, 'MANIFEST_UNKNOWN'],
    ['GET /v2/demo/app/manifests/1.0?platform=linux/%26arm', 400, 'PLATFORM_INVALID'],
    ['GET /v2/demo/app/manifests/1.0?platform=unknown/unknown', 400, 'PLATFORM_INVALID'],
    ['GET /v2/demo/app/manifests/1.0?platform=linux/arm64&match=loose', 400, 'PLATFORM_INVALID'],
    ['GET /v2/demo/app/blobs/sha256:xyz', 400, 'DIGEST_INVALID'],
    ['GET /v2/demo/app/tags/list?n=-1', 400, 'PAGINATION_NUMBER_INVALID'],
    ['GET /v2/nothing/here/tags/list', 404, 'NAME_UNKNOWN'],
    ['GET /v2/_catalog', 404, 'NOT_FOUND'],
    ['PUT /v2/demo/app/manifests/1.0', 405, 'UNSUPPORTED'],
    ['DELETE /v2/demo/app/manifests/1.0', 405, 'UNSUPPORTED'],
    ['POST /v2/demo/app/blobs/uploads/', 405, 'UNSUPPORTED'],
    ['PATCH /v2/demo/app/blobs/uploads/1', 405, 'UNSUPPORTED'],
    [`DELETE /v2/demo/app/blobs/${digest}`, 405, 'UNSUPPORTED'],
    ['GET /nowhere', 404, 'NOT_FOUND'],
  ] as const)('%s → %i %s', async (line, status, code) => {
    const response = await call(line);
    expect(response.status).toBe(status);
    expect(response.headers.get('Content-Type')).toBe('application/json');
    const error = await errorOf(response);
    expect(error.code).toBe(code);
    expect(error.message).not.toMatch(/\bat .*\.(ts|js):\d+/); // no stack traces
  });

  it.each([
    ['/resolve/demo/app:1.0?platform=linux/arm64'],
    ['/platforms/demo/app:1.0'],
    ['/favicon.svg'],
    ['/'],
  ])('HEAD %s answers as GET does, without a body', async (path) => {
    const get = await call(`GET ${path}`);
    const head = await call(`HEAD ${path}`);
    expect(head.status).toBe(200);
    expect(head.headers.get('Content-Type')).toBe(get.headers.get('Content-Type'));
    expect(await head.text()).toBe('');
  });

  it.each([
    ['POST /resolve/demo/app:1.0', 'GET, HEAD'],
    ['DELETE /platforms/demo/app:1.0', 'GET, HEAD'],
    ['PUT /favicon.svg', 'GET, HEAD'],
    ['POST /', 'GET, HEAD'],
  ])('%s → 405 UNSUPPORTED with Allow: %s', async (line, allow) => {
    const response = await call(line);
    expect(response.status).toBe(405);
    expect(response.headers.get('Allow')).toBe(allow);
    expect((await errorOf(response)).code).toBe('UNSUPPORTED');
  });

  it('405 says which methods are allowed', async () => {
    const response = await call('PUT /v2/demo/app/manifests/1.0');
    expect(response.headers.get('Allow')).toBe('GET, HEAD');
  });

  it('HEAD errors have the status and headers but no body', async () => {
    const response = await call('HEAD /v2/demo/app/manifests/2.0');
    expect(response.status).toBe(404);
    expect(response.headers.get('Content-Type')).toBe('application/json');
    expect(await response.text()).toBe('');
  });

  it('a bad configuration names the variable', async () => {
    const response = await call('GET /v2/', { vars: { DEFAULT_PLATFORM: 'linux/arm/v7/extra' } });
    expect(response.status).toBe(500);
    expect((await errorOf(response)).message).toMatch(/^invalid configuration: DEFAULT_PLATFORM/);
  });

  it.each([
    ['PLATFORM_HOSTS', 'nonsense'],
    ['PLATFORM_HOSTS', 'a.example=linux/&arm'],
    ['BLOB_ORIGIN', 'not a url'],
    ['BLOB_ORIGIN', 'https://{registry}.example.com/{digest}'],
    ['BLOB_ORIGIN', 'ftp://blobs.example.com/{digest}'],
    ['DEFAULT_REGISTRY', 'not a host!'],
  ])('%s=%s is refused with the variable named', async (variable, value) => {
    const response = await call('GET /v2/', { vars: { [variable]: value } });
    expect(response.status).toBe(500);
    expect((await errorOf(response)).message).toContain(`invalid configuration: ${variable}`);
  });
});

describe('GET /v2/<name>/blobs/<digest>', () => {
  const digest = `sha256:${'b'.repeat(64)}`;
  it('redirects to the configured blob origin', async () => {
    const response = await call(`GET /v2/demo/app/blobs/${digest}`);
    expect(response.status).toBe(307);
    expect(response.headers.get('Location')).toBe(`https://blobs.example.com/docker.io/demo/app/blobs/${digest}`);
    expect(response.headers.get('Docker-Content-Digest')).toBe(digest);
    expect(response.headers.get('X-Content-Type-Options')).toBe('nosniff');
  });

  it('HEAD redirects too', async () => {
    const response = await call(`HEAD /v2/ghcr.io/owner/tool/blobs/${digest}`);
    expect(response.status).toBe(307);
    expect(response.headers.get('Location')).toBe(`https://blobs.example.com/ghcr.io/owner/tool/blobs/${digest}`);
  });

  it('without a blob origin, answers 404 BLOB_UNKNOWN and redirects nowhere', async () => {
    const response = await call(`GET /v2/demo/app/blobs/${digest}`, { vars: { BLOB_ORIGIN: '' } });
    expect(response.status).toBe(404);
    expect(response.headers.get('Location')).toBeNull();
    expect((await errorOf(response)).code).toBe('BLOB_UNKNOWN');
  });

  it.each([
    `/v2/demo/app/blobs/sha256:${'b'.repeat(64)}@evil.example`,
    `/v2/demo/app/blobs/https:%2F%2Fevil.example`,
    `/v2/..%2F..%2Fevil/blobs/${`sha256:${'b'.repeat(64)}`}`,
  ])('never redirects a crafted path off the origin: %s', async (path) => {
    const response = await call(`GET ${path}`);
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(response.headers.get('Location')).toBeNull();
  });
});

describe('GET /v2/<name>/tags/list', () => {
  it('lists the stored tags, sorted', async () => {
    const response = await call('GET /v2/demo/app/tags/list');
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ name: 'demo/app', tags: ['1.0', '1.0-amd64', '1.0-docker'] });
  });

  it('pages with n and last, linking the next page', async () => {
    const first = await call('GET /v2/demo/app/tags/list?n=2');
    expect(await first.json()).toEqual({ name: 'demo/app', tags: ['1.0', '1.0-amd64'] });
    expect(first.headers.get('Link')).toBe('</v2/demo/app/tags/list?n=2&last=1.0-amd64>; rel="next"');
    const second = await call('GET /v2/demo/app/tags/list?n=2&last=1.0-amd64');
    expect(await second.json()).toEqual({ name: 'demo/app', tags: ['1.0-docker'] });
    expect(second.headers.get('Link')).toBeNull();
  });
});
