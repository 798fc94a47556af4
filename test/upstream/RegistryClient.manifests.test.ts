import { beforeEach, describe, expect, it } from 'vitest';
import { sha256Digest } from '../../src/oci/digest';
import { MAX_MANIFEST_BYTES } from '../../src/oci/manifest';
import { ALL_MANIFEST_MEDIA_TYPES } from '../../src/oci/mediaTypes';
import { caught } from './caught';
import { clientOf, image } from './clientOf';
import { dockerManifest, errors, FakeRegistry, ociIndex } from './fakeRegistry';

const GOLANG = image('library/golang');
const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
const encode = (text: string) => new TextEncoder().encode(text);

/** A registry whose manifest endpoint answers with `answer`. */
function answering(answer: (request: Request) => Response | Promise<Response> | undefined): FakeRegistry {
  return new FakeRegistry({ intercept: (request) => (request.url.includes('/manifests/') ? answer(request) : undefined) });
}

describe('RegistryClient.getManifest(image, reference)', () => {
  let registry: FakeRegistry;
  beforeEach(() => {
    registry = new FakeRegistry();
  });

  it('GETs the manifest with the full Accept list and redirect: manual, and verifies it', async () => {
    const stored = await registry.putManifest('library/golang', '1.23', ociIndex());
    const { client, metrics } = clientOf(registry);
    const manifest = await client.getManifest(GOLANG, '1.23');
    expect(manifest).toMatchObject({ bytes: stored.bytes, digest: stored.digest, mediaType: OCI_INDEX });
    expect(manifest?.entries?.map((entry) => entry.digest)).toEqual(JSON.parse(new TextDecoder().decode(stored.bytes)).manifests.map((m: { digest: string }) => m.digest));
    expect(registry.requests).toEqual([
      {
        method: 'GET',
        url: 'https://registry.test/v2/library/golang/manifests/1.23',
        authorization: null,
        accept: ALL_MANIFEST_MEDIA_TYPES.join(', '),
        range: null,
        redirect: 'manual',
      },
    ]);
    expect(metrics).toEqual({ upstreamRequests: 1, tokenRequests: 0, manifestGets: 1 });
  });

  it('GETs a manifest by digest', async () => {
    const stored = await registry.putManifest('library/golang', undefined, dockerManifest());
    const manifest = await clientOf(registry).client.getManifest(GOLANG, stored.digest);
    expect(manifest?.digest).toBe(stored.digest);
    expect(manifest?.mediaType).toBe('application/vnd.docker.distribution.manifest.v2+json');
    expect(registry.requests[0]!.url).toBe(`https://registry.test/v2/library/golang/manifests/${stored.digest}`);
  });

  it('takes the media type from the Content-Type when the body has no mediaType field', async () => {
    const { mediaType: _, ...bare } = ociIndex();
    await registry.putManifest('library/golang', '1.23', bare, 'application/vnd.docker.distribution.manifest.list.v2+json');
    const manifest = await clientOf(registry).client.getManifest(GOLANG, '1.23');
    expect(manifest?.mediaType).toBe('application/vnd.docker.distribution.manifest.list.v2+json');
  });

  it('adds library/ to a one-part Docker Hub name', async () => {
    registry = answering(() => new Response(JSON.stringify(ociIndex())));
    const { client } = clientOf(registry, undefined, { registry: 'docker.io' });
    await client.getManifest({ registry: 'docker.io', repository: 'golang' }, '1.23');
    expect(registry.requests[0]!.url).toBe('https://registry.test/v2/library/golang/manifests/1.23');
  });

  const notFound: [string, () => Response][] = [
    ['404 MANIFEST_UNKNOWN', () => errors(404, 'MANIFEST_UNKNOWN')],
    ['404 without a body', () => new Response(null, { status: 404 })],
    ['400 NAME_UNKNOWN', () => errors(400, 'NAME_UNKNOWN')],
    ['403 MANIFEST_UNKNOWN', () => errors(403, 'MANIFEST_UNKNOWN')],
  ];
  it.each(notFound)('is null for %s', async (_what, answer) => {
    expect(await clientOf(answering(answer)).client.getManifest(GOLANG, '1.23')).toBeNull();
  });

  it('refuses a body that does not match its Docker-Content-Digest', async () => {
    const body = JSON.stringify(ociIndex());
    const claimed = await sha256Digest(encode('something else'));
    const actual = await sha256Digest(encode(body));
    registry = answering(() => new Response(body, { headers: { 'Docker-Content-Digest': claimed, 'Content-Type': OCI_INDEX } }));
    const error = await caught(clientOf(registry).client.getManifest(GOLANG, '1.23'));
    expect([error.code, error.status, error.message]).toEqual([
      'BAD_GATEWAY',
      502,
      `upstream registry.test sent manifest library/golang:1.23 with Docker-Content-Digest ${claimed}, but its content is ${actual}; refusing it`,
    ]);
    expect(error.detail).toEqual({ expected: claimed, actual });
  });

  it('refuses a body that does not match the digest asked for', async () => {
    const body = JSON.stringify(ociIndex());
    const asked = await sha256Digest(encode('the manifest we wanted'));
    const actual = await sha256Digest(encode(body));
    // The registry's header agrees with the body: only the requested digest catches it.
    registry = answering(() => new Response(body, { headers: { 'Docker-Content-Digest': actual } }));
    const error = await caught(clientOf(registry).client.getManifest(GOLANG, asked));
    expect([error.code, error.message]).toEqual([
      'BAD_GATEWAY',
      `upstream registry.test sent content ${actual} for manifest library/golang@${asked}; refusing it`,
    ]);
  });

  it('verifies a sha512 Docker-Content-Digest too', async () => {
    const body = JSON.stringify(ociIndex());
    registry = answering(() => new Response(body, { headers: { 'Docker-Content-Digest': `sha512:${'0'.repeat(128)}` } }));
    expect((await caught(clientOf(registry).client.getManifest(GOLANG, '1.23'))).code).toBe('BAD_GATEWAY');
  });

  it('refuses a malformed Docker-Content-Digest', async () => {
    registry = answering(() => new Response(JSON.stringify(ociIndex()), { headers: { 'Docker-Content-Digest': 'md5:abc' } }));
    const error = await caught(clientOf(registry).client.getManifest(GOLANG, '1.23'));
    expect([error.code, error.message]).toEqual([
      'BAD_GATEWAY',
      'upstream registry.test sent an invalid Docker-Content-Digest for manifest library/golang:1.23',
    ]);
  });

  const invalid: [string, string, string | undefined, string][] = [
    ['not JSON', '<html>rate limited</html>', 'text/html', 'upstream sent an invalid manifest: manifest is not valid JSON'],
    ['schema 1', JSON.stringify({ schemaVersion: 1, name: 'x', tag: 'y', fsLayers: [] }), 'application/vnd.docker.distribution.manifest.v1+prettyjws',
      'upstream sent an invalid manifest: Docker schema 1 manifests (application/vnd.docker.distribution.manifest.v1+prettyjws) are not supported; push the image again as schema 2 or OCI'],
    ['an index without manifests', JSON.stringify({ schemaVersion: 2, mediaType: OCI_INDEX }), undefined,
      'upstream sent an invalid manifest: invalid image index: manifests is required'],
  ];
  it.each(invalid)('refuses a manifest that is %s as BAD_GATEWAY', async (_what, body, contentType, message) => {
    registry = answering(() => new Response(body, contentType ? { headers: { 'Content-Type': contentType } } : {}));
    const error = await caught(clientOf(registry).client.getManifest(GOLANG, '1.23'));
    expect([error.code, error.message]).toEqual(['BAD_GATEWAY', message]);
  });

  it('refuses a manifest over 4 MiB by its Content-Length, without reading it', async () => {
    let pulled = 0;
    registry = answering(() => {
      const body = new ReadableStream<Uint8Array>({
        pull(controller) {
          pulled++;
          controller.enqueue(new Uint8Array(1024));
        },
      });
      return new Response(body, { headers: { 'Content-Length': String(MAX_MANIFEST_BYTES + 1) } });
    });
    const error = await caught(clientOf(registry).client.getManifest(GOLANG, '1.23'));
    expect([error.code, error.message]).toEqual([
      'BAD_GATEWAY',
      'upstream registry.test sent manifest library/golang:1.23 larger than 4194304 bytes (4 MiB); refusing it',
    ]);
    expect(pulled).toBeLessThanOrEqual(1); // a stream may pull once when it starts
  });

  it('refuses a streamed manifest as soon as it passes 4 MiB, and cancels the stream', async () => {
    const chunk = new Uint8Array(64 * 1024);
    let sent = 0;
    let cancelled = false;
    registry = answering(
      () =>
        new Response(
          new ReadableStream<Uint8Array>({
            pull(controller) {
              sent += chunk.byteLength;
              controller.enqueue(chunk);
            },
            cancel() {
              cancelled = true;
            },
          }),
        ),
    );
    const error = await caught(clientOf(registry).client.getManifest(GOLANG, '1.23'));
    expect(error.code).toBe('BAD_GATEWAY');
    expect(cancelled).toBe(true);
    expect(sent).toBeLessThanOrEqual(MAX_MANIFEST_BYTES + 3 * chunk.byteLength);
  });

  it('accepts a manifest of exactly 4 MiB as far as size goes', async () => {
    const json = JSON.stringify(ociIndex());
    const [open, close] = [',"annotations":{"pad":"', '"}}'];
    const pad = 'x'.repeat(MAX_MANIFEST_BYTES - (json.length - 1) - open.length - close.length);
    const padded = json.slice(0, -1) + open + pad + close;
    expect(padded.length).toBe(MAX_MANIFEST_BYTES);
    registry = answering(() => new Response(padded));
    expect((await clientOf(registry).client.getManifest(GOLANG, '1.23'))?.bytes.byteLength).toBe(MAX_MANIFEST_BYTES);
  });

  it('follows a same-origin redirect with its Authorization, and drops it on another origin', async () => {
    const credentials = { username: 'u', password: 'p' };
    registry = new FakeRegistry({
      auth: 'basic',
      users: { u: 'p' },
      intercept: (request) => {
        const { host, pathname } = new URL(request.url);
        if (host === 'mirror.test') return new Response(JSON.stringify(ociIndex()));
        if (!request.headers.get('authorization')) return undefined; // the registry's 401 Basic challenge
        if (pathname.endsWith('/manifests/1.23')) return new Response(null, { status: 307, headers: { Location: '/moved/1.23' } });
        if (pathname === '/moved/1.23') return new Response(null, { status: 302, headers: { Location: 'https://mirror.test/m' } });
        return undefined;
      },
    });
    const { client, metrics } = clientOf(registry, credentials);
    expect(await client.getManifest(GOLANG, '1.23')).not.toBeNull();
    expect(registry.requests.map((r) => [r.url, r.authorization !== null])).toEqual([
      ['https://registry.test/v2/library/golang/manifests/1.23', false],
      ['https://registry.test/v2/library/golang/manifests/1.23', true],
      ['https://registry.test/moved/1.23', true],
      ['https://mirror.test/m', false],
    ]);
    expect(metrics.upstreamRequests).toBe(4);
  });

  it('gives up after 5 redirects', async () => {
    registry = answering(() => new Response(null, { status: 302, headers: { Location: '/v2/library/golang/manifests/1.23' } }));
    const { client, metrics } = clientOf(registry);
    const error = await caught(client.getManifest(GOLANG, '1.23'));
    expect([error.code, error.message]).toEqual(['BAD_GATEWAY', 'upstream registry.test answered 302 for manifest library/golang:1.23']);
    expect(metrics.upstreamRequests).toBe(6);
  });
});

describe('RegistryClient status mapping', () => {
  const now = Date.parse('Wed, 21 Oct 2026 07:28:00 GMT');
  const rows: [string, () => Response, string, number, string, Record<string, string>][] = [
    ['429 with Retry-After seconds', () => new Response('', { status: 429, headers: { 'Retry-After': '30' } }),
      'TOOMANYREQUESTS', 429, 'upstream registry.test is rate limiting requests (429 for manifest library/golang:1.23); retry after 30 s', { 'Retry-After': '30' }],
    ['429 with a Retry-After date', () => new Response('', { status: 429, headers: { 'Retry-After': 'Wed, 21 Oct 2026 07:30:00 GMT' } }),
      'TOOMANYREQUESTS', 429, 'upstream registry.test is rate limiting requests (429 for manifest library/golang:1.23); retry after 120 s', { 'Retry-After': '120' }],
    ['429 without Retry-After (Docker Hub)', () => errors(429, 'TOOMANYREQUESTS'),
      'TOOMANYREQUESTS', 429, 'upstream registry.test is rate limiting requests (429 for manifest library/golang:1.23); retry after 60 s', { 'Retry-After': '60' }],
    ['500', () => new Response('boom', { status: 500 }), 'UNAVAILABLE', 503, 'upstream registry.test failed with 500 for manifest library/golang:1.23', {}],
    ['503', () => errors(503, 'UNAVAILABLE'), 'UNAVAILABLE', 503, 'upstream registry.test failed with 503 for manifest library/golang:1.23', {}],
    ['403', () => errors(403, 'DENIED'), 'DENIED', 403, 'upstream registry.test denied access to manifest library/golang:1.23 (403)', {}],
    ['400', () => errors(400, 'MANIFEST_INVALID'), 'BAD_GATEWAY', 502, 'upstream registry.test answered 400 for manifest library/golang:1.23 (MANIFEST_INVALID)', {}],
    ['204', () => new Response(null, { status: 204 }), 'BAD_GATEWAY', 502, 'upstream registry.test answered 204 for manifest library/golang:1.23', {}],
  ];
  it.each(rows)('maps %s', async (_what, answer, code, status, message, headers) => {
    const { client } = clientOf(answering(answer), undefined, { now: () => now });
    const error = await caught(client.getManifest(GOLANG, '1.23'));
    expect([error.code, error.status, error.message, error.headers]).toEqual([code, status, message, headers]);
  });

  it('maps a network failure to UNAVAILABLE', async () => {
    const { client } = clientOf(answering(() => Promise.reject(new TypeError('Network connection lost.'))));
    const error = await caught(client.getManifest(GOLANG, '1.23'));
    expect([error.code, error.message]).toEqual(['UNAVAILABLE', 'upstream registry.test unreachable: Network connection lost.']);
  });

  it('maps a registry that sends no headers in time to UNAVAILABLE', async () => {
    const { client } = clientOf(answering(() => new Promise<Response>(() => {})), undefined, { timeoutMs: 50 });
    const error = await caught(client.getManifest(GOLANG, '1.23'));
    expect([error.code, error.message]).toEqual([
      'UNAVAILABLE',
      'upstream registry.test unreachable: timed out after 50 ms waiting for a response',
    ]);
  });

  it('maps a body that stalls past the deadline to UNAVAILABLE', async () => {
    const stalled = () =>
      new Response(
        new ReadableStream<Uint8Array>({
          start(controller) {
            controller.enqueue(encode('{"schemaVersion":'));
          },
        }),
      );
    const { client } = clientOf(answering(stalled), undefined, { timeoutMs: 50 });
    const error = await caught(client.getManifest(GOLANG, '1.23'));
    expect([error.code, error.message]).toEqual([
      'UNAVAILABLE',
      'upstream registry.test unreachable: timed out after 50 ms reading the response',
    ]);
  });
});

describe('RegistryClient.headManifest(image, reference)', () => {
  it('reads digest, media type and size from the headers of one HEAD', async () => {
    const registry = new FakeRegistry();
    const stored = await registry.putManifest('library/golang', '1.23', ociIndex());
    const { client, metrics } = clientOf(registry);
    expect(await client.headManifest(GOLANG, '1.23')).toEqual({
      digest: stored.digest,
      mediaType: OCI_INDEX,
      size: stored.bytes.byteLength,
    });
    expect(registry.requests.map((r) => [r.method, r.accept])).toEqual([['HEAD', ALL_MANIFEST_MEDIA_TYPES.join(', ')]]);
    expect(metrics).toEqual({ upstreamRequests: 1, tokenRequests: 0, manifestHeads: 1 });
  });

  it('is null on 404', async () => {
    expect(await clientOf(new FakeRegistry()).client.headManifest(GOLANG, '1.23')).toBeNull();
  });

  it('falls back to a verified GET when the HEAD gives no digest', async () => {
    const body = JSON.stringify(ociIndex());
    const registry = answering((request) =>
      request.method === 'HEAD'
        ? new Response(null, { headers: { 'Content-Type': OCI_INDEX, 'Content-Length': String(body.length) } })
        : new Response(body, { headers: { 'Content-Type': OCI_INDEX } }),
    );
    const { client, metrics } = clientOf(registry);
    expect(await client.headManifest(GOLANG, '1.23')).toEqual({
      digest: await sha256Digest(encode(body)),
      mediaType: OCI_INDEX,
      size: body.length,
    });
    expect(metrics).toEqual({ upstreamRequests: 2, tokenRequests: 0, manifestHeads: 1, manifestGets: 1 });
  });

  it('refuses a HEAD whose digest is not the one asked for', async () => {
    const asked = `sha256:${'1'.repeat(64)}`;
    const other = `sha256:${'2'.repeat(64)}`;
    const registry = answering(
      () => new Response(null, { headers: { 'Docker-Content-Digest': other, 'Content-Type': OCI_INDEX, 'Content-Length': '100' } }),
    );
    const error = await caught(clientOf(registry).client.headManifest(GOLANG, asked));
    expect([error.code, error.message]).toEqual([
      'BAD_GATEWAY',
      `upstream registry.test answered HEAD of manifest library/golang@${asked} with digest ${other}`,
    ]);
  });
});
