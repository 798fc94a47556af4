/**
 * The platform badge of a tag (pure): its offered platforms and the query options → what the
 * badge says. Layout in platformMessage.ts.
 */
import type { Platform } from '../platform/Platform';
import type { BadgeContent } from './BadgeContent';
import { DEFAULT_LABEL, type BadgeOptions } from './badgeOptions';
import { filterPlatforms, MESSAGE_BUDGET, NO_PLATFORMS, platformMessage } from './platformMessage';

export const PLATFORMS_COLOR = 'blue';
export const EMPTY_COLOR = 'lightgrey';
/** A tag that names one image manifest, not an index: its platform is in a config blob we do not read. */
export const SINGLE_PLATFORM = 'single platform';
/**
 * for-the-badge draws bold capitals with letter spacing, about 1.4× as wide per character as the
 * other styles, so its message gets a smaller budget to stay about as wide.
 */
export const FOR_THE_BADGE_BUDGET = Math.round(MESSAGE_BUDGET / 1.4);

/**
 * @param platforms the tag's offered platforms (attestations already left out), or `undefined`
 *   when the tag names a single image manifest rather than an index.
 * @example platformBadge([{ os: 'linux', architecture: 'amd64' }], { filter: {} })
 * // → { label: 'platforms', message: 'amd64', color: 'blue', isError: false }
 */
export function platformBadge(platforms: readonly Platform[] | undefined, options: BadgeOptions): BadgeContent {
  const budget = options.style === 'for-the-badge' ? FOR_THE_BADGE_BUDGET : MESSAGE_BUDGET;
  const message = platforms === undefined ? SINGLE_PLATFORM : platformMessage(filterPlatforms(platforms, options.filter), budget);
  return withOptions({ label: DEFAULT_LABEL, message, color: message === NO_PLATFORMS ? EMPTY_COLOR : PLATFORMS_COLOR, isError: false }, options);
}

/** Applies the user's label, colours and style; `color` is theirs unless `keepColor` (errors). */
export function withOptions(content: BadgeContent, options: Partial<BadgeOptions>, keepColor = false): BadgeContent {
  const out: BadgeContent = { ...content };
  if (options.label !== undefined) out.label = options.label;
  if (options.color !== undefined && !keepColor) out.color = options.color;
  if (options.labelColor !== undefined) out.labelColor = options.labelColor;
  if (options.style !== undefined) out.style = options.style;
  return out;
}
