/**
 * The badge routes (docs/architecture.md, "The HTTP surface", badges):
 * - `GET /badge/<name>:<tag>[.svg]` → the SVG badge of the platforms the tag offers;
 * - `GET /badge/<name>:<tag>/shields.json` → the same as shields.io endpoint JSON.
 * Query: `style`, `label`, `color`, `labelColor`, `os`, `arch` (badgeOptions.ts). A reference
 * may also be `<name>@<digest>`. Failures are error badges (badgeError.ts), never the registry's
 * JSON envelope: a README shows an image either way.
 *
 * Caching: a good badge may be kept 5 minutes by browsers, GitHub's image proxy and CDNs
 * (`max-age=300, s-maxage=300`, the same as shields.io's own floor) and revalidated with its
 * ETag; an error badge 1 minute, so a fixed tag or a recovered origin shows soon.
 */
import type { BadgeAnswer } from '../badge/BadgeContent';
import { badgeError } from '../badge/badgeError';
import { parseBadgeOptions, type BadgeOptions } from '../badge/badgeOptions';
import { platformBadge } from '../badge/platformBadge';
import { renderBadge } from '../badge/renderBadge';
import { shieldsEndpoint } from '../badge/shieldsEndpoint';
import { cacheableResponse } from '../http/cacheableResponse';
import { parseReference } from '../oci/reference';
import { listPlatforms } from '../platform';
import { indexEntries, loadReference } from '../resolve/resolveManifest';
import type { RequestContext } from './RequestContext';

export const BADGE_MAX_AGE = 300;
export const ERROR_BADGE_MAX_AGE = 60;

/** Badges are images: nothing in one may load or run anything, even opened on its own. */
const SVG_CSP = "default-src 'none'; style-src 'unsafe-inline'";

export async function badgeSvgRoute(request: Request, reference: string, context: RequestContext): Promise<Response> {
  const answer = await badgeAnswer(request, reference.replace(/\.svg$/, ''), context);
  return cacheableResponse(request, await renderBadge(answer.content), {
    status: answer.status,
    maxAge: maxAgeOf(answer),
    headers: { 'Content-Type': 'image/svg+xml; charset=utf-8', 'Content-Security-Policy': SVG_CSP, 'Access-Control-Allow-Origin': '*' },
  });
}

export async function badgeJsonRoute(request: Request, reference: string, context: RequestContext): Promise<Response> {
  const answer = await badgeAnswer(request, reference, context);
  const maxAge = maxAgeOf(answer);
  return cacheableResponse(request, JSON.stringify(shieldsEndpoint(answer.content, maxAge)) + '\n', {
    status: answer.status,
    maxAge,
    headers: { 'Content-Type': 'application/json; charset=utf-8', 'Access-Control-Allow-Origin': '*' },
  });
}

/** What the badge says and its status; every failure, options included, becomes an error badge. */
async function badgeAnswer(request: Request, reference: string, context: RequestContext): Promise<BadgeAnswer> {
  let options: BadgeOptions | undefined;
  try {
    options = parseBadgeOptions(context.url.searchParams);
    const ref = parseReference(reference, { defaultRegistry: context.config.defaultRegistry });
    await context.access.authorize(request, ref.image);
    const top = await loadReference(context.images, ref);
    const entries = indexEntries(top);
    const platforms = entries && listPlatforms(entries).map((offer) => offer.platform);
    return { status: 200, content: platformBadge(platforms, options) };
  } catch (err) {
    return badgeError(err, options);
  }
}

function maxAgeOf(answer: BadgeAnswer): number {
  return answer.status === 200 ? BADGE_MAX_AGE : ERROR_BADGE_MAX_AGE;
}
