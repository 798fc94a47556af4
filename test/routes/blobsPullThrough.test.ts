/**
 * Blobs in pull-through mode (docs/architecture.md, "The HTTP surface"): without BLOB_ORIGIN, the
 * origin's redirect is handed on as a 307 (never with credentials in it), or its body streamed
 * through with its headers and status, never buffered. BLOB_ORIGIN, where set, still wins.
 */
import { describe, expect, it } from 'vitest';
import { errorOf } from '../helpers/worker';
import { edgeCost, pullThroughHarness, REGISTRY, type Harness } from '../store/pullThroughHarness';

const DIGEST = `sha256:${'c'.repeat(64)}`;
const BYTES = new TextEncoder().encode('0123456789');

function harness(vars: Record<string, string> = {}): Harness {
  return pullThroughHarness({ edgeCache: false, vars: { BLOB_ORIGIN: '', ...vars } });
}

function blobResponse(status: number, body: BodyInit | null, headers: Record<string, string>): Response {
  return new Response(body, { status, headers });
}

describe('GET /v2/<name>/blobs/<digest> through an origin', () => {
  it("hands on the origin's redirect as a 307", async () => {
    const h = harness({ BLOB_REDIRECT_HOSTS: 'cdn.example.net' });
    const location = 'https://cdn.example.net/blobs/cc?X-Amz-Signature=abc&X-Amz-Expires=600';
    h.origin.blobs.set(`${h.repository}@${DIGEST}`, { kind: 'redirect', location });
    const response = await h.call(`GET /v2/${h.name}/blobs/${DIGEST}`);
    expect(response.status).toBe(307);
    expect(response.headers.get('Location')).toBe(location);
    expect(response.headers.get('Docker-Content-Digest')).toBe(DIGEST);
    expect(response.headers.get('X-Edge-Cost')).toBe(edgeCost({ upstream: 1 }));
    expect(await response.text()).toBe('');
    expect(h.origin.calls).toEqual([`BLOB ${h.repository}@${DIGEST}`]);
  });

  it.each([
    ['Docker Hub', 'https://docker-images-prod.6aa30f8b08e16409b46e0173d6de2f56.r2.cloudflarestorage.com/registry-v2/docker/registry/v2/blobs/sha256/cc/data?X-Amz-Signature=abc'],
    ['Docker Hub (older)', 'https://production.cloudflare.docker.com/registry-v2/docker/registry/v2/blobs/sha256/cc/data'],
    ['GHCR', 'https://pkg-containers.githubusercontent.com/ghcr1/blobs/sha256:cc?se=2026'],
    ['Quay', 'https://cdn02.quay.io/sha256/cc/data'],
    ['the origin itself', 'http://origin.test/v2/blob-store/cc'],
  ])('hands on a redirect to %s by default', async (_, location) => {
    const h = harness({ BLOB_REDIRECT_HOSTS: '' });
    h.origin.blobs.set(`${h.repository}@${DIGEST}`, { kind: 'redirect', location });
    const response = await h.call(`GET /v2/${h.name}/blobs/${DIGEST}`);
    expect(response.status).toBe(307);
    expect(response.headers.get('Location')).toBe(location);
  });

  it.each([
    ['an unlisted host', 'https://evil.example/blob', ''],
    ['a look-alike of a listed suffix', 'https://evil-githubusercontent.com/blob', ''],
    ['the origin\'s host on another port', 'http://origin.test:8080/blob', ''],
    ['a host outside an explicit list', 'https://pkg-containers.githubusercontent.com/blob', 'storage.example.com'],
  ])('refuses a redirect to %s: 502 naming BLOB_REDIRECT_HOSTS, no Location', async (_, location, hosts) => {
    const h = harness({ BLOB_REDIRECT_HOSTS: hosts });
    h.origin.blobs.set(`${h.repository}@${DIGEST}`, { kind: 'redirect', location });
    const response = await h.call(`GET /v2/${h.name}/blobs/${DIGEST}`);
    expect(response.status).toBe(502);
    expect(response.headers.get('Location')).toBeNull();
    const error = await errorOf(response);
    expect(error.code).toBe('BAD_GATEWAY');
    expect(error.message).toBe(`upstream origin.test redirected the blob to ${new URL(location).host}, which is not in BLOB_REDIRECT_HOSTS`);
  });

  it.each([
    ['*', 'https://anywhere.example/blob'],
    ['default, *.example.net', 'https://cdn.example.net/blob'],
    ['storage.example.com', 'https://storage.example.com/blob'],
  ])('BLOB_REDIRECT_HOSTS=%s allows %s', async (hosts, location) => {
    const h = harness({ BLOB_REDIRECT_HOSTS: hosts });
    h.origin.blobs.set(`${h.repository}@${DIGEST}`, { kind: 'redirect', location });
    expect((await h.call(`GET /v2/${h.name}/blobs/${DIGEST}`)).headers.get('Location')).toBe(location);
  });

  it.each([
    ['*.', '"*." is not a host or *.domain'],
    ['evil.example/path', '"evil.example/path" is not a host or *.domain'],
    ['*, default', '"*" cannot be combined with anything else'],
  ])('BLOB_REDIRECT_HOSTS=%j is a configuration error', async (hosts, reason) => {
    const h = harness({ BLOB_REDIRECT_HOSTS: hosts });
    const response = await h.call(`GET /v2/${h.name}/blobs/${DIGEST}`);
    expect(response.status).toBe(500);
    expect((await errorOf(response)).message).toBe(`invalid configuration: BLOB_REDIRECT_HOSTS: ${reason}`);
  });

  it.each([
    ['credentials in the URL', 'https://user:s3cret@cdn.example.net/blob'],
    ['a scheme other than http(s)', 'javascript:alert(1)'],
  ])('refuses a redirect with %s: 502, no Location', async (_, location) => {
    const h = harness();
    h.origin.blobs.set(`${h.repository}@${DIGEST}`, { kind: 'redirect', location });
    const response = await h.call(`GET /v2/${h.name}/blobs/${DIGEST}`);
    expect(response.status).toBe(502);
    expect(response.headers.get('Location')).toBeNull();
    const error = await errorOf(response);
    expect(error.code).toBe('BAD_GATEWAY');
    expect(JSON.stringify(error)).not.toContain('s3cret');
  });

  it('streams a blob the origin serves itself, with its headers and nothing else', async () => {
    const h = harness();
    h.origin.blobs.set(`${h.repository}@${DIGEST}`, {
      kind: 'stream',
      response: blobResponse(200, BYTES, {
        'Content-Type': 'application/octet-stream',
        'Content-Length': '10',
        'Docker-Content-Digest': DIGEST,
        'Accept-Ranges': 'bytes',
        'Set-Cookie': 'session=origin',
        'X-Origin-Internal': 'yes',
      }),
    });
    const response = await h.call(`GET /v2/${h.name}/blobs/${DIGEST}`);
    expect(response.status).toBe(200);
    expect(new Uint8Array(await response.arrayBuffer())).toEqual(BYTES);
    expect(Object.fromEntries(response.headers)).toEqual({
      'accept-ranges': 'bytes',
      'cache-control': 'public, max-age=31536000, immutable',
      'content-length': '10',
      'content-type': 'application/octet-stream',
      'docker-content-digest': DIGEST,
      'docker-distribution-api-version': 'registry/2.0',
      'x-edge-cost': edgeCost({ upstream: 1 }),
    });
  });

  it('forwards Range and answers 206 with Content-Range', async () => {
    const h = harness();
    const asked: unknown[] = [];
    h.origin.blobs.set(`${h.repository}@${DIGEST}`, (init) => {
      asked.push(init);
      return {
        kind: 'stream',
        response: blobResponse(206, BYTES.slice(2, 6), { 'Content-Range': 'bytes 2-5/10', 'Content-Length': '4', 'Accept-Ranges': 'bytes' }),
      };
    });
    const response = await h.call(`GET /v2/${h.name}/blobs/${DIGEST}`, { headers: { Range: 'bytes=2-5' } });
    expect(response.status).toBe(206);
    expect(response.headers.get('Content-Range')).toBe('bytes 2-5/10');
    expect(response.headers.get('Content-Length')).toBe('4');
    expect(await response.text()).toBe('2345');
    expect(asked).toEqual([{ method: 'GET', range: 'bytes=2-5' }]);
  });

  it('HEAD asks the origin with HEAD and answers the headers alone', async () => {
    const h = harness();
    const asked: unknown[] = [];
    h.origin.blobs.set(`${h.repository}@${DIGEST}`, (init) => {
      asked.push(init);
      return { kind: 'stream', response: blobResponse(200, null, { 'Content-Length': '10', 'Content-Type': 'application/octet-stream' }) };
    });
    const response = await h.call(`HEAD /v2/${h.name}/blobs/${DIGEST}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('Content-Length')).toBe('10');
    expect(await response.text()).toBe('');
    expect(asked).toEqual([{ method: 'HEAD', range: null }]);
  });

  it('passes the body on as it arrives: the first bytes are out before the origin sends the rest', async () => {
    const h = harness();
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const body = new ReadableStream<Uint8Array>({
      async start(controller) {
        controller.enqueue(BYTES.slice(0, 5));
        await released;
        controller.enqueue(BYTES.slice(5));
        controller.close();
      },
    });
    h.origin.blobs.set(`${h.repository}@${DIGEST}`, { kind: 'stream', response: blobResponse(200, body, { 'Content-Length': '10' }) });
    const response = await withTimeout(h.call(`GET /v2/${h.name}/blobs/${DIGEST}`), 'the response waited for the whole body');
    const reader = response.body!.getReader();
    const first = await withTimeout(reader.read(), 'the first chunk waited for the whole body');
    expect(new TextDecoder().decode(first.value)).toBe('01234');
    release();
    let rest = '';
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) rest += new TextDecoder().decode(chunk.value);
    expect(rest).toBe('56789');
  });

  it('answers 404 BLOB_UNKNOWN when the origin has no such blob', async () => {
    const h = harness();
    const response = await h.call(`GET /v2/${h.name}/blobs/${DIGEST}`);
    expect(response.status).toBe(404);
    expect(await errorOf(response)).toEqual({
      code: 'BLOB_UNKNOWN',
      message: `blob unknown to upstream ${REGISTRY}: ${h.repository}@${DIGEST}`,
      detail: { digest: DIGEST },
    });
  });

  it('refuses an origin status other than 200/206/416 with 502', async () => {
    const h = harness();
    h.origin.blobs.set(`${h.repository}@${DIGEST}`, { kind: 'stream', response: blobResponse(500, 'oops', {}) });
    const response = await h.call(`GET /v2/${h.name}/blobs/${DIGEST}`);
    expect(response.status).toBe(502);
    expect((await errorOf(response)).code).toBe('BAD_GATEWAY');
  });

  it('lets BLOB_ORIGIN win: 307 to it, and the origin is not asked', async () => {
    const h = harness({ BLOB_ORIGIN: 'https://blobs.example.com/{registry}/{repository}/blobs/{digest}' });
    const response = await h.call(`GET /v2/${h.name}/blobs/${DIGEST}`);
    expect(response.status).toBe(307);
    expect(response.headers.get('Location')).toBe(`https://blobs.example.com/${h.name}/blobs/${DIGEST}`);
    expect(h.origin.calls).toEqual([]);
  });

  it('answers 404 BLOB_UNKNOWN for a registry with no origin and no BLOB_ORIGIN', async () => {
    const h = harness({ UPSTREAMS: '' });
    const response = await h.call(`GET /v2/${h.name}/blobs/${DIGEST}`);
    expect(response.status).toBe(404);
    expect((await errorOf(response)).code).toBe('BLOB_UNKNOWN');
    expect(h.origin.calls).toEqual([]);
  });
});

function withTimeout<T>(promise: Promise<T>, message: string, ms = 2000): Promise<T> {
  return Promise.race([promise, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(message)), ms))]);
}
