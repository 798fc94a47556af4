/**
 * A CPU profile of our worker inside workerd, under load: Miniflare started with an inspector
 * port, V8's profiler driven over the DevTools protocol (Profiler.start/stop) on our worker's
 * isolate while wrk loads it. The bundle is built unminified so that function names survive,
 * and each sample is attributed to the module it ran in by esbuild's `// src/…` markers.
 *
 * Only our isolate is profiled: Miniflare's KV and Cache API simulators and its entry worker run
 * in isolates of their own, and their time shows here as time our isolate was not running.
 */
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { convertV4MiniflareOptions, Miniflare } from 'miniflare';
import { freePort } from '../lib/freePort';
import { MANIFESTS_NAMESPACE_ID } from '../lib/miniflareWorker';
import { runWrangler } from '../lib/project';
import { readWranglerToml } from '../lib/wranglerToml';
import { runLoad, type LoadShape } from './wrk';

export interface WorkerdProfile {
  request: string;
  requests: number;
  seconds: number;
  /** JS time in our isolate per request, µs (GC included, idle excluded). */
  jsUsPerRequest: number;
  /** Share of our JS time per module area. */
  areas: { area: string; percent: number; usPerRequest: number }[];
  top: { fn: string; area: string; percent: number }[];
  file: string;
}

interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[];
  samples: number[];
  timeDeltas: number[];
}

/** Builds the unminified bundle once; returns its path. */
export function buildUnminified(outDir: string): string {
  rmSync(outDir, { recursive: true, force: true });
  runWrangler(['deploy', '--dry-run', '--outdir', outDir, '--minify=false']);
  const script = readdirSync(outDir).find((f) => f.endsWith('.js'));
  if (!script) throw new Error(`wrangler wrote no .js file into ${outDir}`);
  return join(outDir, script);
}

export async function profileUnderLoad(options: {
  scriptPath: string;
  vars: Record<string, string>;
  path: string;
  headers?: Record<string, string>;
  shape: LoadShape;
  outFile: string;
  /** Waits until the priming requests' background work is over, so it is not profiled. */
  settle: () => Promise<void>;
}): Promise<WorkerdProfile> {
  const settings = readWranglerToml();
  const inspectorPort = await freePort();
  const mf = new Miniflare(
    convertV4MiniflareOptions({
      name: 'bench',
      modules: true,
      scriptPath: options.scriptPath,
      compatibilityDate: settings.compatibilityDate,
      compatibilityFlags: settings.compatibilityFlags,
      kvNamespaces: { MANIFESTS: MANIFESTS_NAMESPACE_ID },
      bindings: { ...settings.vars, ...options.vars },
      host: '127.0.0.1',
      port: 0,
      cf: false,
      inspectorPort,
    }),
  );
  try {
    const base = (await mf.ready).origin;
    for (let i = 0; i < 3; i++) await (await fetch(`${base}${options.path}`, { headers: options.headers })).arrayBuffer();
    await options.settle();
    const devtools = await DevTools.connect(`ws://127.0.0.1:${inspectorPort}/core:user:bench`);
    try {
      await devtools.send('Profiler.enable');
      await devtools.send('Profiler.setSamplingInterval', { interval: 200 });
      await devtools.send('Profiler.start');
      const load = await runLoad(`${base}${options.path}`, { ...options.shape, warmupSeconds: 0 }, options.headers);
      const { profile } = (await devtools.send('Profiler.stop')) as { profile: CpuProfile };
      writeFileSync(options.outFile, JSON.stringify(profile));
      return summarize(profile, readFileSync(options.scriptPath, 'utf8'), `GET ${options.path}`, load.requests, load.seconds, options.outFile);
    } finally {
      devtools.close();
    }
  } finally {
    await mf.dispose();
  }
}

function summarize(profile: CpuProfile, bundle: string, request: string, requests: number, seconds: number, file: string): WorkerdProfile {
  const moduleAt = moduleMap(bundle);
  const byId = new Map(profile.nodes.map((n) => [n.id, n.callFrame]));
  const areaUs = new Map<string, number>();
  const fnUs = new Map<string, { fn: string; area: string; us: number }>();
  let jsUs = 0;
  profile.samples.forEach((id, i) => {
    const frame = byId.get(id);
    const us = profile.timeDeltas[i + 1] ?? profile.timeDeltas[i] ?? 0;
    if (!frame || frame.functionName === '(idle)' || frame.functionName === '(program)' || frame.functionName === '(root)') return;
    const area = frame.functionName === '(garbage collector)' ? 'GC' : frame.url ? moduleAt(frame.lineNumber) : 'V8/workerd builtins';
    jsUs += us;
    areaUs.set(area, (areaUs.get(area) ?? 0) + us);
    const key = `${frame.functionName}|${area}`;
    const entry = fnUs.get(key) ?? { fn: frame.functionName || '(anonymous)', area, us: 0 };
    entry.us += us;
    fnUs.set(key, entry);
  });
  const pct = (us: number) => Math.round((us / jsUs) * 1000) / 10;
  return {
    request,
    requests,
    seconds,
    jsUsPerRequest: jsUs / requests,
    areas: [...areaUs].sort((a, b) => b[1] - a[1]).slice(0, 10).map(([area, us]) => ({ area, percent: pct(us), usPerRequest: us / requests })),
    top: [...fnUs.values()].sort((a, b) => b.us - a.us).slice(0, 10).map(({ fn, area, us }) => ({ fn, area, percent: pct(us) })),
    file,
  };
}

/** Line (0-based) → the module esbuild says it came from, grouped as `src/<folder>` or a package. */
function moduleMap(bundle: string): (line: number) => string {
  const starts: { line: number; area: string }[] = [];
  bundle.split('\n').forEach((text, line) => {
    const m = /^\/\/ (\S+)$/.exec(text);
    if (!m?.[1]) return;
    const path = m[1];
    const nm = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path);
    const src = /^src\/([^/]+)\//.exec(path);
    const area = nm?.[1] ?? (src?.[1] ? `src/${src[1]}` : path.startsWith('src/') ? path : null);
    if (area) starts.push({ line, area });
  });
  return (line) => {
    let lo = 0;
    let hi = starts.length - 1;
    let found = 'bundle glue';
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (starts[mid]!.line <= line) {
        found = starts[mid]!.area;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found;
  };
}

/** The few DevTools-protocol calls needed, over Node's WebSocket. */
class DevTools {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();

  private constructor(private readonly ws: WebSocket) {
    ws.addEventListener('message', (event) => {
      const message = JSON.parse(String(event.data)) as { id?: number; result?: unknown; error?: { message: string } };
      const waiter = message.id === undefined ? undefined : this.pending.get(message.id);
      if (!waiter) return;
      this.pending.delete(message.id!);
      if (message.error) waiter.reject(new Error(message.error.message));
      else waiter.resolve(message.result);
    });
  }

  static connect(url: string): Promise<DevTools> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url);
      ws.addEventListener('open', () => resolve(new DevTools(ws)), { once: true });
      ws.addEventListener('error', () => reject(new Error(`cannot connect to the inspector at ${url}`)), { once: true });
    });
  }

  send(method: string, params: object = {}): Promise<unknown> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.ws.send(JSON.stringify({ id, method, params }));
    });
  }

  close(): void {
    this.ws.close();
  }
}
