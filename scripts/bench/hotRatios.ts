/**
 * Hot-path throughput against the floor, back to back: the hello-world worker and one or more
 * builds of ours (hot `/resolve` and hot manifest by tag) loaded with wrk in turn, round after
 * round, each round's ratios to the floor printed, then the medians. For before/after
 * comparisons of an optimisation on a shared machine, where only ratios measured close
 * together mean anything.
 *
 *   tsx scripts/bench/hotRatios.ts [--rounds 5] [--seconds 6] [label=path/to/index.js …]
 *
 * Without bundles it builds the working tree's as `ours`.
 */
import { join } from 'node:path';
import { WorkerServer, type WorkerBundle } from '../lib/miniflareWorker';
import { PROJECT_ROOT } from '../lib/project';
import { readWranglerToml } from '../lib/wranglerToml';
import { ADMIN_TOKEN, BenchEnvironment, MANIFEST_ACCEPT, manifestPath, resolvePath } from './benchEnvironment';
import { buildBundle } from './bundleSize';
import { median } from './paired';
import { runLoad, type LoadShape } from './wrk';

const args = process.argv.slice(2);
const option = (name: string, fallback: number): number => {
  const at = args.indexOf(`--${name}`);
  return at >= 0 ? Number(args[at + 1]) : fallback;
};
const rounds = option('rounds', 5);
const seconds = option('seconds', 6);
const shape: LoadShape = { threads: 2, connections: 32, seconds, warmupSeconds: 1 };
const named = args.filter((a) => a.includes('='));
const log = (line: string): void => console.log(line);

interface Target {
  label: string;
  url: string;
  headers?: Record<string, string>;
}

async function main(): Promise<void> {
  const settings = readWranglerToml();
  const bundles: { label: string; bundle: WorkerBundle }[] = named.length
    ? named.map((a) => {
        const [label = '', path = ''] = a.split('=');
        return { label, bundle: { ...settings, scriptPath: path } };
      })
    : [{ label: 'ours', bundle: buildBundle(join(PROJECT_ROOT, 'artifacts', 'bench', 'hot-bundle')) }];
  const env = await BenchEnvironment.start({ coldTags: 0, delayMs: 40, log });
  const workers: WorkerServer[] = [];
  try {
    const floor = await WorkerServer.start({ bundle: { ...settings, scriptPath: join(PROJECT_ROOT, 'scripts/bench/workers/hello.js') } });
    workers.push(floor);
    const targets: Target[] = [{ label: 'floor', url: `${floor.url}/` }];
    for (const { label, bundle } of bundles) {
      const worker = await WorkerServer.start({ bundle, vars: { ADMIN_TOKEN, UPSTREAMS: `docker.io=${env.proxy.url}` } });
      workers.push(worker);
      for (const path of [manifestPath(), resolvePath(), manifestPath()]) {
        const r = await worker.fetch(path, { headers: path.startsWith('/v2') ? { Accept: MANIFEST_ACCEPT } : {} });
        await r.arrayBuffer();
        if (r.status !== 200) throw new Error(`${label} ${path}: ${r.status}`);
      }
      await env.proxy.quiet();
      targets.push({ label: `${label}-resolve`, url: `${worker.url}${resolvePath()}` });
      targets.push({ label: `${label}-manifest`, url: `${worker.url}${manifestPath()}`, headers: { Accept: MANIFEST_ACCEPT } });
    }
    const rps = new Map<string, number[]>(targets.map((t) => [t.label, []]));
    const ratios = new Map<string, number[]>();
    for (let round = 1; round <= rounds; round++) {
      const line: string[] = [];
      const this_: Record<string, number> = {};
      for (const t of targets) {
        const load = await runLoad(t.url, shape, t.headers);
        if (load.badStatus || load.socketErrors) throw new Error(`${t.label}: ${load.badStatus} bad, ${load.socketErrors} socket errors`);
        this_[t.label] = load.rps;
        rps.get(t.label)!.push(load.rps);
        line.push(`${t.label} ${load.rps.toFixed(0)}`);
      }
      for (const t of targets.slice(1)) {
        const r = this_[t.label]! / this_.floor!;
        ratios.set(t.label, [...(ratios.get(t.label) ?? []), r]);
        line.push(`${t.label}/floor ${r.toFixed(3)}`);
      }
      log(`round ${round}: ${line.join(' · ')}`);
    }
    log(`\nmedians over ${rounds} rounds of ${seconds} s (wrk -t2 -c32):`);
    for (const t of targets) {
      const r = ratios.get(t.label);
      log(`  ${t.label.padEnd(20)} ${median(rps.get(t.label)!).toFixed(0).padStart(6)} req/s${r ? `  ratio ${median(r).toFixed(3)} (${r.map((x) => x.toFixed(2)).join(', ')})` : ''}`);
    }
  } finally {
    for (const w of workers) await w.stop().catch(() => undefined);
    await env.dispose();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(`error: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
