/**
 * podman (Debian's 4.3) pulling from plain-http registries on loopback, as root, with its own
 * storage in a temp dir: `--storage-driver vfs --root DIR --runroot DIR` and a registries.conf
 * (CONTAINERS_REGISTRIES_CONF) that marks the given hosts `insecure`.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runChecked } from './runCommand';

export interface PulledImage {
  /** The image ID: the config blob's hex digest. */
  id: string;
  /** The digest podman records for the reference (the index's, for a multi-platform tag). */
  digest: string;
  /** `repo@digest` for the index and for the platform's manifest. */
  repoDigests: string[];
  os: string;
  architecture: string;
}

export class Podman {
  private constructor(private readonly dir: string) {}

  /** `insecureHosts`: `host:port` entries podman may reach over plain http. */
  static async create(insecureHosts: readonly string[]): Promise<Podman> {
    const dir = await mkdtemp(join(tmpdir(), 'podman-'));
    const conf = insecureHosts.map((host) => `[[registry]]\nlocation = ${JSON.stringify(host)}\ninsecure = true\n`).join('\n');
    await writeFile(join(dir, 'registries.conf'), conf);
    return new Podman(dir);
  }

  /** `podman pull --platform PLATFORM [--creds USER:PASSWORD] REF`, then `podman image inspect` of what it pulled. */
  async pull(ref: string, platform: string, creds?: { username: string; password: string }): Promise<PulledImage> {
    const credsFlag = creds ? ['--creds', `${creds.username}:${creds.password}`] : [];
    await this.run(['pull', '--quiet', '--platform', platform, ...credsFlag, ref]);
    const [image] = JSON.parse((await this.run(['image', 'inspect', ref])).toString()) as {
      Id: string;
      Digest: string;
      RepoDigests: string[];
      Os: string;
      Architecture: string;
    }[];
    if (!image) throw new Error(`podman image inspect ${ref} printed no image`);
    return { id: image.Id, digest: image.Digest, repoDigests: image.RepoDigests, os: image.Os, architecture: image.Architecture };
  }

  /** `podman login HOST` with its own auth file; rejects when podman reports failure. */
  async login(host: string, creds: { username: string; password: string }): Promise<void> {
    await this.run(['login', '--authfile', join(this.dir, 'auth.json'), '--tls-verify=false', '--username', creds.username, '--password', creds.password, host]);
  }

  /** Removes every image, so the next pull fetches everything again. */
  async removeAll(): Promise<void> {
    await this.run(['rmi', '--all', '--force']);
  }

  async dispose(): Promise<void> {
    await this.run(['rmi', '--all', '--force']).catch(() => undefined);
    await rm(this.dir, { recursive: true, force: true });
  }

  private run(args: string[]): Promise<Buffer> {
    const env = { ...process.env, CONTAINERS_REGISTRIES_CONF: join(this.dir, 'registries.conf') };
    const storage = ['--storage-driver', 'vfs', '--root', join(this.dir, 'root'), '--runroot', join(this.dir, 'runroot')];
    return runChecked('podman', [...storage, ...args], { env });
  }
}
