/**
 * Instructions per request, counted by valgrind (callgrind) in the workerd process: a measure
 * of CPU work that other load on the machine does not disturb. Each target's worker runs under
 * callgrind: start, prime, `warm` requests, zero the counters, `n` requests one after another,
 * dump. Instructions per request include everything the process does for a request — HTTP,
 * Miniflare's entry worker, the runtime, the worker's code — for the floor as for ours.
 *
 * V8 compiles on background threads at times that depend on the scheduler, which would make
 * the counts vary from run to run by more than the changes measured: it runs with
 * `--predictable` (one thread, reproducible to about 0.1 %). Ours is given a TAG_TTL long enough
 * that no request under valgrind's slowdown finds the tag stale. Absolute counts under
 * `--predictable` are not those of a normal run; compare rows of one run.
 *
 * About 2–3 minutes per target. Needs valgrind (apt-get install -y valgrind).
 */
import { spawn } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request as httpRequest } from 'node:http';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WorkerServer } from '../lib/miniflareWorker';
import { PROJECT_ROOT } from '../lib/project';
import { readWranglerToml } from '../lib/wranglerToml';

export interface InstructionTarget {
  id: string;
  name: string;
  scriptPath: string;
  path: string;
  headers?: Record<string, string>;
  vars?: Record<string, string>;
}

export interface InstructionRow {
  id: string;
  name: string;
  /** Instructions per request. */
  instructions: number;
  warm: number;
  n: number;
}

const work = mkdtempSync(join(tmpdir(), 'bench-callgrind-'));
const outDir = join(work, 'out');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Counts each target in turn; `keep` is a directory for the callgrind dumps. */
export async function countInstructions(
  targets: InstructionTarget[],
  options: { warm: number; n: number; keep?: string; log: (line: string) => void },
): Promise<InstructionRow[]> {
  const saved = { path: process.env.MINIFLARE_WORKERD_PATH, flags: process.env.MINIFLARE_WORKERD_V8_FLAGS };
  process.env.MINIFLARE_WORKERD_PATH = writeWrapper();
  process.env.MINIFLARE_WORKERD_V8_FLAGS = '--predictable';
  if (options.keep) mkdirSync(options.keep, { recursive: true });
  const rows: InstructionRow[] = [];
  try {
    for (const t of targets) {
      const instructions = await perRequest(t, options);
      rows.push({ id: t.id, name: t.name, instructions, warm: options.warm, n: options.n });
      options.log(`   ${t.name}: ${(instructions / 1e6).toFixed(3)} M instructions per request`);
    }
  } finally {
    restore('MINIFLARE_WORKERD_PATH', saved.path);
    restore('MINIFLARE_WORKERD_V8_FLAGS', saved.flags);
  }
  return rows;
}

function restore(name: string, value: string | undefined): void {
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
}

/** The wrapper Miniflare starts instead of workerd. */
function writeWrapper(): string {
  const workerd = createRequire(join(PROJECT_ROOT, 'package.json'))('workerd').default as string;
  const wrapper = join(work, 'workerd.sh');
  writeFileSync(
    wrapper,
    `#!/bin/sh\nexec valgrind --tool=callgrind --cache-sim=no --collect-jumps=no ` +
      `--callgrind-out-file=${outDir}/callgrind.%p.out --log-file=${outDir}/valgrind.%p.log ${workerd} "$@"\n`,
  );
  chmodSync(wrapper, 0o755);
  return wrapper;
}

/**
 * A GET that must answer 200, over node:http with only the headers given, as wrk sends them:
 * fetch() would add `Accept-Encoding: gzip, deflate`, and workerd would then gzip every text
 * response (the floor's and /resolve's), which the load benchmark never asks for.
 */
const agent = new Agent({ keepAlive: true, maxSockets: 1 });
function get(worker: WorkerServer, path: string, headers: Record<string, string>): Promise<void> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(`${worker.url}${path}`, { headers, agent }, (response) => {
      response.resume();
      response.on('end', () => (response.statusCode === 200 ? resolve() : reject(new Error(`GET ${path} answered ${response.statusCode}`))));
    });
    request.on('error', reject);
    request.end();
  });
}

/**
 * Runs `callgrind_control` on the process; it acts when the process next runs, so requests
 * keep it busy meanwhile. Returns how many were sent (each straddles the command).
 */
async function control(pid: number, flag: string, busy: () => Promise<void>): Promise<number> {
  let exited = false;
  const child = spawn('callgrind_control', [flag, String(pid)], { stdio: 'ignore' });
  const done = new Promise<void>((resolve) => child.on('exit', () => ((exited = true), resolve())));
  let sent = 0;
  while (!exited) {
    await busy();
    sent++;
  }
  await done;
  return sent;
}

/** Instructions per request for `path` on a worker, N requests after WARM. */
async function perRequest(target: InstructionTarget, options: { warm: number; n: number; keep?: string }): Promise<number> {
  const { scriptPath, path, headers = {}, vars = {} } = target;
  const { warm: WARM, n: N, keep: KEEP } = options;
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir);
  const worker = await WorkerServer.start({ bundle: { ...readWranglerToml(), scriptPath }, vars });
  try {
    const busy = () => get(worker, path, headers);
    for (let i = 0; i < 3; i++) await busy();
    await sleep(5000); // the priming requests' background work (prefetch of the children)
    for (let i = 0; i < WARM; i++) await busy();
    const pid = Number(readdirSync(outDir).find((f) => f.startsWith('callgrind.'))?.split('.')[1]);
    if (!pid) throw new Error(`callgrind wrote nothing into ${outDir}`);
    await control(pid, '-z', busy);
    for (let i = 0; i < N; i++) await busy();
    const straddling = await control(pid, '-d', busy);
    const dump = readdirSync(outDir).find((f) => /^callgrind\.\d+\.out\.\d+$/.test(f));
    if (!dump) throw new Error('callgrind_control -d left no dump');
    const total = Number(/^(?:summary|totals): (\d+)/m.exec(readFileSync(join(outDir, dump), 'utf8'))?.[1]);
    if (KEEP) copyFileSync(join(outDir, dump), join(KEEP, `${target.id}.callgrind.out`));
    // The zeroing lands during one request and the dump during the last of `straddling`.
    return total / (N + straddling);
  } finally {
    await worker.stop();
  }
}
