/**
 * The load scenarios of docs/benchmarks.md, each starting what it measures and stopping it
 * afterwards so that only one system under test uses the CPU at a time:
 * 1. the floor (hello-world worker); 2. ours hot; 3. ours miss (first requests) and refresh
 * (steady state across TTL expiry); 4. the peers in front of the same origin. Then the hot
 * paths again in paired rounds against the floor and the floor answering our exact /resolve
 * response (scripts/bench/paired.ts), and the realistic mix of distinct requests against the
 * floor (scripts/bench/realisticMix.ts): the scenarios where workers run side by side.
 */
import { WorkerServer, type WorkerBundle } from '../lib/miniflareWorker';
import { PROJECT_ROOT } from '../lib/project';
import {
  ADMIN_TOKEN,
  MANIFEST_ACCEPT,
  manifestPath,
  resolvePath,
  type BenchEnvironment,
} from './benchEnvironment';
import { parseEdgeCost } from './edgeCost';
import { measureFirstRequests, measureLoad, measureTtlWindows, type FirstRequestResult, type LoadRow, type LoadTarget, type TtlResult } from './measure';
import { captureAnswer, measurePaired, type PairedResult } from './paired';
import { ProxyRegistry } from './proxyRegistry';
import { MIX_TTL_WINDOWS, measureRealisticMix, type MixResult } from './realisticMix';
import type { LoadShape } from './wrk';

export interface ScenarioOptions {
  env: BenchEnvironment;
  shape: LoadShape;
  /** One connection: latency without queueing, for the latency targets. */
  lightShape: LoadShape;
  /** Load for the TTL scenario (longer: several windows). */
  ttlShape: LoadShape;
  ttlSeconds: number;
  /** Paired rounds against the floor: how many, and the load of each run. */
  pairedRounds: number;
  pairedShape: LoadShape;
  log: (line: string) => void;
}

export interface ScenarioResults {
  rows: LoadRow[];
  first: FirstRequestResult[];
  ttl?: TtlResult;
  paired?: PairedResult;
  /** Our hot /resolve response as wrk receives it, which the answer floor repeats. */
  answer?: { status: number; headers: Record<string, string>; body: string };
  /** 2e: the realistic mix with distinct URLs against the floor (scripts/bench/realisticMix.ts). */
  mix?: MixResult;
  /** Scenarios that could not run, with the reason. */
  failures: { scenario: string; error: string }[];
}

const acceptHeaders = { Accept: MANIFEST_ACCEPT };

/** A worker file of scripts/bench/workers run through the same harness as our bundle. */
function benchWorkerBundle(bundle: WorkerBundle, file: string): WorkerBundle {
  return { ...bundle, scriptPath: `${PROJECT_ROOT}/scripts/bench/workers/${file}` };
}

async function withWorker<T>(bundle: WorkerBundle, vars: Record<string, string>, run: (worker: WorkerServer) => Promise<T>): Promise<T> {
  const worker = await WorkerServer.start({ bundle, vars });
  try {
    return await run(worker);
  } finally {
    await worker.stop();
  }
}

async function attempt(results: ScenarioResults, scenario: string, log: (line: string) => void, run: () => Promise<void>): Promise<void> {
  try {
    await run();
  } catch (err) {
    const error = err instanceof Error ? err.message : String(err);
    log(`  FAILED: ${error}`);
    results.failures.push({ scenario, error });
  }
}

export async function runScenarios(options: ScenarioOptions): Promise<ScenarioResults> {
  const { env, shape, log } = options;
  const results: ScenarioResults = { rows: [], first: [], failures: [] };
  /** Under full load, then with one connection (row id `…@1`). */
  const loadAndLatency = async (target: LoadTarget) => {
    results.rows.push(await measureLoad(target, shape, env.proxy));
    results.rows.push(await measureLoad({ ...target, id: `${target.id}@1`, name: `${target.name}, 1 connection` }, options.lightShape, env.proxy));
  };
  const ours = (extra: Record<string, string> = {}) => ({ ADMIN_TOKEN, UPSTREAMS: `docker.io=${env.proxy.url}`, ...extra });

  await attempt(results, '1 floor', log, async () => {
    log('1  floor: hello-world worker');
    await withWorker(benchWorkerBundle(env.bundle, 'hello.js'), {}, async (worker) => {
      await loadAndLatency({ id: 'floor', name: 'floor: hello-world worker', baseUrl: worker.url, path: '/' });
    });
  });

  for (const io of ['kv', 'cache'] as const) {
    await attempt(results, `1 floor with ${io} reads`, log, async () => {
      log(`1  floor with our hot path's I/O: hello-world + 2 ${io === 'kv' ? 'KV' : 'Cache API'} reads`);
      await withWorker(benchWorkerBundle(env.bundle, 'ioFloor.js'), { IO: io }, async (worker) => {
        results.rows.push(await measureLoad({
          id: `floor-${io}`, name: `floor + 2 ${io === 'kv' ? 'KV' : 'Cache API'} reads`, baseUrl: worker.url, path: '/', reference: true,
        }, shape, env.proxy));
      });
    });
  }

  await attempt(results, '2/3 ours hot + first requests', log, async () => {
    await withWorker(env.bundle, ours(), async (worker) => {
      const metrics = { url: worker.url, token: ADMIN_TOKEN };
      await prime(worker, env, log);
      log('2a ours hot: /resolve');
      await loadAndLatency({ id: 'ours-resolve', name: 'ours hot: /resolve', baseUrl: worker.url, path: resolvePath(), metrics });
      log('2b ours hot: manifest by tag with platform');
      await loadAndLatency({ id: 'ours-manifest', name: 'ours hot: manifest by tag', baseUrl: worker.url, path: manifestPath(), headers: acceptHeaders, metrics });
      log(`3a ours miss: first request of ${env.cold.length} tags, one at a time`);
      results.first.push(await measureFirstRequests({
        id: 'ours-first',
        name: 'ours: manifest by tag with platform',
        baseUrl: worker.url,
        paths: env.cold.map((c) => manifestPath(c.repository)),
        headers: acceptHeaders,
        expectDigests: env.cold.map((c) => c.arm64Digest),
      }, env.proxy));
    });
  });

  await attempt(results, '2c ours hot, KV only', log, async () => {
    log('2c ours hot, Cache API off (EDGE_CACHE=off): manifest by tag');
    await withWorker(env.bundle, ours({ EDGE_CACHE: 'off' }), async (worker) => {
      await prime(worker, env, log);
      results.rows.push(await measureLoad({
        id: 'ours-manifest-kv', name: 'ours hot, KV only: manifest by tag', baseUrl: worker.url, path: manifestPath(),
        headers: acceptHeaders, metrics: { url: worker.url, token: ADMIN_TOKEN },
      }, shape, env.proxy));
    });
  });

  await attempt(results, '3b ours refresh', log, async () => {
    log(`3b ours refresh: TAG_TTL=${options.ttlSeconds} s, ${options.ttlShape.seconds} s of load`);
    await withWorker(env.bundle, ours({ TAG_TTL: String(options.ttlSeconds) }), async (worker) => {
      await prime(worker, env, log);
      results.ttl = await measureTtlWindows({
        id: 'ours-ttl', name: `ours, TAG_TTL=${options.ttlSeconds} s: manifest by tag`, baseUrl: worker.url, path: manifestPath(),
        headers: acceptHeaders, metrics: { url: worker.url, token: ADMIN_TOKEN },
      }, options.ttlShape, options.ttlSeconds, env.proxy);
    });
  });

  await attempt(results, '4a docker-registry proxy', log, async () => {
    log('4a peer: docker-registry in proxy mode');
    const registry = await ProxyRegistry.start(env.proxy.url);
    try {
      results.first.push(await measureFirstRequests({
        id: 'registry-proxy-first',
        name: 'docker-registry proxy: manifest by tag',
        baseUrl: registry.url,
        paths: env.cold.map((c) => manifestPath(c.repository, undefined, false)),
        headers: acceptHeaders,
        expectDigests: env.cold.map((c) => c.image.index.digest),
      }, env.proxy));
      await loadAndLatency({
        id: 'peer-registry-proxy', name: 'peer: docker-registry proxy', baseUrl: registry.url,
        path: manifestPath(undefined, undefined, false), headers: acceptHeaders,
      });
    } finally {
      await registry.dispose();
    }
  });

  await attempt(results, '4b naive worker', log, async () => {
    log('4b peer: naive pass-through worker');
    await withWorker(benchWorkerBundle(env.bundle, 'naivePassThrough.js'), { UPSTREAM: env.proxy.url }, async (worker) => {
      await loadAndLatency({
        id: 'peer-naive', name: 'peer: naive pass-through worker', baseUrl: worker.url,
        path: manifestPath(undefined, undefined, false), headers: acceptHeaders,
      });
    });
  });

  await attempt(results, '4c origin', log, async () => {
    log('4c peer: the origin registry at 40 ms (through the delay proxy)');
    await loadAndLatency({
      id: 'peer-origin', name: 'peer: origin registry at 40 ms RTT', baseUrl: env.proxy.url,
      path: manifestPath(undefined, undefined, false), headers: acceptHeaders,
    });
    log('   reference: the origin registry on loopback (no RTT)');
    results.rows.push(await measureLoad({
      id: 'origin-loopback', name: 'reference: origin on loopback, no RTT', baseUrl: env.origin.url,
      path: manifestPath(undefined, undefined, false), headers: acceptHeaders,
    }, shape, env.proxy));
  });

  await attempt(results, '2d paired rounds against the floor', log, async () => {
    log(`2d hot paths against the floor, paired rounds (${options.pairedRounds} × ${options.pairedShape.seconds} s each)`);
    await withWorker(env.bundle, ours(), async (worker) => {
      await prime(worker, env, log);
      const answer = await captureAnswer(`${worker.url}${resolvePath()}`);
      if (answer.status !== 200) throw new Error(`${resolvePath()} answered ${answer.status}`);
      results.answer = answer;
      await withWorker(benchWorkerBundle(env.bundle, 'hello.js'), {}, async (floor) => {
        await withWorker(benchWorkerBundle(env.bundle, 'answerFloor.js'), { ANSWER: JSON.stringify(answer) }, async (answerFloor) => {
          results.paired = await measurePaired([
            { id: 'floor', name: 'floor: hello-world worker', url: `${floor.url}/` },
            { id: 'answer', name: 'floor answering our /resolve bytes', url: `${answerFloor.url}${resolvePath()}` },
            { id: 'resolve', name: 'ours hot: /resolve', url: `${worker.url}${resolvePath()}` },
            { id: 'manifest', name: 'ours hot: manifest by tag', url: `${worker.url}${manifestPath()}`, headers: acceptHeaders },
          ], options.pairedShape, options.pairedRounds, log);
        });
      });
    });
  });

  await attempt(results, '2e realistic mix', log, async () => {
    log(`2e realistic mix, distinct URLs, KV-only and pulled-through images against the floor (${options.pairedRounds} paired rounds × ${options.pairedShape.seconds} s), then ${MIX_TTL_WINDOWS} TTL windows`);
    results.mix = await measureRealisticMix({
      env, floor: benchWorkerBundle(env.bundle, 'hello.js'), shape: options.pairedShape, rounds: options.pairedRounds,
      ttlShape: options.ttlShape, ttlSeconds: options.ttlSeconds, log,
    });
  });

  return results;
}

/**
 * Makes `bench/multi:1.0` hot in a fresh worker: the first request pulls it through from the
 * origin, the second must be answered with no upstream request.
 */
async function prime(worker: WorkerServer, env: BenchEnvironment, log: (line: string) => void): Promise<void> {
  const path = manifestPath();
  const first = await worker.fetch(path, { headers: acceptHeaders });
  await first.arrayBuffer();
  if (first.status !== 200 || first.headers.get('Docker-Content-Digest') !== env.main.arm64Digest) {
    throw new Error(`pull-through of ${path} answered ${first.status} ${first.headers.get('Docker-Content-Digest') ?? ''} (expected the arm64 child ${env.main.arm64Digest})`);
  }
  const resolve = await worker.fetch(resolvePath(), {});
  await resolve.arrayBuffer();
  const second = await worker.fetch(path, { headers: acceptHeaders });
  await second.arrayBuffer();
  const cost = parseEdgeCost(second.headers.get('X-Edge-Cost'));
  if (!cost) throw new Error(`${path}: no X-Edge-Cost header on the response`);
  await env.proxy.quiet(); // the index's children are prefetched in the background
  log(`   primed by pull-through: first ${first.headers.get('X-Edge-Cost')}; then ${second.headers.get('X-Edge-Cost')}`);
  if (cost.upstream !== 0) throw new Error(`${path} still went upstream after priming (${second.headers.get('X-Edge-Cost')})`);
}
