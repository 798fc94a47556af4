/**
 * `npm run bench`: where our worker stands against the runtime floor and against real peers
 * (docs/benchmarks.md), in one run on loopback. Starts everything itself — the origin registry with
 * a multi-platform image, a 40 ms delay proxy, Miniflare workers, docker-registry in proxy mode —
 * loads each with wrk, runs the CPU microbenchmark, measures the bundle, prints a table and writes
 * docs/benchmarks.md.
 *
 *   npm run bench               # full run (~5 minutes; the realistic mix adds ~2), writes docs/benchmarks.md
 *   npm run bench -- --smoke    # a few seconds per scenario (the realistic mix's 10 TTL windows:
 *                               # 20 s); asserts every scenario produced numbers, writes
 *                               # artifacts/bench/smoke.md instead
 *   npm run bench -- --instructions
 *                               # adds instructions per request under callgrind (~10 minutes
 *                               # more; needs valgrind): a measure the machine's load does not move
 *   npm run bench -- --render artifacts/bench/full.json
 *                               # rewrites the report of a past run (same numbers, current text)
 *
 * Needs the Debian packages wrk, docker-registry and skopeo (installed when run as root).
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { requireDebianTools } from './lib/debianTools';
import { PROJECT_ROOT } from './lib/project';
import { analysis } from './bench/analysis';
import { BenchEnvironment } from './bench/benchEnvironment';
import { bundleSize } from './bench/bundleSize';
import { currentLoad, machineInfo } from './bench/machine';
import { consoleReport, markdownReport, type BenchReport } from './bench/report';
import { runMicrobench, summarizeProfile } from './bench/runMicrobench';
import { mixSummary } from './bench/realisticMix';
import { runScenarios } from './bench/scenarios';
import { targets } from './bench/targets';
import { buildUnminified, profileUnderLoad } from './bench/workerdProfile';
import { requireWrk, type LoadShape } from './bench/wrk';
import { ADMIN_TOKEN, MANIFEST_ACCEPT, manifestPath, resolvePath } from './bench/benchEnvironment';
import { countInstructions } from './bench/instructions';

const smoke = process.argv.includes('--smoke');
const withInstructions = process.argv.includes('--instructions');
const DELAY_MS = 40;
const TTL_SECONDS = 2;
// Smoke: no warm-up runs (priming requests still make ours hot); only that numbers come out matters.
const SHAPE: LoadShape = smoke
  ? { threads: 1, connections: 8, seconds: 1, warmupSeconds: 0 }
  : { threads: 2, connections: 32, seconds: 8, warmupSeconds: 2 };
const LIGHT_SHAPE: LoadShape = smoke
  ? { threads: 1, connections: 1, seconds: 1, warmupSeconds: 0 }
  : { threads: 1, connections: 1, seconds: 5, warmupSeconds: 1 };
const TTL_SHAPE: LoadShape = smoke
  ? { threads: 1, connections: 8, seconds: 5, warmupSeconds: 1 }
  : { threads: 2, connections: 32, seconds: 10, warmupSeconds: 3 };
const COLD_TAGS = smoke ? 1 : 8;
const PAIRED_SHAPE: LoadShape = smoke
  ? { threads: 1, connections: 8, seconds: 1, warmupSeconds: 0 }
  : { threads: 2, connections: 32, seconds: 5, warmupSeconds: 1 };
const PAIRED_ROUNDS = smoke ? 2 : 5;

const started = performance.now();
const log = (line: string): void => console.log(`[${((performance.now() - started) / 1000).toFixed(1).padStart(5)} s] ${line}`);

async function main(): Promise<number> {
  const render = process.argv.indexOf('--render');
  if (render > 0) return write(JSON.parse(await readFile(process.argv[render + 1] ?? '', 'utf8')) as BenchReport, false);
  requireWrk();
  requireDebianTools(['docker-registry', 'skopeo']);
  const machine = await machineInfo();
  log(`${smoke ? 'smoke' : 'full'} run on ${machine.cores} cores, Node ${machine.node}, workerd ${machine.workerd}; load average ${machine.loadAverage}`);

  const env = await BenchEnvironment.start({ coldTags: COLD_TAGS, delayMs: DELAY_MS, log });
  // Ctrl-C must not leave registries behind (Miniflare stops its own workerd on exit).
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => void env.dispose().finally(() => process.exit(130)));
  }
  let report: BenchReport;
  try {
    const scenarios = await runScenarios({ env, shape: SHAPE, lightShape: LIGHT_SHAPE, ttlShape: TTL_SHAPE, ttlSeconds: TTL_SECONDS, pairedRounds: PAIRED_ROUNDS, pairedShape: PAIRED_SHAPE, log });
    report = {
      smoke,
      date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
      command: smoke ? 'npm run bench -- --smoke' : 'npm run bench',
      machine,
      loadAverageAfter: '',
      shape: SHAPE,
      lightShape: LIGHT_SHAPE,
      ttlShape: TTL_SHAPE,
      delayMs: DELAY_MS,
      image: {
        platforms: env.main.image.children.length,
        entries: env.main.image.children.length + env.main.image.children.filter((c) => c.attestation).length,
        indexBytes: env.main.image.index.size,
      },
      ...scenarios,
      profiles: [],
      bundle: bundleSize(env.bundle),
    };
    log('   where our time goes inside workerd: CPU profile of our isolate under load (unminified bundle)');
    const unminifiedDir = join(PROJECT_ROOT, 'artifacts', 'bench', 'unminified');
    const unminified = buildUnminified(unminifiedDir);
    const oursVars = { ADMIN_TOKEN, UPSTREAMS: `docker.io=${env.proxy.url}` };
    try {
      report.workerdProfile = await profileUnderLoad({
        scriptPath: unminified,
        vars: oursVars,
        path: manifestPath(),
        headers: { Accept: MANIFEST_ACCEPT },
        shape: SHAPE,
        outFile: join(PROJECT_ROOT, 'artifacts', 'bench', 'workerd-manifest.cpuprofile'),
        settle: () => env.proxy.quiet(),
      });
    } catch (err) {
      report.failures.push({ scenario: 'workerd profile', error: err instanceof Error ? err.message : String(err) });
    }
    if (withInstructions) {
      log('   instructions per request under callgrind (--instructions)');
      try {
        const worker = (file: string) => join(PROJECT_ROOT, 'scripts', 'bench', 'workers', file);
        // A long TAG_TTL: no request runs into the stale window (background revalidation) under valgrind.
        const vars = { ...oursVars, TAG_TTL: '3600' };
        report.instructions = await countInstructions([
          { id: 'floor', name: 'floor: hello-world worker', scriptPath: worker('hello.js'), path: '/' },
          ...(scenarios.answer
            ? [{ id: 'answer', name: 'floor answering our /resolve bytes', scriptPath: worker('answerFloor.js'), path: resolvePath(), vars: { ANSWER: JSON.stringify(scenarios.answer) } }]
            : []),
          { id: 'resolve', name: 'ours hot: /resolve', scriptPath: unminified, path: resolvePath(), vars },
          { id: 'manifest', name: 'ours hot: manifest by tag', scriptPath: unminified, path: manifestPath(), headers: { Accept: MANIFEST_ACCEPT }, vars },
        ], { warm: 300, n: 300, log });
      } catch (err) {
        report.failures.push({ scenario: 'instructions per request', error: err instanceof Error ? err.message : String(err) });
      }
    }
  } finally {
    await env.dispose();
  }

  log('5  CPU per request: microbenchmark in Node');
  try {
    report.micro = (await runMicrobench({ smoke })).results;
    const missedCpu = targets(report.rows, report.ttl, report.micro).some((t) => t.met === false && /entries/.test(t.label));
    if (missedCpu) {
      log('   a CPU target was missed: profiling parse+select with --cpu-prof');
      for (const only of ['^parse\\+select 30$', '^parse\\+select 1000$']) {
        const dir = join(PROJECT_ROOT, 'artifacts', 'bench', 'profiles', only.replace(/\W+/g, '-').replace(/^-|-$/g, ''));
        await runMicrobench({ smoke, only, profileDir: dir });
        report.profiles.push(summarizeProfile(dir, only.replace(/[\^$\\]/g, '')));
      }
    }
  } catch (err) {
    report.failures.push({ scenario: '5 CPU per request', error: err instanceof Error ? err.message : String(err) });
  }
  report.loadAverageAfter = currentLoad();
  return write(report, true);
}

/** Prints the table, writes the report (and, for a new run, its JSON); exit status of completeness. */
async function write(report: BenchReport, saveJson: boolean): Promise<number> {
  console.log(`\n${consoleReport(report)}\n`);
  const markdown = markdownReport(report, analysis(report));
  const path = report.smoke ? join(PROJECT_ROOT, 'artifacts', 'bench', 'smoke.md') : join(PROJECT_ROOT, 'docs', 'benchmarks.md');
  await mkdir(join(PROJECT_ROOT, 'artifacts', 'bench'), { recursive: true });
  await writeFile(path, markdown);
  if (saveJson) await writeFile(join(PROJECT_ROOT, 'artifacts', 'bench', `${report.smoke ? 'smoke' : 'full'}.json`), JSON.stringify(report, null, 2));
  log(`wrote ${path.replace(`${PROJECT_ROOT}/`, '')}`);

  const problems = completeness(report);
  for (const p of problems) console.error(`error: ${p}`);
  return problems.length === 0 ? 0 : 1;
}

/** What smoke mode asserts (and a full run too): every scenario produced numbers. Never how fast. */
function completeness(report: BenchReport): string[] {
  const problems = report.failures.map((f) => `scenario ${f.scenario} failed: ${f.error}`);
  const loaded = ['floor', 'ours-resolve', 'ours-manifest', 'peer-registry-proxy', 'peer-naive', 'peer-origin'];
  const expectRows = [...loaded, ...loaded.map((id) => `${id}@1`), 'floor-kv', 'floor-cache', 'ours-manifest-kv', 'origin-loopback'];
  for (const id of expectRows) {
    const row = report.rows.find((r) => r.id === id);
    if (!row || !(row.load.rps > 0) || !Number.isFinite(row.load.p50) || !Number.isFinite(row.load.p99)) problems.push(`no load numbers for ${id}`);
    if (row && id.startsWith('ours') && !row.cost) problems.push(`no cost counters for ${id}`);
  }
  if (!report.ttl || report.ttl.perWindow.length === 0) problems.push('no TTL-window numbers (scenario 3b)');
  for (const id of ['ours-first', 'registry-proxy-first']) {
    const first = report.first.find((f) => f.id === id);
    if (!first || first.firstMs.length === 0 || !first.firstMs.every(Number.isFinite)) problems.push(`no first-request numbers for ${id}`);
  }
  const micro = report.micro ?? [];
  for (const name of ['select 30', 'parse+select 30', 'select 1000', 'parse+select 1000', 'full request /resolve (in-process)']) {
    if (!micro.some((m) => m.name === name && m.medianUs > 0)) problems.push(`no microbenchmark number for ${name}`);
  }
  if (!report.bundle || !(report.bundle.gzipBytes > 0)) problems.push('no bundle size');
  if (!report.workerdProfile || !(report.workerdProfile.jsUsPerRequest > 0)) problems.push('no workerd CPU profile');
  if (withInstructions && !(report.instructions?.length === 4 && report.instructions.every((r) => r.instructions > 0))) problems.push('no instruction counts');
  const paired = report.paired;
  if (!paired || paired.rounds.length === 0 || !paired.rounds.every((r) => paired.targets.every((t) => r[t.id]! > 0))) {
    problems.push('no paired-round numbers (scenario 2d)');
  }
  const mix = report.mix;
  if (!mix || mix.paired.rounds.length === 0) problems.push('no realistic-mix numbers (scenario 2e)');
  for (const k of mix ? mixSummary(mix) : []) {
    if (!k.throughput.each.every((x) => x > 0) || !k.cpu.each.every((x) => x > 0) || !Number.isFinite(k.kvReads) || !Number.isFinite(k.kvWrites)) {
      problems.push(`no realistic-mix numbers for the ${k.label}`);
    }
    if (k.non2xx + k.socketErrors > 0) problems.push(`realistic mix on the ${k.label}: ${k.non2xx} non-2xx responses, ${k.socketErrors} socket errors`);
  }
  if (mix && (!mix.ttl || !(mix.ttl.requests > 0) || mix.ttl.non2xx + mix.ttl.socketErrors > 0)) {
    problems.push(`no clean KV-writes-over-TTL-windows numbers (scenario 2e): ${mix.ttl ? `${mix.ttl.non2xx} non-2xx, ${mix.ttl.socketErrors} socket errors` : 'not measured'}`);
  }
  return problems;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`error: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
