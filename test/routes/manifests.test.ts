import { beforeEach, describe, expect, it } from 'vitest';
import { bytesOf, call, errorOf } from '../helpers/worker';
import { childDigest, seedDemo, verified } from '../helpers/demo';
import { sha256Digest } from '../../src/oci/digest';
import type { BuiltImage } from '../../scripts/lib/ociLayout';

const ACCEPT = {
  /** What containerd, skopeo and podman send: every index and manifest type. */
  index:
    'application/vnd.oci.image.index.v1+json, application/vnd.docker.distribution.manifest.list.v2+json, application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json',
  manifestOnly: 'application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json',
  wildcard: '*/*',
  none: undefined,
} as const;
type AcceptKind = keyof typeof ACCEPT;

const DOCKER_ARM64_UA =
  'docker/24.0.7 go/go1.20.10 git-commit/311b9ff kernel/6.5.0 os/linux arch/arm64 UpstreamClient(Docker-Client/24.0.7 \\(darwin\\))';

/** Where the platform comes from in each row: the request changes, the path stays. */
const SOURCES = {
  query: { query: '?platform=linux/arm64', headers: {}, host: undefined },
  header: { query: '', headers: { 'X-Platform': 'linux/arm/v7' }, host: undefined },
  host: { query: '', headers: {}, host: 'arm64.edge.test' },
  'user-agent': { query: '', headers: { 'User-Agent': DOCKER_ARM64_UA }, host: undefined },
  none: { query: '', headers: {}, host: undefined },
} as const;
type SourceKind = keyof typeof SOURCES;

/** Expected answer: 'index' (the index unchanged) or the platform of the child, and its source header. */
const MATRIX: [AcceptKind, SourceKind, string, string | null][] = [
  ['index', 'query', 'linux/arm64/v8', 'query'],
  ['index', 'header', 'linux/arm/v7', 'header'],
  ['index', 'host', 'linux/arm64/v8', 'host'],
  ['index', 'user-agent', 'index', null], // the daemon UA never overrides a client that takes the index
  ['index', 'none', 'index', null],
  ['wildcard', 'query', 'linux/arm64/v8', 'query'],
  ['wildcard', 'header', 'linux/arm/v7', 'header'],
  ['wildcard', 'host', 'linux/arm64/v8', 'host'],
  ['wildcard', 'user-agent', 'index', null],
  ['wildcard', 'none', 'index', null],
  ['manifestOnly', 'query', 'linux/arm64/v8', 'query'],
  ['manifestOnly', 'header', 'linux/arm/v7', 'header'],
  ['manifestOnly', 'host', 'linux/arm64/v8', 'host'],
  ['manifestOnly', 'user-agent', 'linux/arm64/v8', 'user-agent'],
  ['manifestOnly', 'none', 'linux/amd64', 'default'],
  ['none', 'query', 'linux/arm64/v8', 'query'],
  ['none', 'header', 'linux/arm/v7', 'header'],
  ['none', 'host', 'linux/arm64/v8', 'host'],
  ['none', 'user-agent', 'linux/arm64/v8', 'user-agent'],
  ['none', 'none', 'linux/amd64', 'default'],
];

let oci: BuiltImage;
let docker: BuiltImage;
beforeEach(async () => {
  ({ oci, docker } = await seedDemo());
});

function request(accept: AcceptKind, source: SourceKind, reference: string, method = 'GET') {
  const s = SOURCES[source];
  const headers: Record<string, string> = { ...s.headers };
  const a = ACCEPT[accept];
  if (a !== undefined) headers.Accept = a;
  return call(`${method} /v2/demo/app/manifests/${reference}${s.query}`, { headers, host: s.host });
}

describe('GET /v2/<name>/manifests/<tag>: the negotiation matrix', () => {
  it.each(MATRIX)('Accept %s, platform from %s → %s', async (accept, source, expected, sourceHeader) => {
    const response = await request(accept, source, '1.0');
    expect(response.status).toBe(200);
    const body = await bytesOf(response);
    const digest = expected === 'index' ? oci.index.digest : childDigest(oci, expected);
    expect(response.headers.get('Docker-Content-Digest')).toBe(digest);
    expect(await sha256Digest(body)).toBe(digest);
    expect(response.headers.get('Content-Type')).toBe(
      expected === 'index' ? 'application/vnd.oci.image.index.v1+json' : 'application/vnd.oci.image.manifest.v1+json',
    );
    expect(response.headers.get('Content-Length')).toBe(String(body.byteLength));
    expect(response.headers.get('ETag')).toBe(`"${digest}"`);
    expect(response.headers.get('X-Platform-Source')).toBe(sourceHeader);
    expect(response.headers.get('X-Resolved-Platform')).toBe(expected === 'index' ? null : expected);
    expect(response.headers.get('Vary')).toContain('Accept');
    expect(response.headers.get('Vary')).toContain('X-Platform');
    expect(response.headers.get('X-Content-Type-Options')).toBe('nosniff');
  });
});

describe('GET /v2/<name>/manifests/<digest>: never rewritten', () => {
  it.each([...MATRIX.map(([a, s]) => [a, s] as const)])('Accept %s, platform from %s → the index itself', async (accept, source) => {
    const response = await request(accept, source, oci.index.digest);
    expect(response.status).toBe(200);
    expect(response.headers.get('Docker-Content-Digest')).toBe(oci.index.digest);
    expect(await sha256Digest(await bytesOf(response))).toBe(oci.index.digest);
    expect(response.headers.get('X-Resolved-Platform')).toBeNull();
    expect(response.headers.get('Cache-Control')).toBe('public, max-age=31536000, immutable');
  });

  it('serves a child manifest by digest with its own media type', async () => {
    const digest = childDigest(oci, 'linux/s390x');
    const response = await call(`GET /v2/demo/app/manifests/${digest}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('Content-Type')).toBe('application/vnd.oci.image.manifest.v1+json');
    expect(await sha256Digest(await bytesOf(response))).toBe(digest);
  });

  it('does not serve a digest stored under another repository', async () => {
    const response = await call(`GET /v2/other/app/manifests/${oci.index.digest}`);
    expect(response.status).toBe(404);
    expect((await errorOf(response)).code).toBe('MANIFEST_UNKNOWN');
  });
});

describe('Docker media types and single-manifest tags', () => {
  it('passes a Docker manifest list through to a client that takes it', async () => {
    const response = await call('GET /v2/demo/app/manifests/1.0-docker', { headers: { Accept: ACCEPT.index } });
    expect(response.headers.get('Content-Type')).toBe('application/vnd.docker.distribution.manifest.list.v2+json');
    expect(response.headers.get('Docker-Content-Digest')).toBe(docker.index.digest);
  });

  it('chooses a child for a client that takes the OCI index but not the Docker list', async () => {
    const response = await call('GET /v2/demo/app/manifests/1.0-docker', {
      headers: { Accept: 'application/vnd.oci.image.index.v1+json, application/vnd.docker.distribution.manifest.v2+json' },
    });
    expect(response.headers.get('Docker-Content-Digest')).toBe(childDigest(docker, 'linux/amd64'));
    expect(response.headers.get('Content-Type')).toBe('application/vnd.docker.distribution.manifest.v2+json');
  });

  it('serves a single-manifest tag as it is, whatever platform is asked', async () => {
    const response = await call('GET /v2/demo/app/manifests/1.0-amd64?platform=linux/arm64');
    expect(response.status).toBe(200);
    expect(response.headers.get('Docker-Content-Digest')).toBe(childDigest(oci, 'linux/amd64'));
    expect(response.headers.get('X-Resolved-Platform')).toBeNull();
  });
});

describe('platform choice details', () => {
  it('uses the configured default platform', async () => {
    const response = await call('GET /v2/demo/app/manifests/1.0', { vars: { DEFAULT_PLATFORM: 'linux/s390x' } });
    expect(response.headers.get('Docker-Content-Digest')).toBe(childDigest(oci, 'linux/s390x'));
    expect(response.headers.get('X-Platform-Source')).toBe('default');
  });

  it('query beats header beats host', async () => {
    const both = await call('GET /v2/demo/app/manifests/1.0?platform=linux/386', {
      headers: { 'X-Platform': 'linux/arm/v7' },
      host: 'arm64.edge.test',
    });
    expect(both.headers.get('X-Resolved-Platform')).toBe('linux/386');
    const headerOverHost = await call('GET /v2/demo/app/manifests/1.0', {
      headers: { 'X-Platform': 'linux/arm/v6' },
      host: 'arm64.edge.test:8787',
    });
    expect(headerOverHost.headers.get('X-Resolved-Platform')).toBe('linux/arm/v6');
  });

  it('falls back along the ladder and says so', async () => {
    const response = await call('GET /v2/demo/app/manifests/1.0?platform=linux/arm/v8');
    expect(response.headers.get('X-Resolved-Platform')).toBe('linux/arm/v7');
    expect(response.headers.get('X-Platform-Match')).toBe('compatible');
  });

  it('match=strict refuses a compatible fallback', async () => {
    const response = await call('GET /v2/demo/app/manifests/1.0?platform=linux/arm/v8&match=strict');
    expect(response.status).toBe(404);
    expect((await errorOf(response)).code).toBe('MANIFEST_UNKNOWN');
  });

  it('picks the Windows build the request can run', async () => {
    const response = await call('GET /v2/demo/app/manifests/1.0?platform=windows(10.0.26100)/amd64');
    expect(response.headers.get('Docker-Content-Digest')).toBe(childDigest(oci, 'windows/amd64:10.0.20348.2966'));
  });

  it('404 MANIFEST_UNKNOWN names what the tag offers when nothing fits', async () => {
    const response = await call('GET /v2/demo/app/manifests/1.0?platform=linux/mips64le');
    expect(response.status).toBe(404);
    const error = await errorOf(response);
    expect(error.code).toBe('MANIFEST_UNKNOWN');
    expect(error.message).toContain('linux/mips64le');
    expect(error.message).toContain('linux/arm64');
    expect((error.detail as { available: string[] }).available).toHaveLength(10);
    expect((error.detail as { available: string[] }).available).not.toContain('unknown/unknown');
  });
});

describe('HEAD and conditional requests', () => {
  it('HEAD has the GET headers and no body', async () => {
    const get = await call('GET /v2/demo/app/manifests/1.0?platform=linux/arm64');
    const head = await call('HEAD /v2/demo/app/manifests/1.0?platform=linux/arm64');
    expect(head.status).toBe(200);
    for (const name of ['Docker-Content-Digest', 'Content-Type', 'Content-Length', 'ETag', 'Vary', 'X-Resolved-Platform']) {
      expect(head.headers.get(name), name).toBe(get.headers.get(name));
    }
    expect((await bytesOf(head)).byteLength).toBe(0);
  });

  it.each([
    ['the exact ETag', (d: string) => `"${d}"`],
    ['a weak form of it', (d: string) => `W/"${d}"`],
    ['a list containing it', (d: string) => `"sha256:0000", "${d}"`],
    ['*', () => '*'],
  ])('If-None-Match with %s gives 304', async (_, value) => {
    const digest = childDigest(oci, 'linux/arm64/v8');
    const response = await call('GET /v2/demo/app/manifests/1.0?platform=linux/arm64', {
      headers: { 'If-None-Match': value(digest) },
    });
    expect(response.status).toBe(304);
    expect(response.headers.get('ETag')).toBe(`"${digest}"`);
    expect((await bytesOf(response)).byteLength).toBe(0);
  });

  it('If-None-Match with another digest gives 200', async () => {
    const response = await call('GET /v2/demo/app/manifests/1.0', {
      headers: { Accept: ACCEPT.index, 'If-None-Match': `"${childDigest(oci, 'linux/amd64')}"` },
    });
    expect(response.status).toBe(200);
  });
});

describe("containerd's ns query parameter (hosts.toml mirrors)", () => {
  it('puts a name without a host on the registry that ns names', async () => {
    const { store } = await seedDemo();
    const ghcr = { registry: 'ghcr.io', repository: 'demo/app' };
    await store.putTag(ghcr, '1.0', await verified(docker.index.bytes, docker.index.mediaType));
    const viaNs = await call('GET /v2/demo/app/manifests/1.0?ns=ghcr.io', { headers: { Accept: ACCEPT.index } });
    expect(viaNs.headers.get('Docker-Content-Digest')).toBe(docker.index.digest);
    const withoutNs = await call('GET /v2/demo/app/manifests/1.0', { headers: { Accept: ACCEPT.index } });
    expect(withoutNs.headers.get('Docker-Content-Digest')).toBe(oci.index.digest);
    const hubAlias = await call('GET /v2/demo/app/manifests/1.0?ns=registry-1.docker.io', { headers: { Accept: ACCEPT.index } });
    expect(hubAlias.headers.get('Docker-Content-Digest')).toBe(oci.index.digest);
  });

  it('applies to tags/list and blobs too', async () => {
    const tags = await call('GET /v2/demo/app/tags/list?ns=quay.io');
    expect(tags.status).toBe(404);
    const digest = `sha256:${'c'.repeat(64)}`;
    const blob = await call(`GET /v2/demo/app/blobs/${digest}?ns=ghcr.io`);
    expect(blob.headers.get('Location')).toBe(`https://blobs.example.com/ghcr.io/demo/app/blobs/${digest}`);
  });

  it('refuses an ns that is not a registry host', async () => {
    const response = await call('GET /v2/demo/app/manifests/1.0?ns=bad_host!');
    expect(response.status).toBe(400);
    expect((await errorOf(response)).code).toBe('NAME_INVALID');
  });
});
