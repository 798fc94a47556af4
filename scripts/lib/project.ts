/**
 * Where the project is and how scripts run its tools: always on the project's own Node
 * (node_modules/.bin/node, Node 24 from the `node` npm package), whatever node started us,
 * because wrangler refuses Node < 22.12.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const PROJECT_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export function projectNode(): string {
  const local = join(PROJECT_ROOT, 'node_modules', '.bin', 'node');
  return existsSync(local) ? local : process.execPath;
}

const WRANGLER = join(PROJECT_ROOT, 'node_modules', 'wrangler', 'bin', 'wrangler.js');

/** Runs `wrangler …` to completion; throws with its output when it fails. */
export function runWrangler(args: string[]): string {
  const result = spawnSync(projectNode(), [WRANGLER, ...args], { cwd: PROJECT_ROOT, encoding: 'utf8', env: wranglerEnv() });
  if (result.status !== 0) {
    throw new Error(`wrangler ${args.join(' ')} failed (exit ${result.status}):\n${result.stderr || result.stdout}`);
  }
  return result.stdout;
}

/**
 * Starts `wrangler …` as a child process printing to our terminal, in a process group of its own
 * (`detached`): wrangler starts node, esbuild and workerd processes, and `process.kill(-pid)`
 * reaches them all. It reads nothing from the terminal (stdin is /dev/null), so a background
 * group is fine; the caller forwards Ctrl-C, which the terminal sends only to our group.
 */
export function spawnWrangler(args: string[]): ChildProcess {
  return spawn(projectNode(), [WRANGLER, ...args], {
    cwd: PROJECT_ROOT,
    stdio: ['ignore', 'inherit', 'inherit'],
    env: wranglerEnv(),
    detached: true,
  });
}

/**
 * No internet unless asked: no metrics, and no `Request.cf` lookup at workers.cloudflare.com —
 * miniflare's documented `CLOUDFLARE_CF_FETCH_ENABLED=false` (Cloudflare's "System environment
 * variables") gives the worker miniflare's built-in placeholder `request.cf` instead.
 */
function wranglerEnv(): NodeJS.ProcessEnv {
  return {
    ...process.env,
    WRANGLER_SEND_METRICS: 'false',
    CLOUDFLARE_CF_FETCH_ENABLED: process.env.CLOUDFLARE_CF_FETCH_ENABLED ?? 'false',
    CI: process.env.CI ?? '',
  };
}

export function fail(message: string): never {
  console.error(`error: ${message}`);
  process.exit(1);
}
