/**
 * skopeo (Debian's 1.9) as the harness uses it: push OCI layouts, copy single platforms and
 * read raw manifests, always over plain http on loopback (`--tls-verify=false`).
 */
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ImagePlatform } from './ociLayout';
import { runChecked } from './runCommand';

export interface RegistryCredentials {
  username: string;
  password: string;
}

export interface SkopeoOptions {
  /** Credentials for the registry being read (or written, for copies to docker://). */
  creds?: RegistryCredentials;
  /** `--override-os/--override-arch/--override-variant`: the platform to choose from an index. */
  platform?: Pick<ImagePlatform, 'os' | 'architecture' | 'variant'>;
}

export const sha256Hex = (bytes: Uint8Array): string => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;

function platformFlags(platform: SkopeoOptions['platform']): string[] {
  if (!platform) return [];
  const flags = ['--override-os', platform.os, '--override-arch', platform.architecture];
  if (platform.variant) flags.push('--override-variant', platform.variant);
  return flags;
}

const credsFlag = (flag: string, creds: RegistryCredentials | undefined): string[] =>
  creds ? [flag, `${creds.username}:${creds.password}`] : [];

/** `skopeo inspect --raw docker://REF`: the manifest bytes exactly as served. */
export function inspectRaw(ref: string, options: SkopeoOptions = {}): Promise<Buffer> {
  return runChecked('skopeo', ['inspect', '--raw', '--tls-verify=false', ...credsFlag('--creds', options.creds), `docker://${ref}`]);
}

/**
 * Copies the one image skopeo chooses for `options.platform` from `docker://REF` into a `dir:`
 * directory (which keeps any manifest type unconverted), layers included: blobs are fetched and
 * their digests checked by skopeo. Returns the digest of the manifest it copied.
 */
export async function copyPlatform(ref: string, options: SkopeoOptions = {}): Promise<{ digest: string; manifest: Buffer; config: unknown }> {
  const dir = await mkdtemp(join(tmpdir(), 'skopeo-copy-'));
  try {
    await runChecked('skopeo', [
      ...platformFlags(options.platform),
      'copy', '--quiet', '--src-tls-verify=false', ...credsFlag('--src-creds', options.creds),
      `docker://${ref}`, `dir:${dir}`,
    ]);
    const manifest = await readFile(join(dir, 'manifest.json'));
    const configDigest = (JSON.parse(manifest.toString()) as { config: { digest: string } }).config.digest;
    const config = JSON.parse((await readFile(join(dir, configDigest.slice('sha256:'.length)))).toString()) as unknown;
    return { digest: sha256Hex(manifest), manifest, config };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * `skopeo copy --all --preserve-digests oci:LAYOUT… docker://DEST`: pushes every manifest of an
 * OCI layout unchanged (skopeo fails rather than convert). `layoutRef` is `oci:DIR:TAG`, or
 * `oci:DIR` for a Docker manifest list (see ociLayout.ts layoutIndexJson).
 */
export async function pushLayout(layoutRef: string, dest: string, options: SkopeoOptions = {}): Promise<void> {
  await runChecked('skopeo', [
    'copy', '--all', '--preserve-digests', '--quiet', '--dest-tls-verify=false', ...credsFlag('--dest-creds', options.creds),
    layoutRef, `docker://${dest}`,
  ]);
}
