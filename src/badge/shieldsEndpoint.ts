/**
 * The badge as shields.io endpoint JSON (https://shields.io/badges/endpoint-badge). Shields
 * validates it strictly and rejects unknown keys, so this object has exactly the schema's keys
 * and nothing else: `schemaVersion` (1), `label`, `message` (non-empty), `color`, `labelColor`,
 * `isError`, `style`, `cacheSeconds` (shields treats < 300 as 300). The logo keys (`namedLogo`,
 * `logoSvg`, `logoColor`, `logoWidth`) are never sent. Richer data is at `/platforms/…`.
 */
import type { BadgeContent } from './BadgeContent';
import type { BadgeStyle } from './badgeOptions';

/** Shields.io caches endpoint badges for at least this long, whatever we say. */
export const MIN_CACHE_SECONDS = 300;

export interface ShieldsEndpoint {
  schemaVersion: 1;
  label: string;
  message: string;
  color: string;
  labelColor?: string;
  isError?: true;
  style?: BadgeStyle;
  cacheSeconds: number;
}

/**
 * @example shieldsEndpoint({ label: 'platforms', message: 'amd64', color: 'blue', isError: false }, 300)
 * // → { schemaVersion: 1, label: 'platforms', message: 'amd64', color: 'blue', cacheSeconds: 300 }
 */
export function shieldsEndpoint(content: BadgeContent, cacheSeconds: number): ShieldsEndpoint {
  return {
    schemaVersion: 1,
    label: content.label,
    message: content.message,
    color: content.color,
    ...(content.labelColor === undefined ? {} : { labelColor: content.labelColor }),
    ...(content.isError ? { isError: true as const } : {}),
    ...(content.style === undefined ? {} : { style: content.style }),
    cacheSeconds: Math.max(MIN_CACHE_SECONDS, Math.floor(cacheSeconds)),
  };
}
