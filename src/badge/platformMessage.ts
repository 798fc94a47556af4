/**
 * The text of a platform badge (pure): which platforms a tag offers → one line a badge can show.
 *
 * Layout, and why it stays readable with 15 platforms:
 * - Platforms are **grouped by OS**, in index order (publishers list the main ones first), and each
 *   group lists its architectures: `linux amd64, arm64, arm/v7 · windows amd64`. The OS is left
 *   out when every platform is linux, the common case: `amd64, arm64, arm/v7`.
 * - Architectures are the normalized ones (`arm64`, not `arm64/v8`; docs/platform-rules.md §1), and
 *   a repeat within an OS is shown once: two Windows builds of amd64 (different `os.version`) make
 *   one `amd64`. The image page lists every entry with its OS version.
 * - A badge is one line of text, and one much wider than ~550 px no longer fits a README column
 *   beside anything (GitHub then scales it down). So the message has a budget of
 *   {@link MESSAGE_BUDGET} characters (≈ 490 px of Verdana 11 px; ≈ 550 px with the label):
 *   within it, every architecture is listed; beyond it, each OS group keeps as many of its first
 *   architectures as fit, the same number for every group, then `+N` for the rest
 *   (`linux amd64, arm64, arm/v7, +8 · windows amd64, +1`); if not even one each fits, groups
 *   are counted (`linux 11 · windows 2 · freebsd 1`). The count is never hidden.
 * - Filters (`?os=linux`, `?arch=arm,riscv64`) narrow the badge to what a reader cares about,
 *   so a badge about "does it run on my Pi?" need not show fifteen platforms.
 */
import { normalizeArch, normalizeOS } from '../platform/database';
import type { Platform } from '../platform/Platform';

/** The longest message, in characters: ≈ 490 px at Verdana 11 px (the demo's 10 platforms fit). */
export const MESSAGE_BUDGET = 80;

/** The message when nothing is left to show (no platforms, or the filters matched none). */
export const NO_PLATFORMS = 'none';

const ARCH_SEPARATOR = ', ';
const GROUP_SEPARATOR = ' · ';

/** One OS and its architectures (`arch` or `arch/variant`), distinct, in index order. */
export interface PlatformGroup {
  os: string;
  architectures: string[];
}

/** Which platforms to show; each list is OR-ed, the two lists AND-ed. Empty or absent: all. */
export interface PlatformFilter {
  /** OS names, e.g. `linux`. */
  os?: readonly string[];
  /** `arch` (any variant) or `arch/variant`, e.g. `arm`, `arm/v7`, `aarch64`. */
  arch?: readonly string[];
}

/**
 * Groups platforms by OS, in order of first appearance, with the normalized architectures of
 * each (variant after a slash), each once.
 * @example groupPlatforms([{ os: 'linux', architecture: 'arm64', variant: 'v8' }, { os: 'windows', architecture: 'amd64' }])
 * // → [{ os: 'linux', architectures: ['arm64'] }, { os: 'windows', architectures: ['amd64'] }]
 */
export function groupPlatforms(platforms: readonly Platform[]): PlatformGroup[] {
  const groups = new Map<string, string[]>();
  for (const platform of platforms) {
    const os = normalizeOS(platform.os);
    const [architecture, variant] = normalizeArch(platform.architecture, platform.variant ?? '');
    const name = variant === '' ? architecture : `${architecture}/${variant}`;
    const architectures = groups.get(os) ?? [];
    if (!architectures.includes(name)) architectures.push(name);
    groups.set(os, architectures);
  }
  return [...groups].map(([os, architectures]) => ({ os, architectures }));
}

/**
 * The platforms the filter lets through. An `arch` filter without a variant matches every
 * variant (`arm` → `arm/v6`, `arm/v7`); aliases are normalized on both sides (`aarch64` = `arm64`,
 * `armhf` = `arm/v7`).
 */
export function filterPlatforms(platforms: readonly Platform[], filter: PlatformFilter): Platform[] {
  const oses = new Set((filter.os ?? []).map(normalizeOS));
  const arches = (filter.arch ?? []).map(parseArchFilter);
  return platforms.filter((platform) => {
    if (oses.size > 0 && !oses.has(normalizeOS(platform.os))) return false;
    if (arches.length === 0) return true;
    const [architecture, variant] = normalizeArch(platform.architecture, platform.variant ?? '');
    return arches.some((wanted) => wanted.architecture === architecture && (wanted.variant === undefined || wanted.variant === variant));
  });
}

/**
 * The badge message for these platforms (already filtered), within `budget` characters when
 * the layout above allows it.
 * @example platformMessage([{ os: 'linux', architecture: 'amd64' }, { os: 'linux', architecture: 'arm', variant: 'v7' }])
 * // → 'amd64, arm/v7'
 */
export function platformMessage(platforms: readonly Platform[], budget = MESSAGE_BUDGET): string {
  const groups = groupPlatforms(platforms);
  if (groups.length === 0) return NO_PLATFORMS;
  const showOs = groups.some((group) => group.os !== 'linux');
  const largest = Math.max(...groups.map((group) => group.architectures.length));
  // `kept` = how many architectures each group keeps; all of them first, then fewer.
  for (let kept = largest; kept >= 1; kept--) {
    const message = groups.map((group) => formatGroup(group, kept, showOs)).join(GROUP_SEPARATOR);
    if (message.length <= budget) return message;
  }
  if (!showOs) return `${groups[0]!.architectures.length} architectures`;
  return groups.map((group) => `${group.os} ${group.architectures.length}`).join(GROUP_SEPARATOR);
}

function formatGroup(group: PlatformGroup, kept: number, showOs: boolean): string {
  const { architectures } = group;
  const hidden = architectures.length - kept;
  const shown = hidden > 0 ? [...architectures.slice(0, kept), `+${hidden}`] : architectures;
  return (showOs ? `${group.os} ` : '') + shown.join(ARCH_SEPARATOR);
}

function parseArchFilter(value: string): { architecture: string; variant?: string } {
  const [architecture = '', variant] = value.split('/', 2);
  if (variant === undefined) {
    // `arm` means every arm variant; an alias that implies one (`armhf` = arm/v7) keeps it.
    const [arch, implied] = normalizeArch(architecture, '');
    return arch === architecture.toLowerCase() || implied === '' ? { architecture: arch } : { architecture: arch, variant: implied };
  }
  const [arch, normalizedVariant] = normalizeArch(architecture, variant);
  return { architecture: arch, variant: normalizedVariant };
}
