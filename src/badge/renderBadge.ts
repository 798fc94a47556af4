/**
 * Draws a badge as SVG with badge-maker, the library shields.io itself renders with, so the five
 * styles look exactly like every other badge in a README. badge-maker escapes all text and
 * attribute values it writes (its `XmlElement` renders through `escapeXml`).
 *
 * It is imported on first use: its font-width tables are ~900 KB of JSON that take ~80 ms to
 * evaluate, and registry pulls, which never draw a badge, should not pay that on a cold start.
 */
import type { BadgeContent } from './BadgeContent';

type BadgeMaker = typeof import('badge-maker');

let badgeMaker: Promise<BadgeMaker> | undefined;

/**
 * @example await renderBadge({ label: 'platforms', message: 'amd64, arm64', color: 'blue', isError: false })
 * // → '<svg xmlns="http://www.w3.org/2000/svg" width="…" height="20" role="img" aria-label="platforms: amd64, arm64">…'
 */
export async function renderBadge(content: BadgeContent): Promise<string> {
  badgeMaker ??= import('badge-maker');
  const { makeBadge } = await badgeMaker;
  return makeBadge({
    label: content.label,
    message: content.message,
    color: content.color,
    ...(content.labelColor === undefined ? {} : { labelColor: content.labelColor }),
    style: content.style ?? 'flat',
  });
}
