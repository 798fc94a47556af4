/**
 * `npm start`: seeds local KV with the demo image and runs the worker under workerd
 * (`wrangler dev`), offline and without a Cloudflare account.
 *
 *   PORT=8787 npm start
 *
 * SIGTERM, SIGINT (Ctrl-C) or SIGHUP stops everything it started: wrangler runs in a process
 * group of its own, which is sent SIGTERM (SIGKILL after STOP_GRACE_MS). `npm start` runs this
 * script with `exec`, so it is npm's own child, which npm forwards SIGTERM and SIGINT to (npm
 * forwards no SIGHUP: when npm itself goes away, we notice our parent changed and stop too).
 */
import type { ChildProcess } from 'node:child_process';
import { constants } from 'node:os';
import { demoPlan, DEMO_NAME } from './lib/demo';
import { fail, spawnWrangler } from './lib/project';
import { seed } from './seed';

const port = process.env.PORT ?? '8787';
/** Only for the local demo; production sets a real secret with `wrangler secret put ADMIN_TOKEN`. */
const DEMO_ADMIN_TOKEN = 'demo-admin-token';
/** How long wrangler gets to shut down before its group is killed. */
const STOP_GRACE_MS = 3000;

let wrangler: ChildProcess | undefined;
let stopping: NodeJS.Signals | undefined;

/** Sends `signal` to wrangler's whole process group; false when none is left. */
function signalWrangler(signal: NodeJS.Signals): boolean {
  if (wrangler?.pid === undefined) return false;
  try {
    process.kill(-wrangler.pid, signal);
    return true;
  } catch {
    return false;
  }
}

/** Ends as killed by `signal` (npm then ends the same way), or else with 128 + its number. */
function exitFor(signal: NodeJS.Signals): never {
  process.removeAllListeners(signal);
  process.kill(process.pid, signal);
  process.exit(128 + (constants.signals[signal] ?? 15));
}

function stop(signal: NodeJS.Signals): void {
  if (stopping) return;
  stopping = signal;
  if (!signalWrangler('SIGTERM')) exitFor(signal);
  setTimeout(() => {
    signalWrangler('SIGKILL');
    exitFor(signal);
  }, STOP_GRACE_MS).unref();
}

for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) process.on(signal, () => stop(signal));
// Orphaned (npm was killed with a signal it does not forward, e.g. SIGHUP): stop as well.
const parent = process.ppid;
setInterval(() => {
  if (process.ppid !== parent) stop('SIGHUP');
}, 500).unref();

async function main(): Promise<void> {
  console.log('Seeding local KV with the demo image:');
  await seed(await demoPlan(), { remote: false });
  const base = `http://127.0.0.1:${port}`;
  console.log(`
Starting the worker on ${base} — try:
  curl ${base}/resolve/${DEMO_NAME}:1.0?platform=linux/arm64
  curl -H 'Accept: text/plain' ${base}/resolve/${DEMO_NAME}:1.0?platform=linux/arm/v7
  curl ${base}/platforms/${DEMO_NAME}:1.0
  curl -H 'Accept: application/vnd.oci.image.index.v1+json' ${base}/v2/${DEMO_NAME}/manifests/1.0
  (admin token for this demo: ${DEMO_ADMIN_TOKEN})
`);
  if (stopping) exitFor(stopping);
  wrangler = spawnWrangler([
    'dev', '--ip', '127.0.0.1', '--port', port, '--show-interactive-dev-session=false',
    '--var', `ADMIN_TOKEN:${DEMO_ADMIN_TOKEN}`,
    // Offline by default: the demo is served from KV alone. UPSTREAMS=… npm start pulls through.
    '--var', `UPSTREAMS:${process.env.UPSTREAMS ?? ''}`,
  ]);
  wrangler.on('exit', (code) => {
    // Whatever wrangler left in its group (workerd, esbuild) goes with it.
    signalWrangler('SIGKILL');
    if (stopping) exitFor(stopping);
    process.exit(code ?? 1);
  });
}

main().catch((err: unknown) => fail(err instanceof Error ? err.message : String(err)));
