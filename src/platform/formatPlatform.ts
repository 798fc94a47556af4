/**
 * Platform → specifier, the inverse of `parsePlatform` (docs/platform-rules.md §2):
 * `os[(version[+features])]/arch[/variant]`, with `os.version` and `os.features` values
 * percent-encoded where the grammar needs it, so that parse → format → parse is stable.
 */
import type { Platform } from './Platform';

const PLAIN = /^[A-Za-z0-9_.-]*$/;
const utf8 = new TextEncoder();

/**
 * Formats a platform as a specifier. Features are written in the order given (normalize first
 * for the canonical, sorted form). The os, architecture and variant are written as they are: the
 * grammar has no escape for them, so only values that could have been parsed round-trip.
 *
 * @example
 * formatPlatform({ os: 'windows', architecture: 'amd64', osVersion: '10.0.17763+build.42' })
 * // → 'windows(10.0.17763%2Bbuild.42)/amd64'
 */
export function formatPlatform(p: Platform): string {
  let out = p.os;
  const version = p.osVersion ?? '';
  const features = p.osFeatures ?? [];
  if (version !== '' || features.length > 0) {
    out += `(${encodeOption(version)}`;
    for (const feature of features) out += `+${encodeOption(feature)}`;
    out += ')';
  }
  out += `/${p.architecture}`;
  if (p.variant !== undefined && p.variant !== '') out += `/${p.variant}`;
  return out;
}

/** Percent-encodes (as UTF-8) every byte outside `[A-Za-z0-9_.-]`, `%` and `+` included. */
function encodeOption(value: string): string {
  if (PLAIN.test(value)) return value;
  let out = '';
  for (const ch of value) {
    if (PLAIN.test(ch)) {
      out += ch;
      continue;
    }
    for (const byte of utf8.encode(ch)) out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}
