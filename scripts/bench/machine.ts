/** What the numbers were measured on: written at the top of docs/benchmarks.md. */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../lib/project';
import { runCommand } from '../lib/runCommand';

export interface MachineInfo {
  cpu: string;
  cores: number;
  memoryGiB: number;
  node: string;
  workerd: string;
  miniflare: string;
  wrangler: string;
  wrk: string;
  dockerRegistry: string;
  skopeo: string;
  loadAverage: string;
}

function packageVersion(name: string, from = PROJECT_ROOT): string {
  try {
    const require = createRequire(join(from, 'package.json'));
    const path = require.resolve(`${name}/package.json`);
    return (JSON.parse(readFileSync(path, 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

async function firstLine(command: string, args: string[]): Promise<string> {
  try {
    const result = await runCommand(command, args, { timeoutSeconds: 10 });
    return (result.stdout.toString() + result.stderr).trim().split('\n')[0] ?? 'unknown';
  } catch {
    return 'not installed';
  }
}

export const currentLoad = (): string => loadavg().map((n) => n.toFixed(2)).join(' ');

export async function machineInfo(): Promise<MachineInfo> {
  const cpu = cpus();
  return {
    cpu: cpu[0]?.model.trim() ?? 'unknown',
    cores: cpu.length,
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    // The workerd Miniflare runs (the same as wrangler's: npm run check:runtime).
    workerd: packageVersion('workerd', join(PROJECT_ROOT, 'node_modules', 'miniflare')),
    miniflare: packageVersion('miniflare'),
    wrangler: packageVersion('wrangler'),
    wrk: (await firstLine('wrk', ['-v'])).replace(/ Copyright.*/, ''),
    dockerRegistry: await firstLine('docker-registry', ['--version']),
    skopeo: await firstLine('skopeo', ['--version']),
    loadAverage: currentLoad(),
  };
}
