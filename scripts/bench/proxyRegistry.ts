/**
 * Debian's docker-registry (distribution 2.8) as a pull-through cache (`proxy: remoteurl:`),
 * the peer most sites would deploy in front of an origin. It caches blobs and manifests by
 * digest, but re-checks every tag upstream (a HEAD per tag request), so its latency by tag is
 * never below the upstream round trip. (scripts/lib/registryServer.ts has no proxy mode.)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { requireDebianTools } from '../lib/debianTools';
import { freePort, waitForHttp } from '../lib/freePort';

export class ProxyRegistry {
  private constructor(
    private readonly child: ChildProcess,
    readonly port: number,
    private readonly dir: string,
  ) {}

  static async start(remoteUrl: string): Promise<ProxyRegistry> {
    requireDebianTools(['docker-registry']);
    const dir = await mkdtemp(join(tmpdir(), 'proxy-registry-'));
    const port = await freePort();
    await mkdir(join(dir, 'storage'));
    const config = [
      'version: 0.1',
      'log:',
      '  level: warn',
      '  accesslog:',
      '    disabled: true',
      'storage:',
      '  filesystem:',
      `    rootdirectory: ${JSON.stringify(join(dir, 'storage'))}`,
      'http:',
      `  addr: 127.0.0.1:${port}`,
      '  secret: bench-proxy-secret',
      'proxy:',
      `  remoteurl: ${JSON.stringify(remoteUrl)}`,
    ];
    await writeFile(join(dir, 'config.yml'), config.join('\n') + '\n');
    const child = spawn('docker-registry', ['serve', join(dir, 'config.yml')], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
    const registry = new ProxyRegistry(child, port, dir);
    await waitForHttp(`${registry.url}/v2/`, 20, () => `\n${stderr}`);
    return registry;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async dispose(): Promise<void> {
    if (this.child.exitCode === null) {
      await new Promise<void>((resolve) => {
        this.child.once('exit', () => resolve());
        this.child.kill('SIGTERM');
        setTimeout(() => this.child.kill('SIGKILL'), 3000).unref();
      });
    }
    await rm(this.dir, { recursive: true, force: true });
  }
}
