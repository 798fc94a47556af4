import { describe, expect, it } from 'vitest';
import { call, errorOf, TEST_VARS } from '../helpers/worker';
import { demoImages } from '../helpers/demo';
import { sha256Digest } from '../../src/oci/digest';

const auth = { Authorization: `Bearer ${TEST_VARS.ADMIN_TOKEN}` };

describe('admin API', () => {
  it('is off without ADMIN_TOKEN, whatever the request says', async () => {
    const response = await call('PUT /admin/tags/demo/new:1', { vars: { ADMIN_TOKEN: undefined }, headers: auth, body: '{}' });
    expect(response.status).toBe(403);
    expect((await errorOf(response)).code).toBe('DENIED');
  });

  it.each([
    ['no Authorization header', {}],
    ['a wrong token', { Authorization: 'Bearer nope' }],
    ['the token with a suffix', { Authorization: `Bearer ${TEST_VARS.ADMIN_TOKEN}x` }],
    ['a prefix of the token', { Authorization: `Bearer ${TEST_VARS.ADMIN_TOKEN.slice(0, -1)}` }],
    ['Basic instead of Bearer', { Authorization: `Basic ${btoa(`admin:${TEST_VARS.ADMIN_TOKEN}`)}` }],
  ])('refuses %s with 401 and a challenge', async (_, headers) => {
    const response = await call('DELETE /admin/tags/demo/app:1.0', { headers });
    expect(response.status).toBe(401);
    expect(response.headers.get('WWW-Authenticate')).toBe('Bearer realm="admin"');
    const error = await errorOf(response);
    expect(error.code).toBe('UNAUTHORIZED');
    expect(JSON.stringify(error)).not.toContain(TEST_VARS.ADMIN_TOKEN);
  });

  it('puts an index as a tag and its children by digest, then serves them', async () => {
    const { oci } = await demoImages();
    const put = await call('PUT /admin/tags/demo/new:2.0', {
      headers: { ...auth, 'Content-Type': oci.index.mediaType },
      body: oci.index.bytes,
    });
    expect(put.status).toBe(201);
    expect(await put.json()).toEqual({
      image: 'docker.io/demo/new',
      tag: '2.0',
      digest: oci.index.digest,
      mediaType: oci.index.mediaType,
      size: oci.index.size,
    });
    const arm64 = oci.children[1]!.manifest;
    const child = await call(`PUT /admin/manifests/demo/new@${arm64.digest}`, {
      headers: auth,
      body: oci.blobs.get(arm64.digest)!,
    });
    expect(child.status).toBe(201);
    const resolved = await call('GET /resolve/demo/new:2.0?platform=linux/arm64', { headers: { Accept: 'text/plain' } });
    expect(await resolved.text()).toBe(`${arm64.digest}\n`);
  });

  it('refuses a manifest whose bytes do not hash to the digest it is put under', async () => {
    const { oci } = await demoImages();
    const wrong = `sha256:${'0'.repeat(64)}`;
    const response = await call(`PUT /admin/manifests/demo/new@${wrong}`, { headers: auth, body: oci.index.bytes });
    expect(response.status).toBe(400);
    expect((await errorOf(response)).code).toBe('DIGEST_INVALID');
    expect((await call(`GET /v2/demo/new/manifests/${wrong}`)).status).toBe(404);
  });

  it.each([
    ['not JSON', 'hello'],
    ['JSON that is no manifest', '{"hello":"world"}'],
    ['an index with a bad digest', '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:12","size":1}]}'],
  ])('refuses %s with 400 MANIFEST_INVALID and stores nothing', async (_, body) => {
    const response = await call('PUT /admin/tags/demo/bad:1', { headers: auth, body });
    expect(response.status).toBe(400);
    expect((await errorOf(response)).code).toBe('MANIFEST_INVALID');
    expect((await call('GET /v2/demo/bad/manifests/1')).status).toBe(404);
  });

  it('refuses a body over 4 MiB', async () => {
    const response = await call('PUT /admin/tags/demo/big:1', { headers: auth, body: new Uint8Array(4 * 1024 * 1024 + 1) });
    expect(response.status).toBe(400);
    expect((await errorOf(response)).code).toBe('MANIFEST_INVALID');
  });

  it('purges a tag; its manifests by digest stay', async () => {
    const { oci } = await demoImages();
    await call('PUT /admin/tags/demo/gone:1', { headers: auth, body: oci.index.bytes });
    const del = await call('DELETE /admin/tags/demo/gone:1', { headers: auth });
    expect(del.status).toBe(200);
    expect((await call('GET /v2/demo/gone/manifests/1')).status).toBe(404);
    const byDigest = await call(`GET /v2/demo/gone/manifests/${oci.index.digest}`);
    expect(await sha256Digest(new Uint8Array(await byDigest.arrayBuffer()))).toBe(oci.index.digest);
    const again = await call('DELETE /admin/tags/demo/gone:1', { headers: auth });
    expect(again.status).toBe(404);
  });
});
