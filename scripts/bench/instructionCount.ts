/**
 * Instructions per hot request, counted by valgrind (callgrind) in the workerd process: a
 * measure of CPU work that other load on the machine does not disturb, for before/after
 * comparisons of hot-path changes where req/s on a shared machine varies by more than the
 * change being measured.
 *
 *   tsx scripts/bench/instructionCount.ts base=HEAD~3 cand=.     # git revisions; `.` = working tree
 *   tsx scripts/bench/instructionCount.ts --routes resolve x=/path/to/worker.js   # a bundle as it is
 *
 * For each revision it builds the worker unminified (function names kept for callgrind_annotate)
 * and, for the floor (hello-world) and each revision's hot `/resolve` and hot manifest by tag,
 * runs workerd under callgrind: start, prime, WARM requests, zero the counters, N requests one
 * after another, dump. Instructions per request include everything the process does for a
 * request — HTTP, Miniflare's entry worker, the runtime, our code — as the floor's do.
 *
 * Two things would otherwise make the counts vary from run to run by more than the changes
 * measured: V8 compiling on background threads at times that depend on the scheduler (so V8
 * runs with `--predictable`: one thread, reproducible to about 0.1 %), and the hot-tag memory
 * window of EdgeCachedStore (2 s), which under valgrind's slowdown lapses every few requests
 * and sends them to the Cache API simulator (so the built bundle's MEMORY_TAG_MS is raised; at
 * real speed a lapse is one request in thousands). Absolute counts under `--predictable` are
 * not those of a normal run; compare rows of one run, and the floor ÷ ours ratios.
 *
 * About 3 minutes per row. Needs valgrind (apt-get install -y valgrind).
 * Options: --warm N (300), --n N (300), --keep DIR (keeps the callgrind dumps),
 * --routes resolve,manifest (which rows of each revision).
 */
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { Agent, request as httpRequest } from 'node:http';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hasCommand } from '../lib/debianTools';
import { WorkerServer } from '../lib/miniflareWorker';
import { PROJECT_ROOT, projectNode } from '../lib/project';
import { readWranglerToml } from '../lib/wranglerToml';
import { ADMIN_TOKEN, BenchEnvironment, MANIFEST_ACCEPT, manifestPath, resolvePath } from './benchEnvironment';

const args = process.argv.slice(2);
const option = (name: string): string | undefined => {
  const at = args.indexOf(`--${name}`);
  return at >= 0 ? args[at + 1] : undefined;
};
const WARM = Number(option('warm') ?? 300);
const N = Number(option('n') ?? 300);
const KEEP = option('keep');
const ROUTES = (option('routes') ?? 'resolve,manifest').split(',');
const revisions = args.filter((a) => a.includes('=') && !a.startsWith('--')).map((a) => {
  const at = a.indexOf('=');
  return { label: a.slice(0, at), revision: a.slice(at + 1) };
});

const work = mkdtempSync(join(tmpdir(), 'bench-callgrind-'));
const outDir = join(work, 'out');
const MEMORY_WINDOW = 'var MEMORY_TAG_MS = 2e3;';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const log = (line: string) => console.log(line);

/** The unminified bundle of a git revision (or `.`, the working tree), hot-tag window raised; a `.js` path is used as it is. */
function buildRevision(label: string, revision: string): string {
  if (revision.endsWith('.js')) return revision;
  const dir = join(work, `src-${label}`);
  mkdirSync(dir);
  const files = ['src', 'wrangler.toml', 'package.json', 'tsconfig.json'];
  if (revision === '.') {
    spawnSync('cp', ['-r', ...files.map((f) => join(PROJECT_ROOT, f)), dir], { stdio: 'inherit' });
  } else {
    const archive = spawnSync('git', ['-C', PROJECT_ROOT, 'archive', revision, ...files], { maxBuffer: 1 << 30 });
    if (archive.status !== 0) throw new Error(`git archive ${revision} failed: ${archive.stderr.toString()}`);
    spawnSync('tar', ['-x', '-C', dir], { input: archive.stdout });
  }
  symlinkSync(join(PROJECT_ROOT, 'node_modules'), join(dir, 'node_modules'));
  const out = join(work, `bundle-${label}`);
  const wrangler = join(PROJECT_ROOT, 'node_modules', 'wrangler', 'bin', 'wrangler.js');
  const built = spawnSync(projectNode(), [wrangler, 'deploy', '--dry-run', '--minify=false', '--outdir', out], {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, WRANGLER_SEND_METRICS: 'false' },
  });
  if (built.status !== 0) throw new Error(`building ${revision} failed:\n${built.stderr || built.stdout}`);
  const script = join(out, 'index.js');
  const code = readFileSync(script, 'utf8');
  if (!code.includes(MEMORY_WINDOW)) throw new Error(`${revision}: no "${MEMORY_WINDOW}" in the bundle to raise`);
  writeFileSync(script, code.replace(MEMORY_WINDOW, 'var MEMORY_TAG_MS = 2e9;'));
  return script;
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
async function perRequest(label: string, scriptPath: string, path: string, headers: Record<string, string>, vars: Record<string, string>): Promise<number> {
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
    if (KEEP) copyFileSync(join(outDir, dump), join(KEEP, `${label}.callgrind.out`));
    // The zeroing lands during one request and the dump during the last of `straddling`.
    return total / (N + straddling);
  } finally {
    await worker.stop();
  }
}

async function main(): Promise<void> {
  if (!hasCommand('valgrind')) throw new Error('valgrind is not installed: apt-get install -y valgrind');
  if (revisions.length === 0) throw new Error('usage: instructionCount.ts [--warm N] [--n N] [--keep DIR] label=<git revision or .> …');
  if (KEEP) mkdirSync(KEEP, { recursive: true });
  const bundles = revisions.map(({ label, revision }) => {
    log(`building ${label} (${revision}) unminified`);
    return { label, scriptPath: buildRevision(label, revision) };
  });
  process.env.MINIFLARE_WORKERD_PATH = writeWrapper();
  process.env.MINIFLARE_WORKERD_V8_FLAGS = '--predictable';
  const env = await BenchEnvironment.start({ coldTags: 0, delayMs: 0, log });
  const M = (n: number) => `${(n / 1e6).toFixed(3)} M`;
  try {
    log(`instructions per request (requests ${WARM + 1}…${WARM + N} of each worker, V8 --predictable):`);
    const floor = await perRequest('floor', join(PROJECT_ROOT, 'scripts/bench/workers/hello.js'), '/', {}, {});
    log(`  floor             ${M(floor)}`);
    // A long TAG_TTL: no row runs into the stale window (background revalidation) under valgrind.
    const vars = { ADMIN_TOKEN, UPSTREAMS: `docker.io=${env.proxy.url}`, TAG_TTL: '3600' };
    for (const { label, scriptPath } of bundles) {
      for (const [route, path, headers] of [
        ['resolve', resolvePath(), {}],
        ['manifest', manifestPath(), { Accept: MANIFEST_ACCEPT }],
      ] as const) {
        if (!ROUTES.includes(route)) continue;
        const ours = await perRequest(`${label}-${route}`, scriptPath, path, headers, vars);
        log(`  ${`${label}-${route}`.padEnd(17)} ${M(ours)}  floor ÷ ours ${(floor / ours).toFixed(3)}`);
      }
    }
  } finally {
    await env.dispose();
    rmSync(work, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(`error: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
