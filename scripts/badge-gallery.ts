/**
 * The README's badge gallery: draws the demo image's badges (scripts/lib/demo.ts, tag `1.0`)
 * in each style, with filters and as errors, to docs/badges/*.svg — with the worker's own pure
 * renderer, no server needed. GitHub cannot reach a local worker, so the README shows these
 * committed files; docs/badges/README-section.md is the text around them.
 *
 *   npm run gallery            # (re)write docs/badges/*.svg
 *   npm run gallery -- --check # exit 1 if a file is missing or differs (for CI)
 */
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { badgeError } from '../src/badge/badgeError';
import type { BadgeContent } from '../src/badge/BadgeContent';
import { BADGE_STYLES, parseBadgeOptions } from '../src/badge/badgeOptions';
import { platformBadge } from '../src/badge/platformBadge';
import { renderBadge } from '../src/badge/renderBadge';
import { parseManifest } from '../src/oci/manifest';
import { RegistryError } from '../src/oci/RegistryError';
import { listPlatforms, parsePlatform } from '../src/platform';
import type { IndexEntry, Platform } from '../src/platform/Platform';
import { demoPlan } from './lib/demo';
import { fail, PROJECT_ROOT } from './lib/project';

const GALLERY_DIR = join(PROJECT_ROOT, 'docs', 'badges');

/** Fifteen platforms, as a large official image might offer: shows the layout's `+N`. */
const FIFTEEN = [
  'linux/amd64', 'linux/arm64/v8', 'linux/arm/v7', 'linux/arm/v6', 'linux/arm/v5', 'linux/386', 'linux/ppc64le',
  'linux/s390x', 'linux/riscv64', 'linux/mips64le', 'linux/loong64', 'windows(10.0.17763.6659)/amd64',
  'windows(10.0.20348.2966)/amd64', 'windows(10.0.26100.1)/arm64', 'freebsd/amd64',
].map((s) => parsePlatform(s));

/** File name → what it shows. */
async function galleryBadges(): Promise<Map<string, BadgeContent>> {
  const demo = await demoPlatforms();
  const badge = (platforms: readonly Platform[], query: string) => platformBadge(platforms, parseBadgeOptions(new URLSearchParams(query)));
  const badges = new Map<string, BadgeContent>();
  for (const style of BADGE_STYLES) badges.set(`platforms-${style}.svg`, badge(demo, `style=${style}`));
  badges.set('platforms-os-windows.svg', badge(demo, 'os=windows'));
  badges.set('platforms-arch-arm.svg', badge(demo, 'arch=arm,arm64&label=arm'));
  badges.set('platforms-custom.svg', badge(demo, 'os=linux&label=runs%20on&color=success&labelColor=2b3137'));
  badges.set('platforms-fifteen.svg', badge(FIFTEEN, ''));
  badges.set('error-not-found.svg', badgeError(new RegistryError('MANIFEST_UNKNOWN', 'manifest unknown')).content);
  badges.set('error-unavailable.svg', badgeError(new RegistryError('UNAVAILABLE', 'origin unavailable')).content);
  return badges;
}

/** The platforms of the demo's `1.0` index, as the worker lists them (attestations left out). */
async function demoPlatforms(): Promise<Platform[]> {
  const plan = await demoPlan();
  const index = plan.tags.get('1.0');
  if (!index) throw new Error('the demo plan has no tag 1.0');
  const manifest = parseManifest(index.bytes, index.mediaType);
  if (manifest.kind !== 'index') throw new Error('the demo tag 1.0 is not an index');
  return listPlatforms(manifest.manifests as IndexEntry[]).map((offer) => offer.platform);
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { check: { type: 'boolean', default: false } } });
  const badges = await galleryBadges();
  await mkdir(GALLERY_DIR, { recursive: true });
  const problems: string[] = [];
  for (const [file, content] of badges) {
    const svg = (await renderBadge(content)) + '\n';
    const path = join(GALLERY_DIR, file);
    const current = await readFile(path, 'utf8').catch(() => undefined);
    if (values.check) {
      if (current !== svg) problems.push(`${file} ${current === undefined ? 'is missing' : 'is out of date'}`);
      continue;
    }
    await writeFile(path, svg);
    console.log(`${current === svg ? 'unchanged' : 'wrote    '} docs/badges/${file}  (${content.label}: ${content.message})`);
  }
  const extra = (await readdir(GALLERY_DIR)).filter((f) => f.endsWith('.svg') && !badges.has(f));
  for (const file of extra) problems.push(`${file} is not drawn by this script any more: delete it`);
  if (problems.length > 0) {
    fail(`the badge gallery is not up to date:\n  ${problems.join('\n  ')}\nrun: npm run gallery`);
  }
  if (values.check) console.log(`the badge gallery is up to date (${badges.size} files)`);
}

main().catch((err: unknown) => fail(err instanceof Error ? err.message : String(err)));
