/**
 * For end-to-end checks of the local demo: starts `npm start` on a free port as a newcomer
 * would, waits until it answers, and stops it (everything under it) afterwards; plus the
 * one-line-per-check report both checks print, ending in "N passed, N failed".
 */
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { freePort, waitForHttp } from './freePort';
import { PROJECT_ROOT } from './project';

export interface DemoProcess {
  /** `http://127.0.0.1:PORT` */
  base: string;
  /** The PID of the `npm start` process itself. */
  pid: number;
  /** Everything `npm start` printed so far (stdout and stderr). */
  log(): string;
  /** Stops its whole process group (SIGTERM). */
  stop(): void;
}

export async function startDemo(timeoutSeconds = 120): Promise<DemoProcess> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  console.log(`starting the demo (npm start) on ${base}`);
  const demo = spawn('npm', ['start'], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, PORT: String(port) },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  demo.stdout.on('data', (d: Buffer) => (log += d.toString()));
  demo.stderr.on('data', (d: Buffer) => (log += d.toString()));
  // Its process group, and every process under it: `npm start` runs wrangler in a group of its own.
  const stop = () => {
    if (!demo.pid) return;
    for (const target of [...descendants(demo.pid).map((p) => p.pid), -demo.pid]) {
      try {
        process.kill(target, 'SIGTERM');
      } catch {
        // already gone
      }
    }
  };
  try {
    await waitForHttp(`${base}/v2/`, timeoutSeconds, () => `\n${log}`);
  } catch (err) {
    stop();
    throw err;
  }
  return { base, pid: demo.pid ?? 0, log: () => log, stop };
}

export interface ProcessInfo {
  pid: number;
  args: string;
}

/** Live (non-zombie) processes whose parent chain leads to `root`, from /proc (Linux). */
export function descendants(root: number): ProcessInfo[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const info = processStat(Number(entry));
    if (!info) continue;
    children.set(info.ppid, [...(children.get(info.ppid) ?? []), Number(entry)]);
  }
  const found: ProcessInfo[] = [];
  const queue = [...(children.get(root) ?? [])];
  while (queue.length > 0) {
    const pid = queue.shift()!;
    const args = commandLine(pid);
    if (args !== undefined) found.push({ pid, args });
    queue.push(...(children.get(pid) ?? []));
  }
  return found;
}

/** Whether `pid` is still a live process (a zombie is not) running `args`. */
export function stillRunning(proc: ProcessInfo): boolean {
  const stat = processStat(proc.pid);
  return stat !== undefined && stat.state !== 'Z' && commandLine(proc.pid) === proc.args;
}

function processStat(pid: number): { ppid: number; state: string } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // pid (comm) state ppid …; comm may contain spaces and parentheses.
    const [state, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { ppid: Number(ppid), state: state ?? '' };
  } catch {
    return undefined;
  }
}

function commandLine(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
  } catch {
    return undefined;
  }
}

/** Collects named checks, prints each as it is made, and the closing count. */
export class CheckReport {
  private readonly results: boolean[] = [];

  check(name: string, ok: boolean, detail = ''): void {
    this.results.push(ok);
    console.log(`${ok ? 'ok  ' : 'FAIL'} ${name}${ok || !detail ? '' : `\n     ${detail}`}`);
  }

  /** Prints "N passed, N failed" and exits non-zero when anything failed. */
  finish(): void {
    const failed = this.results.filter((ok) => !ok).length;
    console.log(`${this.results.length - failed} passed, ${failed} failed`);
    if (failed > 0) process.exit(1);
  }
}
