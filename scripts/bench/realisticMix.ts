/**
 * Scenario 2e, the realistic mix: what our worker costs when requests are not repeats. Three
 * tags of a 10-platform image (scripts/lib/ociLayout.ts: an OCI index with attestations, the
 * same as a Docker manifest list, and an OCI index without attestations) × 10 platforms × 6
 * kinds of request — /resolve as JSON and as text, a manifest by tag with `?platform=` and with
 * `X-Platform`, the chosen child by digest, /platforms — with registry clients', API and
 * browser `Accept` headers and docker, containerd, podman, curl and browser `User-Agent`s. A wrk
 * Lua script cycles through the 180 requests and makes every URL unique (`&_=<run>.<thread>.<n>`),
 * so no response memo can help, and counts every non-2xx answer.
 *
 * The mix runs on two images in one worker: one on a registry host with no UPSTREAMS entry,
 * loaded through the admin API (served from KV only), and one on docker.io, pulled through
 * from the origin registry. Both, and the hello-world floor given the same requests, are loaded
 * in paired rounds (scripts/bench/paired.ts); around each measured run the workerd process's CPU
 * time (/proc/<pid>/stat) and our `/admin/metrics` totals are read. Then, in a worker with a
 * short TAG_TTL, one tag's mix of the pulled-through image for 10 TTL windows: KV writes for a
 * tag that did not change, and origin requests.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { WorkerServer, type WorkerBundle } from '../lib/miniflareWorker';
import { buildMultiPlatformImage, DEMO_PLATFORMS, type BuiltImage, type ImagePlatform } from '../lib/ociLayout';
import { pushImage } from '../lib/registryPush';
import { ADMIN_TOKEN, MANIFEST_ACCEPT, type BenchEnvironment } from './benchEnvironment';
import { adminMetrics, costDelta, type EdgeCost } from './edgeCost';
import { measurePaired, median, pairedRatio, type PairedResult } from './paired';
import { runLoad, type LoadResult, type LoadShape } from './wrk';

const REPOSITORY = 'bench/mix';
/** A registry host with no UPSTREAMS entry: names on it are served from KV only. */
const KV_ONLY_HOST = 'kv-only.bench.test';
export const MIX_KINDS = [
  { id: 'kv', label: 'KV-only image', name: `${KV_ONLY_HOST}/${REPOSITORY}` },
  { id: 'pull', label: 'pulled-through image', name: REPOSITORY },
] as const;
export const MIX_TTL_WINDOWS = 10;

const REGISTRY_ACCEPTS = [
  MANIFEST_ACCEPT,
  // containerd
  'application/vnd.docker.distribution.manifest.v2+json, application/vnd.docker.distribution.manifest.list.v2+json, application/vnd.oci.image.manifest.v1+json, application/vnd.oci.image.index.v1+json, */*',
  // podman and skopeo (containers/image)
  'application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json, application/vnd.docker.distribution.manifest.v1+prettyjws, application/vnd.docker.distribution.manifest.v1+json, application/vnd.docker.distribution.manifest.list.v2+json, application/vnd.oci.image.index.v1+json',
  '*/*',
  'application/json',
];
const BROWSER_ACCEPT = 'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8';
const API_ACCEPTS = ['application/json', '*/*', BROWSER_ACCEPT, 'application/json, text/plain, */*'];
const USER_AGENTS = [
  'docker/27.3.1 go/go1.22.7 git-commit/41ca978 kernel/6.8.0-45-generic os/linux arch/amd64 UpstreamClient(Docker-Client/27.3.1 \\(linux\\))',
  'containerd/v1.7.22',
  'containers/5.2.3 (github.com/containers/image)',
  'curl/8.10.1',
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36',
];

interface MixImage {
  tag: string;
  image: BuiltImage;
}

/** A request of the mix; `path` ends in `?` or `&`, for the unique parameter. */
interface MixRequest {
  path: string;
  headers: Record<string, string>;
}

/** One measured wrk run of one target. */
export interface MixRun {
  requests: number;
  /** utime + stime of the target's workerd process during the run. */
  cpuSeconds: number;
  /** Responses that were not 2xx. */
  non2xx: number;
  socketErrors: number;
  /** Ours: the difference of `/admin/metrics` totals around the run. */
  cost?: EdgeCost;
  /** Requests the delay proxy forwarded to the origin during the run. */
  origin: number;
}

export interface MixResult {
  /** Requests in each image's list: tags × platforms × request kinds. */
  listSize: number;
  /** Targets `floor`, `kv`, `pull`. */
  paired: PairedResult;
  /** By target id, one run per round. */
  runs: Record<string, MixRun[]>;
  /** One tag's mix of the pulled-through image across TAG_TTL expiries. */
  ttl?: {
    ttlSeconds: number;
    windows: number;
    seconds: number;
    requests: number;
    non2xx: number;
    socketErrors: number;
    cost: EdgeCost;
    /** Origin requests (all; manifests) from the delay proxy. */
    origin: { all: number; manifests: number };
  };
}

export interface MixOptions {
  env: BenchEnvironment;
  /** The hello-world floor's bundle. */
  floor: WorkerBundle;
  shape: LoadShape;
  rounds: number;
  ttlShape: LoadShape;
  ttlSeconds: number;
  log: (line: string) => void;
}

export async function measureRealisticMix(options: MixOptions): Promise<MixResult> {
  const { env, log } = options;
  const images: MixImage[] = [
    { tag: '1.0', image: await buildMultiPlatformImage({ platforms: DEMO_PLATFORMS, repository: REPOSITORY }) },
    { tag: '1.0-docker', image: await buildMultiPlatformImage({ platforms: DEMO_PLATFORMS, repository: REPOSITORY, mediaTypes: 'docker' }) },
    { tag: '1.1', image: await buildMultiPlatformImage({ platforms: DEMO_PLATFORMS, repository: REPOSITORY, attestations: false }) },
  ];
  for (const { tag, image } of images) await pushImage(image, { registry: env.origin.host, repository: REPOSITORY, tag });
  const lists = Object.fromEntries(MIX_KINDS.map((k) => [k.id, mixRequests(k.name, images)]));
  log(`   pushed ${REPOSITORY}:${images.map((i) => i.tag).join(', ')} (${DEMO_PLATFORMS.length} platforms each); ${lists.kv!.length} requests per image`);
  const vars = { ADMIN_TOKEN, UPSTREAMS: `docker.io=${env.proxy.url}` };

  const ours = await startWorker(env.bundle, vars);
  const result: MixResult = { listSize: lists.kv!.length, paired: { shape: options.shape, targets: [], rounds: [] }, runs: { floor: [], kv: [], pull: [] } };
  try {
    await loadIntoKv(ours.worker, MIX_KINDS[0].name, images);
    await pullThrough(ours.worker, env, images);
    for (const kind of MIX_KINDS) await checkAll(ours.worker, lists[kind.id]!);
    await env.proxy.quiet();
    const floor = await startWorker(options.floor, {});
    try {
      // One target's measured run, with the CPU of its workerd and, for ours, the admin totals around it.
      const target = (id: string, name: string, server: StartedWorker, list: MixRequest[], metrics: boolean) => {
        const script = luaScript(list);
        return {
          id,
          name,
          url: `${server.worker.url}/`,
          load: async (shape: LoadShape): Promise<LoadResult> => {
            let cpu = 0;
            let mark = 0;
            let before: EdgeCost | undefined;
            const load = await runLoad(`${server.worker.url}/`, shape, {}, async () => {
              if (metrics) before = await adminMetrics(server.worker.url, ADMIN_TOKEN);
              mark = env.proxy.mark();
              cpu = cpuSeconds(server.pid);
            }, script);
            cpu = cpuSeconds(server.pid) - cpu;
            await new Promise((r) => setTimeout(r, 100)); // what wrk cancelled in flight reaches the counters
            const run: MixRun = { requests: load.requests, cpuSeconds: cpu, non2xx: load.non2xx ?? NaN, socketErrors: load.socketErrors, origin: env.proxy.entries(mark).length };
            if (before) run.cost = costDelta(await adminMetrics(server.worker.url, ADMIN_TOKEN), before);
            result.runs[id]!.push(run);
            return load;
          },
        };
      };
      result.paired = await measurePaired([
        target('floor', 'floor: hello-world worker, same requests', floor, lists.pull!, false),
        ...MIX_KINDS.map((k) => target(k.id, `ours: mix on the ${k.label}`, ours, lists[k.id]!, true)),
      ], options.shape, options.rounds, log);
    } finally {
      await floor.worker.stop();
    }
  } finally {
    await ours.worker.stop();
  }

  const ttlSeconds = options.ttlSeconds;
  log(`   KV writes for an unchanged tag: TAG_TTL=${ttlSeconds} s, one tag's mix for ${MIX_TTL_WINDOWS} windows`);
  const { worker } = await startWorker(env.bundle, { ...vars, TAG_TTL: String(ttlSeconds) });
  try {
    const tag = images[0]!;
    const list = mixRequests(REPOSITORY, [tag]);
    await pullThrough(worker, env, [tag]);
    await checkAll(worker, list);
    await env.proxy.quiet();
    const before = await adminMetrics(worker.url, ADMIN_TOKEN);
    const mark = env.proxy.mark();
    const shape = { ...options.ttlShape, seconds: MIX_TTL_WINDOWS * ttlSeconds, warmupSeconds: 0 };
    const load = await runLoad(`${worker.url}/`, shape, {}, undefined, luaScript(list));
    await env.proxy.quiet();
    result.ttl = {
      ttlSeconds,
      windows: MIX_TTL_WINDOWS,
      seconds: load.seconds,
      requests: load.requests,
      non2xx: load.non2xx ?? NaN,
      socketErrors: load.socketErrors,
      cost: costDelta(await adminMetrics(worker.url, ADMIN_TOKEN), before),
      origin: { all: env.proxy.entries(mark).length, manifests: env.proxy.manifestRequests(mark).length },
    };
  } finally {
    await worker.stop();
  }
  return result;
}

/** Per image kind: the figures the report prints and the targets judge. */
export interface MixSummary {
  id: string;
  label: string;
  /** Ours ÷ floor throughput, per round and their median. */
  throughput: { median: number; each: number[] };
  /** Floor ÷ ours workerd CPU per request, per round and their median (≥ 1: ours is cheaper). */
  cpu: { median: number; each: number[] };
  /** Median over rounds of workerd CPU µs per request: ours, the floor. */
  cpuUs: number;
  floorCpuUs: number;
  /** Over every measured run of this kind. */
  requests: number;
  kvReads: number;
  kvWrites: number;
  cacheHits: number;
  upstream: number;
  origin: number;
  non2xx: number;
  socketErrors: number;
}

export function mixSummary(mix: MixResult): MixSummary[] {
  const us = (r: MixRun) => (r.cpuSeconds / r.requests) * 1e6;
  const floor = mix.runs.floor ?? [];
  return MIX_KINDS.map(({ id, label }) => {
    const runs = mix.runs[id] ?? [];
    const cpuEach = runs.map((r, i) => us(floor[i]!) / us(r));
    const sum = (f: (r: MixRun) => number) => runs.reduce((a, r) => a + f(r), 0);
    return {
      id,
      label,
      throughput: pairedRatio(mix.paired, id),
      cpu: { median: median(cpuEach), each: cpuEach },
      cpuUs: median(runs.map(us)),
      floorCpuUs: median(floor.map(us)),
      requests: sum((r) => r.requests),
      kvReads: sum((r) => r.cost?.kvReads ?? NaN),
      kvWrites: sum((r) => r.cost?.kvWrites ?? NaN),
      cacheHits: sum((r) => r.cost?.cacheHits ?? NaN),
      upstream: sum((r) => r.cost?.upstream ?? NaN),
      origin: sum((r) => r.origin),
      non2xx: sum((r) => r.non2xx),
      socketErrors: sum((r) => r.socketErrors),
    };
  });
}

/** `windows(10.0.20348.2966)/amd64`, `linux/arm/v7`: the worker's platform specifier. */
const specifier = (p: ImagePlatform): string =>
  [p.osVersion ? `${p.os}(${p.osVersion})` : p.os, p.architecture, p.variant].filter(Boolean).join('/');

/** Tags × platforms × the six request kinds, with Accept and User-Agent varied along the list. */
function mixRequests(name: string, images: MixImage[]): MixRequest[] {
  const kinds: { path: string; accepts: string[]; headers?: Record<string, string> }[] = [];
  for (const { tag, image } of images) {
    for (const child of image.children) {
      const platform = specifier(child.platform);
      kinds.push(
        { path: `/resolve/${name}:${tag}?platform=${platform}&`, accepts: API_ACCEPTS },
        { path: `/resolve/${name}:${tag}?platform=${platform}&`, accepts: ['text/plain'] },
        { path: `/v2/${name}/manifests/${tag}?platform=${platform}&`, accepts: REGISTRY_ACCEPTS },
        { path: `/v2/${name}/manifests/${tag}?`, accepts: REGISTRY_ACCEPTS, headers: { 'X-Platform': platform } },
        { path: `/v2/${name}/manifests/${child.manifest.digest}?`, accepts: REGISTRY_ACCEPTS },
        { path: `/platforms/${name}:${tag}?`, accepts: API_ACCEPTS },
      );
    }
  }
  return kinds.map((k, i) => ({
    path: k.path,
    headers: { Accept: k.accepts[Math.floor(i / 6) % k.accepts.length]!, 'User-Agent': USER_AGENTS[i % USER_AGENTS.length]!, ...k.headers },
  }));
}

/** The wrk script: cycles through `list` from a per-thread offset, appends `_=<run>.<thread>.<n>`, counts non-2xx. */
function luaScript(list: MixRequest[]): string {
  const lua = (s: string) => JSON.stringify(s);
  const entries = list.map((r) => `  { ${lua(r.path)}, { ${Object.entries(r.headers).map(([k, v]) => `[${lua(k)}] = ${lua(v)}`).join(', ')} } },`);
  return `local requests = {
${entries.join('\n')}
}
local threads = 0
local counter = 0
local run = "0"
non2xx = 0
setup = function(thread)
  threads = threads + 1
  thread:set("id", threads)
end
init = function(args)
  run = args[1] or "0"
  for _, r in ipairs(requests) do r[2]["Host"] = wrk.headers["Host"] end
end
request = function()
  counter = counter + 1
  local r = requests[(counter + id * 37) % #requests + 1]
  return wrk.format("GET", r[1] .. "_=" .. run .. "." .. id .. "." .. counter, r[2])
end
response = function(status, headers, body)
  if status < 200 or status > 299 then non2xx = non2xx + 1 end
end
`;
}

/** Every request of the list once, with a fixed unique parameter: all must be 2xx. */
async function checkAll(worker: WorkerServer, list: MixRequest[]): Promise<void> {
  const bad: string[] = [];
  for (const r of list) {
    const response = await worker.fetch(`${r.path}_=check`, { headers: r.headers });
    const body = await response.text();
    if (response.status < 200 || response.status > 299) bad.push(`${response.status} GET ${r.path} (${r.headers.Accept}): ${body.slice(0, 160)}`);
  }
  if (bad.length > 0) throw new Error(`${bad.length} of ${list.length} mix requests were not 2xx, e.g. ${bad.slice(0, 3).join('; ')}`);
}

/** The KV-only image through the admin API, as `npm run seed` would store it: manifests by digest, then the tags. */
async function loadIntoKv(worker: WorkerServer, name: string, images: MixImage[]): Promise<void> {
  const put = async (path: string, bytes: Uint8Array, mediaType: string) => {
    const response = await worker.fetch(path, { method: 'PUT', headers: { Authorization: `Bearer ${ADMIN_TOKEN}`, 'Content-Type': mediaType }, body: bytes });
    const text = await response.text();
    if (response.status !== 201) throw new Error(`PUT ${path}: ${response.status} ${text.slice(0, 200)}`);
  };
  for (const { tag, image } of images) {
    for (const d of image.children.flatMap((c) => (c.attestation ? [c.manifest, c.attestation] : [c.manifest]))) {
      await put(`/admin/manifests/${name}@${d.digest}`, image.blobs.get(d.digest)!, d.mediaType);
    }
    await put(`/admin/tags/${name}:${tag}`, image.index.bytes, image.index.mediaType);
  }
}

/** Pulls each tag through once (its children are prefetched in the background) and waits for the origin to go quiet. */
async function pullThrough(worker: WorkerServer, env: BenchEnvironment, images: MixImage[]): Promise<void> {
  for (const { tag, image } of images) {
    const response = await worker.fetch(`/v2/${REPOSITORY}/manifests/${tag}`, { headers: { Accept: MANIFEST_ACCEPT } });
    await response.arrayBuffer();
    const digest = response.headers.get('Docker-Content-Digest');
    if (response.status !== 200 || digest !== image.index.digest) throw new Error(`pull-through of ${REPOSITORY}:${tag} answered ${response.status} ${digest ?? ''}`);
  }
  await env.proxy.quiet();
}

interface StartedWorker {
  worker: WorkerServer;
  /** The workerd process Miniflare started for it (one per instance). */
  pid: number;
}

async function startWorker(bundle: WorkerBundle, vars: Record<string, string>): Promise<StartedWorker> {
  const before = workerdPids();
  const worker = await WorkerServer.start({ bundle, vars });
  const started = [...workerdPids()].filter((pid) => !before.has(pid));
  if (started.length !== 1) {
    await worker.stop();
    throw new Error(`expected one new workerd process, found ${started.length}`);
  }
  return { worker, pid: started[0]! };
}

/** The fields of /proc/<pid>/stat from the command name on: [0] is field 2 (the name), [n] field n + 2. */
function statFields(pid: number | string): string[] {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return [stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')), ...stat.slice(stat.lastIndexOf(')') + 2).split(' ')];
}

/** workerd processes descended from this one (as test/integration/load.test.ts finds them). */
function workerdPids(): Set<number> {
  const parents = new Map<number, number>();
  const workerd: number[] = [];
  for (const entry of readdirSync('/proc').filter((e) => /^\d+$/.test(e))) {
    try {
      const [name, , ppid] = statFields(entry);
      parents.set(Number(entry), Number(ppid));
      if (name === 'workerd') workerd.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  const descends = (pid: number): boolean => {
    for (let p = parents.get(pid); p !== undefined && p > 1; p = parents.get(p)) if (p === process.pid) return true;
    return false;
  };
  return new Set(workerd.filter(descends));
}

let ticksPerSecond: number | undefined;

/** utime + stime of a process, all its threads, in seconds. */
function cpuSeconds(pid: number): number {
  ticksPerSecond ??= Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  const fields = statFields(pid);
  return (Number(fields[12]) + Number(fields[13])) / ticksPerSecond; // fields 14 and 15
}
