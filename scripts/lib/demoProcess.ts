/**
 * For end-to-end checks of the local demo: starts `npm start` on a free port as a newcomer
 * would, waits until it answers, and stops it (its whole process group) afterwards; plus the
 * one-line-per-check report both checks print, ending in "N passed, N failed".
 */
import { spawn } from 'node:child_process';
import { freePort, waitForHttp } from './freePort';
import { PROJECT_ROOT } from './project';

export interface DemoProcess {
  /** `http://127.0.0.1:PORT` */
  base: string;
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
  const stop = () => {
    if (demo.pid) process.kill(-demo.pid, 'SIGTERM');
  };
  try {
    await waitForHttp(`${base}/v2/`, timeoutSeconds, () => `\n${log}`);
  } catch (err) {
    stop();
    throw err;
  }
  return { base, stop };
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
