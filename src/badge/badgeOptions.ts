/**
 * The query options of the badge routes, validated at the edge (docs/architecture.md, "Errors and
 * validation"): `style`, `label`, `color`, `labelColor` (the names shields.io uses) and the
 * platform filters `os` and `arch` (comma-separated or repeated). Anything invalid is a
 * BadgeOptionError.
 */
import { BadgeOptionError } from './BadgeOptionError';
import type { PlatformFilter } from './platformMessage';

export const BADGE_STYLES = ['flat', 'flat-square', 'plastic', 'for-the-badge', 'social'] as const;
export type BadgeStyle = (typeof BADGE_STYLES)[number];

export const DEFAULT_LABEL = 'platforms';
export const MAX_LABEL_LENGTH = 64;

export interface BadgeOptions {
  /** Absent: flat, the shields.io default (and the JSON route then names no style). */
  style?: BadgeStyle;
  /** The left text; `''` leaves the left side out. */
  label?: string;
  color?: string;
  labelColor?: string;
  filter: PlatformFilter;
}

/**
 * A colour as badge-maker and shields.io take it: a named colour (`blue`, `brightgreen`, CSS
 * names), hex with or without `#` (`#` must be sent as `%23` in a URL), or `rgb()`/`hsl()`.
 * Nothing here reaches the SVG unescaped; the pattern only turns typos into a clear 400.
 */
const COLOR = /^(?:[a-z]{1,24}|#?[0-9a-f]{3,8}|(?:rgb|rgba|hsl|hsla)\([0-9.,% ]{1,40}\))$/i;
/** XML 1.0 forbids these even escaped, so a label with one could not be a valid SVG. */
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\ufffe\uffff]/;
const OS = /^[a-z0-9_.-]{1,32}$/i;
const ARCH = /^[a-z0-9_.-]{1,32}(?:\/[a-z0-9_.-]{1,32})?$/i;
const MAX_FILTER_VALUES = 16;

/**
 * Reads the options from a query string.
 * @example parseBadgeOptions(new URLSearchParams('style=flat-square&arch=arm,arm64'))
 * // → { style: 'flat-square', filter: { arch: ['arm', 'arm64'] } }
 */
export function parseBadgeOptions(query: URLSearchParams): BadgeOptions {
  const options: BadgeOptions = { filter: {} };
  const style = query.get('style');
  if (style !== null) {
    if (!(BADGE_STYLES as readonly string[]).includes(style)) {
      throw new BadgeOptionError('style', style, `expected one of ${BADGE_STYLES.join(', ')}`);
    }
    options.style = style as BadgeStyle;
  }
  const label = query.get('label');
  if (label !== null) {
    if (label.length > MAX_LABEL_LENGTH) throw new BadgeOptionError('label', label.slice(0, 20) + '…', `longer than ${MAX_LABEL_LENGTH} characters`);
    if (CONTROL.test(label)) throw new BadgeOptionError('label', label, 'contains a control character');
    options.label = label;
  }
  for (const key of ['color', 'labelColor'] as const) {
    const value = query.get(key);
    if (value === null) continue;
    if (!COLOR.test(value)) throw new BadgeOptionError(key, value, 'expected a colour name, hex, rgb() or hsl()');
    options[key] = value;
  }
  const os = listOf(query, 'os', OS, 'an OS name such as linux');
  if (os.length > 0) options.filter.os = os;
  const arch = listOf(query, 'arch', ARCH, 'an architecture such as arm64 or arm/v7');
  if (arch.length > 0) options.filter.arch = arch;
  return options;
}

function listOf(query: URLSearchParams, key: string, pattern: RegExp, expected: string): string[] {
  const values = query.getAll(key).flatMap((v) => v.split(',')).map((v) => v.trim()).filter((v) => v !== '');
  if (values.length > MAX_FILTER_VALUES) throw new BadgeOptionError(key, values.join(','), `more than ${MAX_FILTER_VALUES} values`);
  for (const value of values) {
    if (!pattern.test(value)) throw new BadgeOptionError(key, value, `expected ${expected}`);
  }
  return values;
}
