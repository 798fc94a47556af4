/**
 * A manifest checked once, where it enters the worker — from an origin registry, KV, the Cache
 * API or the admin API: its bytes hashed once, compared with every digest anyone stated for them,
 * decoded, parsed and validated once (docs/architecture.md, "Verify once"). Everything past that
 * point takes this value and never hashes or parses the bytes again. Only `verifyManifest` makes
 * one: the `VERIFIED` brand keeps a hand-made object from passing for it.
 *
 * What is kept besides the bytes is small and copied out of the parse: an index's entries (the
 * fields the platform matcher and listings read), or an image manifest's compressed size. The
 * parsed JSON itself is dropped, so unknown fields of a hostile manifest are not held in memory.
 */
import { computeDigest, sha256Digest } from './digest';
import { assertDigest, type DigestAlgorithm } from './grammar';
import { parseManifest } from './manifest';
import type { Descriptor, ManifestPlatform } from './manifestSchema';
import { RegistryError } from './RegistryError';

declare const VERIFIED: unique symbol;

/** An index entry as kept: the descriptor fields the platform matcher and listings read. */
export interface ManifestEntry {
  mediaType: string;
  digest: string;
  size: number;
  platform?: ManifestPlatform;
  annotations?: Record<string, string>;
}

export interface VerifiedManifest {
  readonly bytes: Uint8Array;
  /** The digest it is known by: the one asked for, else the sha256 of `bytes`. */
  readonly digest: string;
  /** Lower-cased, without parameters (`parseManifest`). */
  readonly mediaType: string;
  /** An index's entries, in index order; undefined for an image manifest. */
  readonly entries?: readonly ManifestEntry[];
  /** An image manifest's compressed size (config + layers) and layer count. */
  readonly image?: { readonly size: number; readonly layers: number };
  /** Bytes this value holds in memory, estimated from above, for byte-bounded caches. */
  readonly weight: number;
  readonly [VERIFIED]: true;
}

export interface VerifyOptions {
  /** The Content-Type it came with, for manifests without a `mediaType` field. */
  contentType?: string | undefined;
  /** The digest it was asked for, or stored under: the bytes must have it, and it names them. */
  digest?: string | undefined;
  /** Another digest stated for the bytes (an origin's Docker-Content-Digest): they must have it too. */
  stated?: string | undefined;
}

/** Fixed overhead per kept value and per entry, in bytes: objects, headers, map slots. */
const BASE_WEIGHT = 512;
const ENTRY_WEIGHT = 256;

/**
 * Hashes, checks and parses `bytes` once. Throws DIGEST_INVALID (detail `{ expected, actual }`)
 * when they do not have a stated digest, MANIFEST_INVALID when they are not a valid manifest.
 * @example await verifyManifest(bytes, { digest: 'sha256:…' }) // → { bytes, digest, mediaType, entries, … }
 */
export async function verifyManifest(bytes: Uint8Array, options: VerifyOptions = {}): Promise<VerifiedManifest> {
  const sha256 = await sha256Digest(bytes);
  for (const stated of [options.stated, options.digest]) {
    if (stated !== undefined) await assertHas(bytes, stated, sha256);
  }
  const parsed = parseManifest(bytes, options.contentType);
  const digest = options.digest ?? sha256;
  if (parsed.kind === 'index') {
    const entries = Object.freeze(parsed.manifests.map(keptEntry));
    const weight = BASE_WEIGHT + bytes.byteLength + entries.reduce((sum, entry) => sum + entryWeight(entry), 0);
    return { bytes, digest, mediaType: parsed.mediaType, entries, weight } as VerifiedManifest;
  }
  const { config, layers } = parsed.json;
  const image = { size: config.size + layers.reduce((sum, layer) => sum + layer.size, 0), layers: layers.length };
  return { bytes, digest, mediaType: parsed.mediaType, image, weight: BASE_WEIGHT + bytes.byteLength } as VerifiedManifest;
}

async function assertHas(bytes: Uint8Array, digest: string, sha256: string): Promise<void> {
  assertDigest(digest);
  const algorithm = digest.slice(0, digest.indexOf(':')) as DigestAlgorithm;
  const actual = algorithm === 'sha256' ? sha256 : await computeDigest(algorithm, bytes);
  if (actual !== digest) {
    throw new RegistryError('DIGEST_INVALID', `manifest content does not match digest ${digest}`, { expected: digest, actual });
  }
}

function keptEntry(descriptor: Descriptor): ManifestEntry {
  const { mediaType, digest, size, platform, annotations } = descriptor;
  const entry: ManifestEntry = { mediaType, digest, size };
  if (platform) {
    const { architecture, os, variant, features } = platform;
    const kept: ManifestPlatform = { architecture, os };
    if (platform['os.version'] !== undefined) kept['os.version'] = platform['os.version'];
    if (platform['os.features'] !== undefined) kept['os.features'] = platform['os.features'];
    if (variant !== undefined) kept.variant = variant;
    if (features !== undefined) kept.features = features;
    entry.platform = kept;
  }
  if (annotations !== undefined) entry.annotations = annotations;
  return Object.freeze(entry);
}

/** Strings count two bytes a character: V8 keeps a string with any non-Latin-1 character in UTF-16. */
function entryWeight(entry: ManifestEntry): number {
  let chars = entry.mediaType.length + entry.digest.length;
  let weight = ENTRY_WEIGHT;
  const p = entry.platform;
  if (p) {
    weight += ENTRY_WEIGHT;
    chars += p.os.length + p.architecture.length + (p.variant?.length ?? 0) + (p['os.version']?.length ?? 0);
    for (const list of [p['os.features'], p.features]) {
      for (const item of list ?? []) {
        weight += 32;
        chars += item.length;
      }
    }
  }
  for (const [key, value] of Object.entries(entry.annotations ?? {})) {
    weight += 64;
    chars += key.length + value.length;
  }
  return weight + 2 * chars;
}
