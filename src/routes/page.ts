/**
 * `GET /image/<name>:<tag>` (or `<name>@<digest>`) → the image page: the platform matrix of the
 * tag and its badge snippets (src/page/imagePage.ts). Failures are small HTML pages with the
 * badge routes' statuses (not found 404, unavailable 503, invalid reference 400).
 *
 * Headers: a strict Content-Security-Policy (pageAssets.ts), `nosniff`, no referrer sent to the
 * sites linked from it, and the badges' caching (ETag; 5 minutes, errors 1 minute).
 */
import { describeError } from '../badge/badgeError';
import { platformBadge } from '../badge/platformBadge';
import { cacheableResponse } from '../http/cacheableResponse';
import { familiarName, formatImageName, parseReference, type ImageReference } from '../oci/reference';
import { FAVICON_SVG } from '../page/favicon';
import { renderErrorPage, renderImagePage, type PlatformRow } from '../page/imagePage';
import { pageCsp } from '../page/pageAssets';
import { listPlatforms } from '../platform';
import { indexEntries, loadReference, offeredPlatforms } from '../resolve/resolveManifest';
import { PREFETCH_MAX, type ImageReader } from '../store/ImageStore';
import { BADGE_MAX_AGE, ERROR_BADGE_MAX_AGE } from './badge';
import type { RequestContext } from './RequestContext';

/** Child manifests one view of the page reads for sizes: as many as the store prefetches. */
const PAGE_CHILDREN = PREFETCH_MAX;

export async function imagePageRoute(request: Request, reference: string, context: RequestContext): Promise<Response> {
  let status = 200;
  let body: string;
  try {
    body = await imagePage(request, reference, context);
  } catch (err) {
    const error = describeError(err);
    status = error.status;
    body = renderErrorPage(`${shorten(reference, 200)}: ${error.message}`, shorten(error.detail, 1024));
  }
  return cacheableResponse(request, body, {
    status,
    maxAge: status === 200 ? BADGE_MAX_AGE : ERROR_BADGE_MAX_AGE,
    headers: {
      'Content-Type': 'text/html; charset=utf-8',
      'Content-Security-Policy': await pageCsp(),
      'Referrer-Policy': 'no-referrer',
    },
  });
}

/** `GET /favicon.svg`: the pages' icon; it never changes within a release, so a day of caching. */
export function faviconRoute(request: Request): Promise<Response> {
  return cacheableResponse(request, FAVICON_SVG, {
    status: 200,
    maxAge: 86_400,
    headers: { 'Content-Type': 'image/svg+xml; charset=utf-8', 'Content-Security-Policy': "default-src 'none'" },
  });
}

async function imagePage(request: Request, reference: string, context: RequestContext): Promise<string> {
  const { config, images } = context;
  const ref = parseReference(reference, { defaultRegistry: config.defaultRegistry });
  await context.access.authorize(request, ref.image);
  const top = await loadReference(images, ref);
  const entries = indexEntries(top);
  const offered = entries ? offeredPlatforms(entries) : [];
  // A bounded number of child manifests is read per view, the same first ones the store prefetches.
  const sized = new Map<string, number | undefined>();
  for (const { entry } of offered) {
    if (sized.size >= PAGE_CHILDREN) break;
    sized.set(entry.digest, undefined);
  }
  await Promise.all([...sized.keys()].map(async (digest) => sized.set(digest, await imageSizeOf(images, ref, digest))));
  const platforms = entries && offered.map(({ platform, entry }): PlatformRow => {
    const p = entry.platform!;
    const imageSize = sized.get(entry.digest);
    return {
      platform,
      os: p.os,
      architecture: p.architecture,
      ...(p.variant ? { variant: p.variant } : {}),
      ...(p['os.version'] ? { osVersion: p['os.version'] } : {}),
      digest: entry.digest,
      ...(imageSize === undefined ? {} : { imageSize }),
    };
  });
  const badge = platformBadge(entries && listPlatforms(entries).map((offer) => offer.platform), { filter: {} });
  return renderImagePage({
    origin: context.url.origin,
    reference: urlReference(ref, config.defaultRegistry),
    image: formatImageName(ref.image),
    pullName: familiarName(ref.image),
    digest: top.manifest.digest,
    mediaType: top.manifest.mediaType,
    ...(platforms ? { platforms, sizesRead: sized.size } : {}),
    badgeText: `${badge.label}: ${badge.message}`,
  });
}

/** The reference as this worker's own URLs write it: short name, then `:tag` and/or `@digest`. */
function urlReference(ref: ImageReference, defaultRegistry: string): string {
  const tag = ref.tag === undefined ? '' : `:${ref.tag}`;
  const digest = ref.digest === undefined ? '' : `@${ref.digest}`;
  return `${familiarName(ref.image, { defaultRegistry })}${tag}${digest}`;
}

/** Config plus layers of a child image manifest, when it can be had; else unknown. */
async function imageSizeOf(images: ImageReader, ref: ImageReference, digest: string): Promise<number | undefined> {
  try {
    return (await images.manifest(ref.image, digest))?.manifest.image?.size;
  } catch {
    return undefined;
  }
}

/** A path may be up to 16 KB long: an error page quotes only its start. */
function shorten(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
