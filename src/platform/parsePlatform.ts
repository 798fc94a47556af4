/**
 * The platform specifier grammar of `?platform=` and `X-Platform` (docs/platform-rules.md §2, §3),
 * after containerd's `platforms.Parse`:
 *
 *     os[(version[+feature…])] | arch | os[(version[+feature…])]/arch[/variant]
 *
 * The result is what was written, not yet normalized (so `linux/arm64/v8` keeps its `v8`); pass
 * it through `normalizePlatform` before comparing. `formatPlatform` is the inverse.
 */
import { isKnownOS, normalizeArch, normalizeOS } from './database';
import { InvalidPlatformError } from './errors';
import type { Platform } from './Platform';

/** The default platform when none is configured (§2): linux/amd64. */
export const DEFAULT_PLATFORM: Readonly<Platform> = Object.freeze({ os: 'linux', architecture: 'amd64' });

const OS_PART = /^([A-Za-z0-9_-]+)(?:\(([A-Za-z0-9_.%-]*)((?:\+[A-Za-z0-9_.%-]+)*)\))?$/;
const OTHER_PART = /^[A-Za-z0-9_.-]+$/;

/**
 * Parses a platform specifier. A one-part specifier is an OS name when it is a known OS
 * (taking the default architecture and variant), otherwise an architecture on the default OS.
 *
 * @throws InvalidPlatformError for anything outside the grammar, malformed percent-encoding,
 *   or a request for os or architecture `unknown`.
 * @example
 * parsePlatform('windows(10.0.17763+win32k)/amd64')
 * // → { os: 'windows', architecture: 'amd64', osVersion: '10.0.17763', osFeatures: ['win32k'] }
 * parsePlatform('arm64', { os: 'linux', architecture: 'amd64' })
 * // → { os: 'linux', architecture: 'arm64' }
 */
export function parsePlatform(spec: string, defaults: Platform = DEFAULT_PLATFORM): Platform {
  if (spec.includes('*')) throw invalid(spec, 'wildcards are not supported');
  const parts = spec.split('/', 4); // a fourth part is already an error
  if (parts.length > 3) throw invalid(spec, 'expected at most three parts, os/architecture/variant');
  if (parts.some((part) => part === '')) throw invalid(spec, spec === '' ? 'it is empty' : 'it has an empty part');

  const [first = '', second, third] = parts;
  const osMatch = OS_PART.exec(first);
  if (osMatch === null) throw invalid(spec, `${JSON.stringify(first)} is not a valid os[(version[+features])]`);
  for (const part of parts.slice(1)) {
    if (!OTHER_PART.test(part)) {
      throw invalid(spec, `${JSON.stringify(part)} may only contain letters, digits, "_", "." and "-"`);
    }
  }

  const name = osMatch[1] ?? '';
  const hasOptions = osMatch[2] !== undefined;
  const platform: Platform = { os: name, architecture: '' };
  const version = decodeOption(osMatch[2] ?? '', spec);
  if (version !== '') platform.osVersion = version;
  const features = osMatch[3] ?? '';
  if (features !== '') {
    platform.osFeatures = features.slice(1).split('+').map((f) => decodeOption(f, spec));
  }

  if (second === undefined) {
    if (isKnownOS(normalizeOS(name))) {
      platform.architecture = defaults.architecture;
      if (defaults.variant !== undefined && defaults.variant !== '') platform.variant = defaults.variant;
    } else if (hasOptions) {
      throw invalid(spec, `${JSON.stringify(name)} is not a known OS, and an architecture takes no (options)`);
    } else {
      platform.os = defaults.os;
      platform.architecture = name;
    }
  } else {
    platform.architecture = second;
    if (third !== undefined) platform.variant = third;
  }

  if (normalizeOS(platform.os) === 'unknown') throw invalid(spec, 'os "unknown" cannot be requested');
  if (normalizeArch(platform.architecture, '')[0] === 'unknown') {
    throw invalid(spec, 'architecture "unknown" cannot be requested');
  }
  return platform;
}

/** Percent-decodes an os.version or os.features value; malformed escapes are invalid input. */
function decodeOption(raw: string, spec: string): string {
  if (!raw.includes('%')) return raw;
  try {
    return decodeURIComponent(raw);
  } catch {
    throw new InvalidPlatformError(spec, `malformed percent-encoding in ${JSON.stringify(raw)}`);
  }
}

function invalid(spec: string, reason: string): InvalidPlatformError {
  return new InvalidPlatformError(spec, reason);
}
