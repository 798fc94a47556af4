/**
 * Instructions per hot request under callgrind (scripts/bench/instructions.ts) for git
 * revisions of ours against the floor: for before/after comparisons of hot-path changes, where
 * req/s on a shared machine varies by more than the change being measured.
 *
 *   tsx scripts/bench/instructionCount.ts base=HEAD~3 cand=.     # git revisions; `.` = working tree
 *   tsx scripts/bench/instructionCount.ts --routes resolve x=/path/to/worker.js   # a bundle as it is
 *
 * Each revision is built unminified (function names kept for callgrind_annotate) with the
 * hot-tag memory window raised. Options: --warm N (300), --n N (300), --keep DIR (keeps the
 * callgrind dumps), --routes resolve,manifest (which rows of each revision).
 * About 3 minutes per row. Needs valgrind (apt-get install -y valgrind).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hasCommand } from '../lib/debianTools';
import { PROJECT_ROOT, projectNode } from '../lib/project';
import { ADMIN_TOKEN, BenchEnvironment, MANIFEST_ACCEPT, manifestPath, resolvePath } from './benchEnvironment';
import { countInstructions, raiseMemoryWindow, type InstructionTarget } from './instructions';

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

const work = mkdtempSync(join(tmpdir(), 'bench-revisions-'));
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
  return raiseMemoryWindow(join(out, 'index.js'), join(out, 'raised.js'));
}

async function main(): Promise<void> {
  if (!hasCommand('valgrind')) throw new Error('valgrind is not installed: apt-get install -y valgrind');
  if (revisions.length === 0) throw new Error('usage: instructionCount.ts [--warm N] [--n N] [--keep DIR] [--routes resolve,manifest] label=<git revision, ., or a .js bundle> …');
  const bundles = revisions.map(({ label, revision }) => {
    log(`building ${label} (${revision}) unminified`);
    return { label, scriptPath: buildRevision(label, revision) };
  });
  const env = await BenchEnvironment.start({ coldTags: 0, delayMs: 0, log });
  try {
    // A long TAG_TTL: no row runs into the stale window (background revalidation) under valgrind.
    const vars = { ADMIN_TOKEN, UPSTREAMS: `docker.io=${env.proxy.url}`, TAG_TTL: '3600' };
    const targets: InstructionTarget[] = [{ id: 'floor', name: 'floor', scriptPath: join(PROJECT_ROOT, 'scripts/bench/workers/hello.js'), path: '/' }];
    for (const { label, scriptPath } of bundles) {
      if (ROUTES.includes('resolve')) targets.push({ id: `${label}-resolve`, name: `${label}-resolve`, scriptPath, path: resolvePath(), vars });
      if (ROUTES.includes('manifest')) targets.push({ id: `${label}-manifest`, name: `${label}-manifest`, scriptPath, path: manifestPath(), headers: { Accept: MANIFEST_ACCEPT }, vars });
    }
    log(`instructions per request (requests ${WARM + 1}…${WARM + N} of each worker, V8 --predictable):`);
    const rows = await countInstructions(targets, { warm: WARM, n: N, keep: KEEP, log });
    const floor = rows[0]!.instructions;
    for (const r of rows) log(`  ${r.name.padEnd(17)} ${(r.instructions / 1e6).toFixed(3)} M  floor ÷ this ${(floor / r.instructions).toFixed(3)}`);
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
