/**
 * `GET|HEAD /v2/<name>/blobs/<digest>` (docs/architecture.md, "The HTTP surface"; pull-through
 * blobs):
 * - with BLOB_ORIGIN: 307 to it. The Location is built from validated parts only and must stay
 *   on the configured origin: never an open redirect;
 * - else, when the name's registry has an origin: ask it. Its redirect target (S3, R2, a CDN)
 *   is handed on as a 307 when its host is the origin's own or in BLOB_REDIRECT_HOSTS (502
 *   otherwise) — the client fetched it with `redirect: 'manual'`, so no credential was sent
 *   there, and a target carrying credentials itself is refused. Where the origin
 *   serves the blob itself, the body is streamed through as it arrives (never buffered), with
 *   its length, digest and range headers and its status (200, or 206 for a `Range` request);
 * - else 404 BLOB_UNKNOWN.
 */
import type { Config } from '../config/config';
import { assertDigest } from '../oci/grammar';
import { RegistryError } from '../oci/RegistryError';
import type { UpstreamBlob } from '../upstream/Upstream';
import { registryImageName } from './imageReference';
import type { RequestContext } from './RequestContext';

const IMMUTABLE = 'public, max-age=31536000, immutable';
/** Headers of the origin's blob response handed on to the client. */
const PASSED_HEADERS = ['Content-Type', 'Content-Length', 'Docker-Content-Digest', 'Accept-Ranges', 'Content-Range', 'ETag'];
/** Statuses of a streamed blob handed on: whole, partial, range not satisfiable. */
const PASSED_STATUSES = [200, 206, 416];

export async function getBlob(request: Request, name: string, digest: string, context: RequestContext): Promise<Response> {
  const { config } = context;
  const image = registryImageName(context.url, name, config);
  await context.access.authorize(request, image);
  assertDigest(digest);
  const origin = config.blobOrigin;
  if (origin) {
    const location = origin.template
      .replaceAll('{registry}', image.registry)
      .replaceAll('{repository}', image.repository)
      .replaceAll('{digest}', digest);
    if (new URL(location).origin !== origin.origin) {
      throw new RegistryError('UNKNOWN', 'blob redirect left the configured origin');
    }
    return redirect(location, digest);
  }
  const upstream = context.upstream(image.registry);
  if (!upstream) {
    throw new RegistryError('BLOB_UNKNOWN', `blob unknown: no blob origin is configured for ${image.registry}`, { digest });
  }
  const method = request.method === 'HEAD' ? 'HEAD' : 'GET';
  const blob = await upstream.getBlob(image, digest, { method, range: request.headers.get('Range') });
  if (!blob) {
    throw new RegistryError('BLOB_UNKNOWN', `blob unknown to upstream ${image.registry}: ${image.repository}@${digest}`, { digest });
  }
  return blob.kind === 'redirect' ? redirect(safeLocation(blob, image.registry, config), digest) : streamed(blob.response, digest, image.registry);
}

function redirect(location: string, digest: string): Response {
  return new Response(null, {
    status: 307,
    headers: {
      Location: location,
      'Docker-Content-Digest': digest,
      'Docker-Distribution-API-Version': 'registry/2.0',
      'Cache-Control': IMMUTABLE,
      'X-Content-Type-Options': 'nosniff',
    },
  });
}

/**
 * The redirect target, if it is an absolute http(s) URL without credentials in it, on the
 * origin's own host or one BLOB_REDIRECT_HOSTS allows.
 */
function safeLocation(blob: Extract<UpstreamBlob, { kind: 'redirect' }>, registry: string, config: Config): string {
  let url: URL;
  try {
    url = new URL(blob.location);
  } catch {
    throw new RegistryError('BAD_GATEWAY', `upstream ${registry} redirected the blob to something that is not a URL`);
  }
  if ((url.protocol !== 'https:' && url.protocol !== 'http:') || url.username || url.password) {
    throw new RegistryError('BAD_GATEWAY', `upstream ${registry} redirected the blob to a URL this worker will not hand on`);
  }
  const base = config.upstreams[registry]?.baseUrl;
  if ((!base || url.host !== new URL(base).host) && !hostAllowed(url.host, config.blobRedirectHosts)) {
    throw new RegistryError('BAD_GATEWAY', `upstream ${registry} redirected the blob to ${url.host}, which is not in BLOB_REDIRECT_HOSTS`);
  }
  return url.href;
}

/** `host` (lower-case, as URL gives it) against `host[:port]` and `*.domain` patterns. */
function hostAllowed(host: string, patterns: Config['blobRedirectHosts']): boolean {
  if (patterns === 'any') return true;
  return patterns.some((pattern) => (pattern.startsWith('*.') ? host.endsWith(pattern.slice(1)) : host === pattern));
}

function streamed(response: Response, digest: string, registry: string): Response {
  if (!PASSED_STATUSES.includes(response.status)) {
    response.body?.cancel().catch(() => undefined);
    throw new RegistryError('BAD_GATEWAY', `upstream ${registry} answered ${response.status} for blob ${digest}`);
  }
  const headers = new Headers({ 'Docker-Content-Digest': digest, 'Docker-Distribution-API-Version': 'registry/2.0' });
  if (response.status !== 416) headers.set('Cache-Control', IMMUTABLE);
  for (const name of PASSED_HEADERS) {
    const value = response.headers.get(name);
    if (value !== null) headers.set(name, value);
  }
  return new Response(response.body, { status: response.status, headers });
}
