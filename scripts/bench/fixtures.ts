/**
 * The images the benchmark uses.
 * - `benchImage()`: a real 15-platform image with a buildx-style attestation per platform, so
 *   its index has 30 entries — the shape of popular official images (golang, python, node) —
 *   built offline by scripts/lib/ociLayout.ts. It is pushed to the origin registry and is the
 *   "30 entries with attestations" index of the microbenchmark.
 * - `largeIndexBytes(n)`: a synthetic index of `n` entries (half images over many platforms and
 *   Windows builds, half attestations), with the requested platform near the end, for the
 *   1000-entry microbenchmark. Only the index exists; its digests point nowhere.
 */
import { createHash } from 'node:crypto';
import { buildMultiPlatformImage, DEMO_PLATFORMS, MEDIA_TYPES, type BuiltImage, type ImagePlatform } from '../lib/ociLayout';

/** The 10 demo platforms and five more that real images ship. */
export const BENCH_PLATFORMS: readonly ImagePlatform[] = [
  ...DEMO_PLATFORMS,
  { os: 'linux', architecture: 'mips64le' },
  { os: 'linux', architecture: 'loong64' },
  { os: 'freebsd', architecture: 'amd64' },
  { os: 'windows', architecture: 'amd64', osVersion: '10.0.26100.2605' },
  { os: 'windows', architecture: 'arm64', osVersion: '10.0.26100.2605' },
];

/** What every benchmark request asks for (normalizes to linux/arm64/v8). */
export const BENCH_PLATFORM = 'linux/arm64';

export function benchImage(repository: string): Promise<BuiltImage> {
  return buildMultiPlatformImage({ platforms: BENCH_PLATFORMS, repository });
}

const LINUX: readonly ImagePlatform[] = [
  { os: 'linux', architecture: 'amd64' },
  { os: 'linux', architecture: 'arm', variant: 'v6' },
  { os: 'linux', architecture: 'arm', variant: 'v7' },
  { os: 'linux', architecture: '386' },
  { os: 'linux', architecture: 'ppc64le' },
  { os: 'linux', architecture: 's390x' },
  { os: 'linux', architecture: 'riscv64' },
  { os: 'linux', architecture: 'mips64le' },
];

const fakeDigest = (seed: string): string => `sha256:${createHash('sha256').update(seed).digest('hex')}`;

/** A synthetic OCI index of `n` (even) entries; linux/arm64/v8 is the last image entry. */
export function largeIndexBytes(n: number): Uint8Array {
  const images = n / 2;
  const manifests: object[] = [];
  const attestations: object[] = [];
  for (let i = 0; i < images; i++) {
    const last = i === images - 1;
    const platform = last
      ? { architecture: 'arm64', os: 'linux', variant: 'v8' }
      : i % 2 === 0
        ? { architecture: 'amd64', os: 'windows', 'os.version': `10.0.${17763 + i}.${i}` }
        : platformJson(LINUX[i % LINUX.length]!, i);
    const digest = fakeDigest(`image-${i}`);
    manifests.push({ mediaType: MEDIA_TYPES.oci.manifest, digest, size: 1000 + i, platform });
    attestations.push({
      mediaType: MEDIA_TYPES.oci.manifest,
      digest: fakeDigest(`attestation-${i}`),
      size: 800 + i,
      annotations: { 'vnd.docker.reference.digest': digest, 'vnd.docker.reference.type': 'attestation-manifest' },
      platform: { architecture: 'unknown', os: 'unknown' },
    });
  }
  const index = { schemaVersion: 2, mediaType: MEDIA_TYPES.oci.index, manifests: [...manifests, ...attestations] };
  return new TextEncoder().encode(JSON.stringify(index));
}

/** Linux platforms repeat across the index; every third carries `os.features`, as some do. */
function platformJson(p: ImagePlatform, i: number): object {
  return {
    architecture: p.architecture,
    os: p.os,
    ...(p.variant ? { variant: p.variant } : {}),
    ...(i % 3 === 0 ? { 'os.features': [`feature-${i}`] } : {}),
  };
}
