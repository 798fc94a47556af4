/**
 * Compatibility ladders (docs/platform-rules.md §4), after containerd's `platforms.Only` /
 * `platformVector`: the ordered list of platforms a request accepts, best first.
 *
 * | request         | ladder                                                           |
 * |-----------------|------------------------------------------------------------------|
 * | `amd64/vN`      | vN … v2, `amd64`, `386`  (plain `amd64`: `amd64`, `386`)         |
 * | `arm/vN`, N ≥ 6 | vN … v5                                                          |
 * | `arm64[/v8.x]`  | v8.x … v8, then `arm/v8` … `arm/v5`                              |
 * | `arm64/v9.x`    | v9.x … v9, v8.min(x+5, 9) … v8, then `arm/v8` … `arm/v5`         |
 * | anything else   | itself only                                                      |
 *
 * Strict mode (`OnlyStrict`, `match=strict`) is the normalized request alone.
 */
import { normalizePlatform } from './normalizePlatform';
import type { Platform } from './Platform';

const NUMBERED = /^v(\d+)$/;
const ARM64_LEVEL = /^v([89])(?:\.(\d))?$/;

/**
 * Expands a request into its ladder of acceptable platforms, each normalized; the first step is
 * the normalized request. Every step keeps the request's os, os.version and os.features.
 *
 * @example
 * platformLadder({ os: 'linux', architecture: 'arm', variant: 'v7' }).map(formatPlatform)
 * // → ['linux/arm/v7', 'linux/arm/v6', 'linux/arm/v5']
 */
export function platformLadder(request: Platform, options: { strict?: boolean } = {}): Platform[] {
  const p = normalizePlatform(request);
  if (options.strict === true) return [p];

  switch (p.architecture) {
    case 'amd64': {
      const ladder = [p];
      const level = Number(NUMBERED.exec(p.variant ?? '')?.[1] ?? 0);
      for (let n = level - 1; n >= 2; n--) ladder.push(step(p, 'amd64', `v${n}`));
      if (level >= 2) ladder.push(step(p, 'amd64'));
      ladder.push(step(p, '386'));
      return ladder;
    }
    case 'arm': {
      const ladder = [p];
      const level = Number(NUMBERED.exec(p.variant ?? '')?.[1] ?? 0);
      for (let n = level - 1; n >= 5; n--) ladder.push(step(p, 'arm', `v${n}`));
      return ladder;
    }
    case 'arm64': {
      const match = ARM64_LEVEL.exec(p.variant ?? 'v8');
      if (match === null) return [p];
      const major = Number(match[1]);
      const minor = Number(match[2] ?? 0);
      const ladder: Platform[] = [];
      const levels = major === 9 ? [[9, minor], [8, Math.min(minor + 5, 9)]] : [[8, minor]];
      for (const [maj = 8, top = 0] of levels) {
        for (let m = top; m >= 0; m--) {
          // v8 is normalized away (plain arm64); v9.0 is plain v9.
          ladder.push(step(p, 'arm64', maj === 8 && m === 0 ? '' : m === 0 ? `v${maj}` : `v${maj}.${m}`));
        }
      }
      for (let n = 8; n >= 5; n--) ladder.push(step(p, 'arm', `v${n}`));
      return ladder;
    }
    default:
      return [p];
  }
}

/** A ladder step: `p` with another architecture and variant ('' for none). */
function step(p: Platform, architecture: string, variant = ''): Platform {
  const s: Platform = { ...p, architecture };
  if (variant === '') delete s.variant;
  else s.variant = variant;
  return s;
}
