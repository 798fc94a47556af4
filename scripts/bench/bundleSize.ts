/**
 * Scenario 7: the production bundle (`wrangler deploy --dry-run --outdir`), built once per run
 * and then also the worker the load scenarios run, its gzip -9 size (as .ci/run measures it),
 * and what it is made of (esbuild's metafile: output bytes per package or source folder).
 */
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { WorkerBundle } from '../lib/miniflareWorker';
import { runWrangler } from '../lib/project';
import { readWranglerToml } from '../lib/wranglerToml';

export interface BundleSize {
  bytes: number;
  gzipBytes: number;
  /** Largest contributors to the minified output, bytes before gzip. */
  parts: { part: string; bytes: number }[];
}

/** Like scripts/lib/miniflareWorker.ts `buildWorkerBundle`, plus a metafile. */
export function buildBundle(outDir: string): WorkerBundle & { metafile: string } {
  rmSync(outDir, { recursive: true, force: true });
  const metafile = join(outDir, 'meta.json');
  runWrangler(['deploy', '--dry-run', '--outdir', outDir, '--metafile', metafile]);
  const script = readdirSync(outDir).find((f) => f.endsWith('.js'));
  if (!script) throw new Error(`wrangler wrote no .js file into ${outDir}`);
  return { scriptPath: join(outDir, script), metafile, ...readWranglerToml() };
}

interface Metafile {
  outputs: Record<string, { inputs: Record<string, { bytesInOutput: number }> }>;
}

export function bundleSize(bundle: { scriptPath: string; metafile: string }): BundleSize {
  const code = readFileSync(bundle.scriptPath);
  const meta = JSON.parse(readFileSync(bundle.metafile, 'utf8')) as Metafile;
  const output = Object.entries(meta.outputs).find(([path]) => path.endsWith('.js'))?.[1];
  const byPart = new Map<string, number>();
  for (const [input, { bytesInOutput }] of Object.entries(output?.inputs ?? {})) {
    const part = partOf(input);
    byPart.set(part, (byPart.get(part) ?? 0) + bytesInOutput);
  }
  const parts = [...byPart].sort((a, b) => b[1] - a[1]).slice(0, 8).map(([part, bytes]) => ({ part, bytes }));
  return { bytes: code.byteLength, gzipBytes: gzipSync(code, { level: 9 }).byteLength, parts };
}

/** `…/node_modules/@scope/pkg/…` → `@scope/pkg`; `src/store/X.ts` → `src/store`. */
function partOf(input: string): string {
  const nm = input.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const [first = '', second = ''] = input.slice(nm + 'node_modules/'.length).split('/');
    return first.startsWith('@') ? `${first}/${second}` : first;
  }
  const src = /(?:^|\/)(src\/[^/]+)\//.exec(input);
  return src?.[1] ?? input;
}
