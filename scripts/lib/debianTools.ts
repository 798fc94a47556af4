/**
 * The Debian tools the integration harness drives: `docker-registry` (distribution 2.8),
 * `skopeo` and `podman` (docs/toolchain.md), and `openssl` (the token server's key and
 * certificate). Each package installs a command of its own name. Missing ones are installed with
 * apt-get when we run as root (as CI does); otherwise we fail with the exact command to run.
 */
import { spawnSync } from 'node:child_process';

export type DebianTool = 'docker-registry' | 'skopeo' | 'podman' | 'openssl';

export const INTEGRATION_TOOLS: readonly DebianTool[] = ['docker-registry', 'skopeo', 'podman', 'openssl'];

export function hasCommand(command: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

/** Ensures every tool is on PATH; installs missing packages when root. Throws otherwise. */
export function requireDebianTools(tools: readonly DebianTool[] = INTEGRATION_TOOLS): void {
  const missing = tools.filter((tool) => !hasCommand(tool));
  if (missing.length === 0) return;
  const install = `apt-get install -y ${missing.join(' ')}`;
  if (process.getuid?.() !== 0) {
    throw new Error(`missing ${missing.join(', ')}: run as root: apt-get update && ${install}`);
  }
  console.log(`installing Debian packages: ${missing.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const run = (args: string[]) => spawnSync('apt-get', args, { env, encoding: 'utf8' });
  let result = run(['install', '-y', '-qq', ...missing]);
  if (result.status !== 0) {
    // A fresh machine has no package lists yet.
    const update = run(['update', '-qq']);
    if (update.status !== 0) throw new Error(`apt-get update failed:\n${update.stderr}`);
    result = run(['install', '-y', '-qq', ...missing]);
  }
  if (result.status !== 0) throw new Error(`${install} failed:\n${result.stderr || result.stdout}`);
  const still = missing.filter((tool) => !hasCommand(tool));
  if (still.length > 0) throw new Error(`${install} ran but ${still.join(', ')} is still not on PATH`);
}
