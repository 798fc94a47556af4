/**
 * Runs scripts/bench/microbench.ts in a child Node (the project's Node 24), optionally under
 * `--cpu-prof`, and summarises a CPU profile as self time per function and per source area
 * (ours vs zod vs runtime), to say what a missed target is made of.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { PROJECT_ROOT, projectNode } from '../lib/project';
import { runCommand } from '../lib/runCommand';
import type { MicroResult } from './microbench';

export interface MicrobenchOutput {
  results: MicroResult[];
  indexBytes: Record<string, number>;
}

export interface ProfileSummary {
  /** Which operations were profiled. */
  only: string;
  file: string;
  totalMs: number;
  /** Share of self time by area: `src/…` (ours), `zod`, `(runtime)`… */
  areas: { area: string; percent: number }[];
  top: { fn: string; where: string; percent: number }[];
}

export async function runMicrobench(options: { smoke: boolean; only?: string; profileDir?: string }): Promise<MicrobenchOutput> {
  const args = ['--import', 'tsx'];
  if (options.profileDir) {
    await mkdir(options.profileDir, { recursive: true });
    args.push('--cpu-prof', '--cpu-prof-dir', options.profileDir);
  }
  args.push(join(PROJECT_ROOT, 'scripts', 'bench', 'microbench.ts'));
  if (options.smoke) args.push('--smoke');
  if (options.only) args.push('--only', options.only);
  const result = await runCommand(projectNode(), args, { timeoutSeconds: 300 });
  const line = result.stdout.toString().split('\n').find((l) => l.startsWith('MICROBENCH_JSON '));
  if (result.status !== 0 || !line) throw new Error(`microbench failed (exit ${result.status}):\n${result.stderr}`);
  return JSON.parse(line.slice('MICROBENCH_JSON '.length)) as MicrobenchOutput;
}

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

/** Self time of the newest `.cpuprofile` in `dir`, by function and by area. */
export function summarizeProfile(dir: string, only: string): ProfileSummary {
  const files = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile')).sort();
  const file = files.at(-1);
  if (!file) throw new Error(`no .cpuprofile in ${dir}`);
  const profile = JSON.parse(readFileSync(join(dir, file), 'utf8')) as { nodes: ProfileNode[]; samples: number[]; startTime: number; endTime: number };
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  // Only samples taken inside the measured operations (under microbench.ts's batch loop), not
  // process start-up and module loading; GC is attributed to whatever was running.
  const measured = (id: number): boolean => {
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const frame = byId.get(at)?.callFrame;
      if (frame?.url.endsWith('/scripts/bench/microbench.ts') && frame.functionName === 'run') return true;
    }
    return false;
  };
  const hits = new Map<number, number>();
  for (const id of profile.samples) if (measured(id) || byId.get(id)?.callFrame.functionName === '(garbage collector)') hits.set(id, (hits.get(id) ?? 0) + 1);
  const total = [...hits.values()].reduce((a, b) => a + b, 0);
  if (total === 0) throw new Error(`${file}: no samples inside the measured operations`);
  const fns = new Map<string, { fn: string; where: string; n: number }>();
  const areas = new Map<string, number>();
  for (const [id, n] of hits) {
    const frame = byId.get(id)?.callFrame;
    if (!frame) continue;
    const where = shortUrl(frame.url, frame.lineNumber);
    const fn = frame.functionName || '(anonymous)';
    const key = `${fn} ${where}`;
    const entry = fns.get(key) ?? { fn, where, n: 0 };
    entry.n += n;
    fns.set(key, entry);
    const area = areaOf(frame.url, fn);
    areas.set(area, (areas.get(area) ?? 0) + n);
  }
  const pct = (n: number) => Math.round((n / total) * 1000) / 10;
  return {
    only,
    file: join(dir, file),
    totalMs: (profile.endTime - profile.startTime) / 1000,
    areas: [...areas].sort((a, b) => b[1] - a[1]).map(([area, n]) => ({ area, percent: pct(n) })),
    top: [...fns.values()].sort((a, b) => b.n - a.n).slice(0, 12).map(({ fn, where, n }) => ({ fn, where, percent: pct(n) })),
  };
}

function shortUrl(url: string, line: number): string {
  if (!url) return '(native)';
  const clean = url.replace(/^file:\/\//, '').replace(`${PROJECT_ROOT}/`, '');
  const nm = clean.lastIndexOf('node_modules/');
  return `${nm >= 0 ? clean.slice(nm + 'node_modules/'.length) : clean}:${line + 1}`;
}

function areaOf(url: string, fn: string): string {
  if (!url) return fn === '(garbage collector)' ? 'GC' : fn.startsWith('(') ? fn : 'V8 builtins (JSON.parse, TextDecoder…)';
  const clean = url.replace(/^file:\/\//, '');
  const nm = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(clean);
  if (nm?.[1]) return nm[1] === 'tsx' ? '(loader)' : nm[1];
  const src = /\/src\/([^/]+)\//.exec(clean);
  if (src?.[1]) return `src/${src[1]}`;
  if (clean.startsWith('node:')) return 'node internals';
  return clean.includes('/scripts/bench/') ? 'benchmark harness' : clean;
}
