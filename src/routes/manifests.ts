/**
 * `GET|HEAD /v2/<name>/manifests/<reference>` (docs/architecture.md, "The HTTP surface"):
 * - by digest: the stored bytes of exactly that digest;
 * - by tag, client takes the index and names no platform: the index, unchanged;
 * - by tag with an explicit platform (query, X-Platform, pinned host): the chosen child;
 * - by tag, client cannot take the index: a child chosen by inference or the default.
 * `X-Cache-Status`, `Age` (and `Warning` when stale) tell how the tag or digest was answered.
 */
import { cacheStatusHeaders } from '../http/cacheStatusHeaders';
import { etagFor, ifNoneMatchHits } from '../http/etag';
import { acceptsMediaType } from '../oci/accept';
import { isIndexMediaType } from '../oci/mediaTypes';
import { formatPlatform } from '../platform';
import { loadReference, resolvePlatform, type Resolution } from '../resolve/resolveManifest';
import type { Served } from '../store/ImageStore';
import type { CacheInfo } from '../store/ManifestRecord';
import { registryReference } from './imageReference';
import type { RequestContext } from './RequestContext';
import { platformVary, requestPlatformOf } from './requestPlatformOf';

const IMMUTABLE = 'public, max-age=31536000, immutable';
/** Tags move: caches keep them but must revalidate (If-None-Match costs a 304). */
const REVALIDATE = 'no-cache';

export async function getManifest(
  request: Request,
  name: string,
  reference: string,
  { url, config, images, access }: RequestContext,
): Promise<Response> {
  const ref = registryReference(url, name, reference, config);
  await access.authorize(request, ref.image);
  const top = await loadReference(images, ref);
  const cache = top.cache;
  if (ref.digest) return manifestResponse(request, top, { cacheControl: IMMUTABLE, cache });

  const accept = request.headers.get('Accept');
  const { mediaType } = top.manifest;
  const takesIndex = isIndexMediaType(mediaType) && acceptsIndex(accept, mediaType);
  const requested = requestPlatformOf(request, url, config, !takesIndex);
  const vary = platformVary(!takesIndex);
  if (!isIndexMediaType(mediaType) || (takesIndex && !requested.explicit)) {
    return manifestResponse(request, top, { cacheControl: REVALIDATE, vary, cache });
  }
  const resolution = await resolvePlatform(images, ref, top, requested);
  return manifestResponse(request, resolution.manifest, {
    cacheControl: REVALIDATE,
    vary,
    cache,
    resolved: { resolution, source: requested.source },
  });
}

/**
 * A client takes the index when its Accept names the index's type (or a wildcard). No Accept
 * at all is an old client: a registry would convert for it, so we choose a child instead.
 */
function acceptsIndex(accept: string | null, mediaType: string): boolean {
  if (accept === null || accept.trim() === '') return false;
  return acceptsMediaType(accept, mediaType);
}

interface ResponseOptions {
  cacheControl: string;
  vary?: string;
  /** How the tag (or, by digest, the manifest) was answered; a child by digest follows its tag. */
  cache?: CacheInfo;
  resolved?: { resolution: Resolution; source: string };
}

function manifestResponse(request: Request, served: Served, options: ResponseOptions): Response {
  const record = served.manifest;
  const etag = etagFor(record.digest);
  // One plain record, turned into the response's Headers once.
  const headers: Record<string, string> = {
    'Docker-Content-Digest': record.digest,
    'Docker-Distribution-API-Version': 'registry/2.0',
    ETag: etag,
    'Cache-Control': options.cacheControl,
    'X-Content-Type-Options': 'nosniff',
    ...cacheStatusHeaders(options.cache),
  };
  if (options.vary) headers.Vary = options.vary;
  const resolved = options.resolved;
  if (resolved) {
    if (resolved.resolution.platform) headers['X-Resolved-Platform'] = formatPlatform(resolved.resolution.platform);
    headers['X-Platform-Source'] = resolved.source;
    headers['X-Platform-Match'] = resolved.resolution.exact ? 'exact' : 'compatible';
    headers['X-Index-Digest'] = resolved.resolution.top.manifest.digest;
  }
  if (ifNoneMatchHits(request.headers.get('If-None-Match'), etag)) {
    return new Response(null, { status: 304, headers });
  }
  headers['Content-Type'] = record.mediaType;
  headers['Content-Length'] = String(record.bytes.byteLength);
  return new Response(request.method === 'HEAD' ? null : record.bytes, { status: 200, headers });
}
