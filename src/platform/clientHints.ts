/**
 * Browser User-Agent client hints as a platform hint (docs/platform-rules.md §10, source 4):
 * `Sec-CH-UA-Platform`, `Sec-CH-UA-Arch` and `Sec-CH-UA-Bitness`, each a structured-field string
 * such as `"macOS"`, `"arm"`, `"64"`.
 *
 * A browser does not run images; the platform meant is the one its machine would pull. Docker
 * Desktop (macOS, Windows), WSL 2, ChromeOS's Linux environment and Linux itself all run Linux
 * containers by default, so every recognised desktop OS means `linux`; the architecture comes
 * from Arch + Bitness. Arch is a high-entropy hint a browser sends only when asked
 * (`Accept-CH`): without it the hints say nothing beyond the default, so they give no platform.
 */
import type { Platform } from './Platform';

/** Raw client hint header values, quoted as the browser sent them. */
export interface ClientHints {
  platform?: string | null;
  arch?: string | null;
  bitness?: string | null;
}

/** Sec-CH-UA-Platform (lower-cased) → the OS of the containers that machine runs. */
const CONTAINER_OS: ReadonlyMap<string, string> = new Map([
  ['linux', 'linux'],
  ['chrome os', 'linux'],
  ['chromeos', 'linux'],
  ['android', 'linux'],
  ['macos', 'linux'],
  ['windows', 'linux'],
]);

/**
 * The platform a browser's machine would pull, or `undefined` when the hints do not say.
 * Arch `x86` + bitness 64 → amd64, 32 → 386; `arm` + 64 → arm64, 32 → arm. A missing bitness
 * counts as 64: 32-bit desktops are rare and Chromium sends Bitness together with Arch.
 * An unrecognised platform (`"iOS"`, `"Unknown"`) gives no platform; a missing one counts as Linux.
 *
 * @example
 * platformFromClientHints({ platform: '"macOS"', arch: '"arm"', bitness: '"64"' })
 * // → { os: 'linux', architecture: 'arm64' }
 */
export function platformFromClientHints(hints: ClientHints): Platform | undefined {
  const platform = unquote(hints.platform);
  const os = platform === '' ? 'linux' : CONTAINER_OS.get(platform);
  if (os === undefined) return undefined;
  const wide = unquote(hints.bitness) !== '32';
  switch (unquote(hints.arch)) {
    case 'x86':
      return { os, architecture: wide ? 'amd64' : '386' };
    case 'arm':
      return wide ? { os, architecture: 'arm64' } : { os, architecture: 'arm', variant: 'v7' };
    default:
      return undefined;
  }
}

/** `"macOS"` → `macos`; absent → ''. Lenient: unquoted values are accepted as they are. */
function unquote(value: string | null | undefined): string {
  const v = (value ?? '').trim();
  const inner = v.length >= 2 && v.startsWith('"') && v.endsWith('"') ? v.slice(1, -1) : v;
  return inner.replace(/\\(.)/g, '$1').toLowerCase();
}
