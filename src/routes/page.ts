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
import { parseManifest } from '../oci/manifest';
import { familiarName, formatImageName, parseReference, type ImageReference } from '../oci/reference';
import { FAVICON_SVG } from '../page/favicon';
import { renderErrorPage, renderImagePage, type PlatformRow } from '../page/imagePage';
import { pageCsp } from '../page/pageAssets';
import { listPlatforms } from '../platform';
import type { ManifestSource } from '../resolve/ManifestSource';
import { indexEntries, loadReference, offeredPlatforms } from '../resolve/resolveManifest';
import { BADGE_MAX_AGE, ERROR_BADGE_MAX_AGE } from './badge';
import type { RequestContext } from './RequestContext';

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
  const { config, source } = context;
  const ref = parseReference(reference, { defaultRegistry: config.defaultRegistry });
  await context.access.authorize(request, ref.image);
  const top = await loadReference(source, ref);
  const entries = indexEntries(top);
  const platforms = entries && (await Promise.all(offeredPlatforms(entries).map(async ({ platform, entry }): Promise<PlatformRow> => {
    const p = entry.platform!;
    const imageSize = await imageSizeOf(source, ref, entry.digest);
    return {
      platform,
      os: p.os,
      architecture: p.architecture,
      ...(p.variant ? { variant: p.variant } : {}),
      ...(p['os.version'] ? { osVersion: p['os.version'] } : {}),
      digest: entry.digest,
      ...(imageSize === undefined ? {} : { imageSize }),
    };
  })));
  const badge = platformBadge(entries && listPlatforms(entries).map((offer) => offer.platform), { filter: {} });
  return renderImagePage({
    origin: context.url.origin,
    reference: urlReference(ref, config.defaultRegistry),
    image: formatImageName(ref.image),
    pullName: familiarName(ref.image),
    digest: top.digest,
    mediaType: top.mediaType,
    ...(platforms ? { platforms } : {}),
    badgeText: `${badge.label}: ${badge.message}`,
  });
}

/** The reference as this worker's own URLs write it: short name, then `:tag` and/or `@digest`. */
function urlReference(ref: ImageReference, defaultRegistry: string): string {
  const tag = ref.tag === undefined ? '' : `:${ref.tag}`;
  const digest = ref.digest === undefined ? '' : `@${ref.digest}`;
  return `${familiarName(ref.image, { defaultRegistry })}${tag}${digest}`;
}

/** Config plus layers of a child image manifest, when the source has it; else unknown. */
async function imageSizeOf(source: ManifestSource, ref: ImageReference, digest: string): Promise<number | undefined> {
  try {
    const child = await source.getManifest(ref.image, digest);
    if (!child) return undefined;
    const manifest = parseManifest(child.bytes, child.mediaType);
    if (manifest.kind !== 'manifest') return undefined;
    return manifest.json.config.size + manifest.json.layers.reduce((sum, layer) => sum + layer.size, 0);
  } catch {
    return undefined;
  }
}

/** A path may be up to 16 KB long: an error page quotes only its start. */
function shorten(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
