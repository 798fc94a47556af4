/**
 * Builds a small but real multi-platform container image, offline and deterministically, and
 * writes it as an OCI image layout (image-spec `image-layout.md`: `oci-layout`, `index.json`,
 * `blobs/sha256/<hex>`) that `skopeo copy --all oci:DIR:TAG docker://…` can push.
 *
 * Per platform: one layer (a hand-written ustar archive, image-spec `layer.md`, gzip'd with
 * `CompressionStream`), an image config (`config.md`: `rootfs.diff_ids` = sha256 of the
 * uncompressed tar) and a manifest (`manifest.md`, or Docker schema 2). The index (`image-index.md`,
 * or a Docker manifest list) names each platform and, optionally, a buildx-style attestation
 * manifest per image (`vnd.docker.reference.type: attestation-manifest`).
 *
 * The builder is pure apart from Web APIs present in Node ≥ 22 and workerd (CompressionStream,
 * crypto.subtle), so the tests run in workerd; only `writeOciLayout` touches the file system.
 * Same inputs → same bytes: fixed timestamps, root ownership, JSON with a fixed key order.
 */

/** A platform to build; `osVersion` becomes the OCI `os.version` field. */
export interface ImagePlatform { os: string; architecture: string; variant?: string; osVersion?: string }

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  platform?: OciPlatform;
  annotations?: Record<string, string>;
}

/** A platform as written in index entries and image configs (image-index.md, config.md). */
export interface OciPlatform { architecture: string; os: string; 'os.version'?: string; variant?: string }

export interface BuildOptions {
  /** Defaults to DEMO_PLATFORMS. */
  platforms?: readonly ImagePlatform[];
  /** `docker` gives Docker schema 2 manifests and a manifest list; default `oci`. */
  mediaTypes?: 'oci' | 'docker';
  /** One buildx-style attestation manifest per image; default true. */
  attestations?: boolean;
  /** Repository named in the in-toto subjects; default `demo/multi`. */
  repository?: string;
}

export interface BuiltChild {
  platform: ImagePlatform;
  manifest: Descriptor;
  config: Descriptor;
  layer: Descriptor;
  /** sha256 of the uncompressed layer tar, as recorded in the config's `rootfs.diff_ids`. */
  diffId: string;
  attestation?: Descriptor;
}

export interface BuiltImage {
  /** Every blob (layers, configs, manifests, the index itself) by digest. */
  blobs: Map<string, Uint8Array>;
  index: { bytes: Uint8Array; digest: string; size: number; mediaType: string };
  children: BuiltChild[];
}

export const DEMO_PLATFORMS: readonly ImagePlatform[] = [
  { os: 'linux', architecture: 'amd64' },
  { os: 'linux', architecture: 'arm64', variant: 'v8' },
  { os: 'linux', architecture: 'arm', variant: 'v7' },
  { os: 'linux', architecture: 'arm', variant: 'v6' },
  { os: 'linux', architecture: '386' },
  { os: 'linux', architecture: 'ppc64le' },
  { os: 'linux', architecture: 's390x' },
  { os: 'linux', architecture: 'riscv64' },
  { os: 'windows', architecture: 'amd64', osVersion: '10.0.17763.6659' },
  { os: 'windows', architecture: 'amd64', osVersion: '10.0.20348.2966' },
];

export const MEDIA_TYPES = {
  oci: {
    index: 'application/vnd.oci.image.index.v1+json',
    manifest: 'application/vnd.oci.image.manifest.v1+json',
    config: 'application/vnd.oci.image.config.v1+json',
    layer: 'application/vnd.oci.image.layer.v1.tar+gzip',
  },
  docker: {
    index: 'application/vnd.docker.distribution.manifest.list.v2+json',
    manifest: 'application/vnd.docker.distribution.manifest.v2+json',
    config: 'application/vnd.docker.container.image.v1+json',
    layer: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
  },
} as const;

export const IN_TOTO_MEDIA_TYPE = 'application/vnd.in-toto+json';
/** Every timestamp in the image: configs, history, provenance, tar mtimes. */
export const CREATED = '2024-01-01T00:00:00Z';
const MTIME_SECONDS = Date.parse(CREATED) / 1000;
const PLATFORM_SPEC = /^([a-z0-9]+)\/([a-z0-9_]+)(?:\/([a-z0-9]+))?(?::([0-9][0-9.]*))?$/;
/** The distribution-spec tag grammar, also what image-layout allows as `ref.name` here. */
export const TAG_PATTERN = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/;

/** `linux/arm64/v8`, `windows/amd64:10.0.20348.2966` (os.version after a colon). */
export function formatPlatform(p: ImagePlatform): string {
  const base = [p.os, p.architecture, p.variant].filter(Boolean).join('/');
  return p.osVersion ? `${base}:${p.osVersion}` : base;
}

/** Inverse of formatPlatform: `os/arch[/variant][:os.version]`. */
export function parsePlatformSpec(spec: string): ImagePlatform {
  const m = PLATFORM_SPEC.exec(spec.trim());
  if (!m || !m[1] || !m[2]) throw new Error(`invalid platform "${spec}": expected os/arch[/variant][:os.version]`);
  return { os: m[1], architecture: m[2], ...(m[3] ? { variant: m[3] } : {}), ...(m[4] ? { osVersion: m[4] } : {}) };
}

const encoder = new TextEncoder();

export async function sha256Digest(bytes: Uint8Array): Promise<string> {
  const hash = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  return `sha256:${Array.from(hash, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}

export async function gzip(bytes: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([bytes]).stream().pipeThrough(new CompressionStream('gzip'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

export interface TarEntry {
  /** Relative path; directories end with `/`. At most 100 bytes (no ustar prefix split). */
  path: string;
  content?: string;
  mode?: number;
}

/** A POSIX ustar archive: 512-byte headers, content padded to 512, two zero blocks at the end. */
export function makeTar(entries: readonly TarEntry[]): Uint8Array {
  const blocks: Uint8Array[] = [];
  for (const entry of entries) {
    const isDir = entry.path.endsWith('/');
    const data = encoder.encode(isDir ? '' : (entry.content ?? ''));
    blocks.push(tarHeader(entry.path, data.length, isDir ? '5' : '0', entry.mode ?? (isDir ? 0o755 : 0o644)));
    const padded = new Uint8Array(Math.ceil(data.length / 512) * 512);
    padded.set(data);
    blocks.push(padded);
  }
  blocks.push(new Uint8Array(1024));
  const tar = new Uint8Array(blocks.reduce((n, b) => n + b.length, 0));
  blocks.reduce((offset, b) => (tar.set(b, offset), offset + b.length), 0);
  return tar;
}

function tarHeader(name: string, size: number, type: '0' | '5', mode: number): Uint8Array {
  const header = new Uint8Array(512);
  const put = (offset: number, length: number, text: string): void => {
    const bytes = encoder.encode(text);
    if (bytes.length > length) throw new Error(`tar field too long at ${offset}: "${text}"`);
    header.set(bytes, offset);
  };
  const octal = (offset: number, length: number, n: number): void =>
    put(offset, length, `${n.toString(8).padStart(length - 1, '0')}\0`);
  put(0, 100, name);
  octal(100, 8, mode);
  octal(108, 8, 0); octal(116, 8, 0); // uid, gid
  octal(124, 12, size);
  octal(136, 12, MTIME_SECONDS);
  put(148, 8, ' '.repeat(8)); // the checksum is computed with its own field as spaces
  put(156, 1, type);
  put(257, 6, 'ustar\0'); put(263, 2, '00'); // magic, version
  put(265, 32, 'root'); put(297, 32, 'root'); // uname, gname
  octal(329, 8, 0); octal(337, 8, 0); // devmajor, devminor
  const checksum = header.reduce((sum, b) => sum + b, 0);
  put(148, 8, `${checksum.toString(8).padStart(6, '0')}\0 `);
  return header;
}

const jsonBytes = (value: unknown): Uint8Array => encoder.encode(JSON.stringify(value));

async function addBlob(blobs: Map<string, Uint8Array>, mediaType: string, bytes: Uint8Array): Promise<Descriptor> {
  const digest = await sha256Digest(bytes);
  blobs.set(digest, bytes);
  return { mediaType, digest, size: bytes.length };
}

/** The files of a platform's only layer: no binaries, just text saying what it is. */
export function demoLayerEntries(p: ImagePlatform): TarEntry[] {
  const name = formatPlatform(p);
  return [
    { path: 'etc/' },
    { path: 'etc/demo-platform', content: `${name}\n` },
    { path: 'hello.txt', content: `Hello from the ${name} image of the platform-edge-resolver demo.\n` },
  ];
}

export function ociPlatform(p: ImagePlatform): OciPlatform {
  return {
    architecture: p.architecture,
    os: p.os,
    ...(p.osVersion ? { 'os.version': p.osVersion } : {}),
    ...(p.variant ? { variant: p.variant } : {}),
  };
}

type MediaTypeSet = (typeof MEDIA_TYPES)['oci' | 'docker'];

async function buildChild(p: ImagePlatform, types: MediaTypeSet, blobs: Map<string, Uint8Array>): Promise<BuiltChild> {
  const tar = makeTar(demoLayerEntries(p));
  const diffId = await sha256Digest(tar);
  const layer = await addBlob(blobs, types.layer, await gzip(tar));
  const configJson = {
    created: CREATED,
    ...ociPlatform(p),
    config: {
      Env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'],
      // The image has no binaries: the command documents intent, it is not meant to run.
      Cmd: ['cat', '/etc/demo-platform'],
      Labels: { 'org.opencontainers.image.title': `demo ${formatPlatform(p)}` },
    },
    rootfs: { type: 'layers', diff_ids: [diffId] },
    history: [{ created: CREATED, created_by: 'make-demo-image: ADD demo files /' }],
  };
  const config = await addBlob(blobs, types.config, jsonBytes(configJson));
  const manifestJson = { schemaVersion: 2, mediaType: types.manifest, config, layers: [layer] };
  const manifest = await addBlob(blobs, types.manifest, jsonBytes(manifestJson));
  return { platform: p, manifest: { ...manifest, platform: ociPlatform(p) }, config, layer, diffId };
}

/** A buildx-style attestation manifest: one SLSA provenance statement about `child`. */
async function buildAttestation(child: BuiltChild, repository: string, blobs: Map<string, Uint8Array>): Promise<Descriptor> {
  const predicateType = 'https://slsa.dev/provenance/v0.2';
  const statement = {
    _type: 'https://in-toto.io/Statement/v0.1',
    predicateType,
    subject: [{
      name: `pkg:docker/${repository}?platform=${encodeURIComponent(formatPlatform(child.platform))}`,
      digest: { sha256: child.manifest.digest.slice('sha256:'.length) },
    }],
    predicate: {
      builder: { id: 'https://github.com/platform-edge-resolver/scripts/make-demo-image.ts' },
      buildType: 'https://mobyproject.org/buildkit@v1',
      metadata: { buildStartedOn: CREATED, buildFinishedOn: CREATED, reproducible: true },
    },
  };
  const layer = await addBlob(blobs, IN_TOTO_MEDIA_TYPE, jsonBytes(statement));
  const configJson = { architecture: 'unknown', os: 'unknown', config: {}, rootfs: { type: 'layers', diff_ids: [layer.digest] } };
  const config = await addBlob(blobs, MEDIA_TYPES.oci.config, jsonBytes(configJson));
  const layers = [{ ...layer, annotations: { 'in-toto.io/predicate-type': predicateType } }];
  const manifestJson = { schemaVersion: 2, mediaType: MEDIA_TYPES.oci.manifest, config, layers };
  const manifest = await addBlob(blobs, MEDIA_TYPES.oci.manifest, jsonBytes(manifestJson));
  return {
    ...manifest,
    annotations: { 'vnd.docker.reference.digest': child.manifest.digest, 'vnd.docker.reference.type': 'attestation-manifest' },
    platform: { architecture: 'unknown', os: 'unknown' },
  };
}

/**
 * @example
 * const image = await buildMultiPlatformImage({ platforms: [parsePlatformSpec('linux/arm64/v8')] });
 * await writeOciLayout('/tmp/demo', image, 'latest');
 */
export async function buildMultiPlatformImage(options: BuildOptions = {}): Promise<BuiltImage> {
  const platforms = options.platforms ?? DEMO_PLATFORMS;
  if (platforms.length === 0) throw new Error('at least one platform is required');
  const types = MEDIA_TYPES[options.mediaTypes ?? 'oci'];
  const blobs = new Map<string, Uint8Array>();
  const children: BuiltChild[] = [];
  for (const p of platforms) children.push(await buildChild(p, types, blobs));
  if (options.attestations ?? true) {
    for (const child of children) child.attestation = await buildAttestation(child, options.repository ?? 'demo/multi', blobs);
  }
  const manifests = [...children.map((c) => c.manifest), ...children.flatMap((c) => (c.attestation ? [c.attestation] : []))];
  const bytes = jsonBytes({ schemaVersion: 2, mediaType: types.index, manifests });
  const { digest, size } = await addBlob(blobs, types.index, bytes);
  return { blobs, index: { bytes, digest, size, mediaType: types.index }, children };
}

/**
 * The layout's `index.json`: one entry, the image index, named `tag` (image-layout.md).
 * skopeo 1.9 resolves `oci:DIR:TAG` only to OCI media types; a Docker manifest list is reached
 * as `oci:DIR` (no tag), which takes the single entry whatever its type.
 */
export function layoutIndexJson(image: BuiltImage, tag: string): Uint8Array {
  if (!TAG_PATTERN.test(tag)) throw new Error(`invalid tag "${tag}": expected [A-Za-z0-9_][A-Za-z0-9._-]{0,127}`);
  const { mediaType, digest, size } = image.index;
  const entry = { mediaType, digest, size, annotations: { 'org.opencontainers.image.ref.name': tag } };
  return jsonBytes({ schemaVersion: 2, mediaType: MEDIA_TYPES.oci.index, manifests: [entry] });
}

/** The subset of `node:fs/promises` used here (the project has no @types/node). */
interface NodeFsPromises {
  mkdir(path: string, options: { recursive: true }): Promise<unknown>;
  writeFile(path: string, data: Uint8Array): Promise<void>;
}

/** Writes `image` under `dir` (created if missing); index.json then names only `tag`. */
export async function writeOciLayout(dir: string, image: BuiltImage, tag = 'latest'): Promise<void> {
  const indexJson = layoutIndexJson(image, tag);
  // A computed specifier keeps this module loadable where node:fs does not exist (workerd tests).
  const fsModule: string = 'node:fs/promises';
  const fs = (await import(fsModule)) as NodeFsPromises;
  const root = dir.replace(/\/+$/, '') || '/';
  await fs.mkdir(`${root}/blobs/sha256`, { recursive: true });
  for (const [digest, bytes] of image.blobs) await fs.writeFile(`${root}/blobs/sha256/${digest.slice(7)}`, bytes);
  await fs.writeFile(`${root}/oci-layout`, jsonBytes({ imageLayoutVersion: '1.0.0' }));
  await fs.writeFile(`${root}/index.json`, indexJson);
}
