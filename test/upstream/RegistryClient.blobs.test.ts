import { beforeEach, describe, expect, it } from 'vitest';
import { sha256Digest } from '../../src/oci/digest';
import { caught } from './caught';
import { clientOf, image } from './clientOf';
import { FakeRegistry, ociIndex } from './fakeRegistry';

const GOLANG = image('library/golang');
const BLOB = new TextEncoder().encode('0123456789abcdef');
const ALICE = { username: 'alice', password: 's3cret-pa55' };

describe('RegistryClient.getBlob(image, digest, init) with a registry that redirects', () => {
  let registry: FakeRegistry;
  let digest: string;
  beforeEach(async () => {
    registry = new FakeRegistry({ auth: 'bearer', users: { alice: ALICE.password } });
    digest = await sha256Digest(BLOB);
    registry.blobs.set(digest, BLOB);
  });

  it('hands back the redirect target, and never fetches it itself', async () => {
    const { client, metrics } = clientOf(registry, ALICE);
    const blob = await client.getBlob(GOLANG, digest, { method: 'GET' });
    expect(blob).toEqual({ kind: 'redirect', location: `https://storage.test/blobs/${digest}?X-Amz-Signature=s1g` });
    expect(registry.requests.map((r) => [r.method, new URL(r.url).host, r.redirect])).toEqual([
      ['GET', 'registry.test', 'manual'],
      ['GET', 'auth.test', 'manual'],
      ['GET', 'registry.test', 'manual'],
    ]);
    expect(metrics).toEqual({ upstreamRequests: 3, tokenRequests: 1 });
  });

  it('puts no credentials or token in the location', async () => {
    const blob = await clientOf(registry, ALICE).client.getBlob(GOLANG, digest, { method: 'HEAD' });
    const location = blob?.kind === 'redirect' ? new URL(blob.location) : undefined;
    expect([location?.username, location?.password]).toEqual(['', '']);
    expect(location?.href).not.toContain(ALICE.password);
    expect(location?.href).not.toContain(registry.issuedTokens[0]);
    expect(location?.href).not.toContain(btoa(`${ALICE.username}:${ALICE.password}`));
  });

  it('is null on 404', async () => {
    expect(await clientOf(registry).client.getBlob(GOLANG, `sha256:${'0'.repeat(64)}`, { method: 'GET' })).toBeNull();
  });

  const statuses = [301, 302, 303, 307, 308];
  it.each(statuses)('treats %i as a redirect, resolving a relative Location against the request', async (status) => {
    registry = new FakeRegistry({ intercept: () => new Response(null, { status, headers: { Location: '../../x/blob?sig=1' } }) });
    const blob = await clientOf(registry).client.getBlob(GOLANG, digest, { method: 'GET' });
    expect(blob).toEqual({ kind: 'redirect', location: 'https://registry.test/v2/library/x/blob?sig=1' });
  });

  const refused: [string, string, string][] = [
    ['user information', 'https://user:pw@storage.test/blob', 'redirected blob library/golang@DIGEST to a URL with user information'],
    ['a non-http scheme', 'file:///etc/passwd', 'redirected blob library/golang@DIGEST to a file: URL'],
    ['javascript:', 'javascript:alert(1)', 'redirected blob library/golang@DIGEST to a javascript: URL'],
    ['no Location', '', 'redirected blob library/golang@DIGEST without a usable Location'],
  ];
  it.each(refused)('refuses a redirect with %s as BAD_GATEWAY', async (_what, location, message) => {
    registry = new FakeRegistry({
      intercept: () => new Response(null, { status: 307, headers: location ? { Location: location } : {} }),
    });
    const error = await caught(clientOf(registry).client.getBlob(GOLANG, digest, { method: 'GET' }));
    expect([error.code, error.message]).toEqual(['BAD_GATEWAY', `upstream registry.test ${message.replace('DIGEST', digest)}`]);
  });

  it('refuses a malformed digest before asking anyone', async () => {
    const { client, metrics } = clientOf(registry);
    expect((await caught(client.getBlob(GOLANG, 'sha256:../../etc', { method: 'GET' }))).code).toBe('DIGEST_INVALID');
    expect(metrics.upstreamRequests).toBe(0);
  });
});

describe('RegistryClient.getBlob(image, digest, init) with a registry that serves blobs', () => {
  let registry: FakeRegistry;
  let digest: string;
  beforeEach(async () => {
    registry = new FakeRegistry({ blobs: 'serve' });
    digest = await sha256Digest(BLOB);
    registry.blobs.set(digest, BLOB);
  });

  it('hands back the streaming response', async () => {
    const blob = await clientOf(registry).client.getBlob(GOLANG, digest, { method: 'GET' });
    if (blob?.kind !== 'stream') throw new Error(`expected a stream, got ${JSON.stringify(blob)}`);
    expect(blob.response.status).toBe(200);
    expect(blob.response.headers.get('content-length')).toBe('16');
    expect(new Uint8Array(await blob.response.arrayBuffer())).toEqual(BLOB);
  });

  it('forwards Range and hands back the 206', async () => {
    const blob = await clientOf(registry).client.getBlob(GOLANG, digest, { method: 'GET', range: 'bytes=4-7' });
    expect(registry.requests[0]!.range).toBe('bytes=4-7');
    if (blob?.kind !== 'stream') throw new Error('expected a stream');
    expect([blob.response.status, blob.response.headers.get('content-range'), await blob.response.text()]).toEqual([
      206,
      'bytes 4-7/16',
      '4567',
    ]);
  });

  it('does not read the body: it returns the upstream response itself', async () => {
    let pulled = 0;
    const upstream = new Response(
      new ReadableStream<Uint8Array>({
        pull(controller) {
          pulled++;
          controller.enqueue(new Uint8Array(1024));
        },
      }),
    );
    registry = new FakeRegistry({ intercept: () => upstream });
    const blob = await clientOf(registry).client.getBlob(GOLANG, digest, { method: 'GET' });
    expect(blob).toEqual({ kind: 'stream', response: upstream });
    expect(blob?.kind === 'stream' && blob.response).toBe(upstream);
    expect(pulled).toBeLessThanOrEqual(1);
  });

  it('keeps streaming after the header deadline has passed', async () => {
    let release = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    registry = new FakeRegistry({
      intercept: () =>
        new Response(
          new ReadableStream<Uint8Array>({
            async start(controller) {
              controller.enqueue(new TextEncoder().encode('first '));
              await gate;
              controller.enqueue(new TextEncoder().encode('second'));
              controller.close();
            },
          }),
        ),
    });
    const blob = await clientOf(registry, undefined, { timeoutMs: 20 }).client.getBlob(GOLANG, digest, { method: 'GET' });
    await new Promise((resolve) => setTimeout(resolve, 60));
    release();
    expect(blob?.kind === 'stream' && (await blob.response.text())).toBe('first second');
  });

  it('answers HEAD with the headers and no body', async () => {
    const blob = await clientOf(registry).client.getBlob(GOLANG, digest, { method: 'HEAD' });
    expect(registry.requests[0]!.method).toBe('HEAD');
    expect(blob?.kind === 'stream' && [blob.response.status, blob.response.headers.get('docker-content-digest')]).toEqual([200, digest]);
  });
});

describe('RegistryClient.listTags(image)', () => {
  it('reads a single page', async () => {
    const registry = new FakeRegistry();
    for (const tag of ['1.22', '1.23', 'latest']) await registry.putManifest('library/golang', tag, ociIndex());
    expect(await clientOf(registry).client.listTags(GOLANG)).toEqual(['1.22', '1.23', 'latest']);
  });

  it('follows Link rel="next" over every page, with one token', async () => {
    const registry = new FakeRegistry({ auth: 'bearer', tagsPerPage: 10 });
    const tags = Array.from({ length: 45 }, (_, i) => `v${String(i).padStart(2, '0')}`);
    for (const tag of tags) await registry.putManifest('library/golang', tag, ociIndex());
    const { client, metrics } = clientOf(registry);
    expect(await client.listTags(GOLANG)).toEqual(tags);
    expect(registry.registryRequests.map((r) => new URL(r.url).search)).toEqual([
      '',
      '',
      '?last=v09&n=10',
      '?last=v19&n=10',
      '?last=v29&n=10',
      '?last=v39&n=10',
    ]);
    expect(metrics).toEqual({ upstreamRequests: 7, tokenRequests: 1 });
  });

  it('stops after 20 pages', async () => {
    const registry = new FakeRegistry({ tagsPerPage: 1 });
    for (let i = 0; i < 30; i++) await registry.putManifest('library/golang', `t${String(i).padStart(2, '0')}`, ociIndex());
    const { client, metrics } = clientOf(registry);
    expect(await client.listTags(GOLANG)).toHaveLength(20);
    expect(metrics.upstreamRequests).toBe(20);
  });

  it('is null for an unknown repository', async () => {
    expect(await clientOf(new FakeRegistry()).client.listTags(image('nobody/nothing'))).toBeNull();
  });

  it('takes "tags": null as no tags', async () => {
    const registry = new FakeRegistry({ intercept: () => Response.json({ name: 'library/golang', tags: null }) });
    expect(await clientOf(registry).client.listTags(GOLANG)).toEqual([]);
  });

  it('refuses a next page on another origin', async () => {
    const registry = new FakeRegistry({
      intercept: () =>
        Response.json({ tags: ['a'] }, { headers: { Link: '<https://elsewhere.test/v2/library/golang/tags/list?last=a>; rel="next"' } }),
    });
    const { client, metrics } = clientOf(registry);
    const error = await caught(client.listTags(GOLANG));
    expect([error.code, error.message]).toEqual(['BAD_GATEWAY', 'upstream registry.test paginated tags of library/golang to another origin']);
    expect(metrics.upstreamRequests).toBe(1);
  });

  it('refuses a page that is not a tag list', async () => {
    const registry = new FakeRegistry({ intercept: () => Response.json({ tags: [1, 2] }) });
    const error = await caught(clientOf(registry).client.listTags(GOLANG));
    expect([error.code, error.message]).toEqual([
      'BAD_GATEWAY',
      'upstream registry.test sent tags of library/golang without a "tags" array of strings',
    ]);
  });
});
