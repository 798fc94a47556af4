/**
 * `npm run check:runtime`: every way this project runs the worker uses the workerd that ships
 * with wrangler (the one `npm start`/`wrangler dev` runs, and the release `wrangler deploy`
 * belongs to), unless scripts/runtime-drift.json allows the difference with a reason.
 *
 * Each use is resolved the way its code resolves it (Node resolution from the file that
 * imports miniflare or workerd), and the workerd package found there is read:
 * - wrangler: its own `workerd` dependency, and the one of the miniflare it runs `wrangler dev` on;
 * - the integration harness and benchmark (scripts/lib/miniflareWorker.ts): `miniflare`;
 * - the unit tests (@cloudflare/vitest-plugin): its `miniflare`;
 * - the callgrind benchmark (scripts/bench/instructions.ts): `workerd` from the project root.
 *
 * It also fails when wrangler.toml's compatibility_date is later than a workerd in use
 * supports (workerd 1.YYYYMMDD.N accepts dates up to YYYY-MM-DD).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PROJECT_ROOT } from './lib/project';
import { readWranglerToml } from './lib/wranglerToml';

interface Use {
  use: string;
  /** What leads to workerd, e.g. `miniflare 5.20261117.0-beta`. */
  via: string;
  workerd: string;
  /** The workerd package directory, relative to the project. */
  dir: string;
}

interface Allowance {
  use: string;
  workerd: string;
  reason: string;
}

/** The package.json of `name` as Node resolves it from the file `from`. */
function resolvePackage(name: string, from: string): { version: string; dir: string } {
  const path = createRequire(from).resolve(`${name}/package.json`);
  return { version: (JSON.parse(readFileSync(path, 'utf8')) as { version: string }).version, dir: dirname(path) };
}

/** The workerd `name` (miniflare or workerd) leads to, resolved from the file `from`. */
function workerdVia(use: string, name: 'miniflare' | 'workerd', from: string): Use {
  const pkg = resolvePackage(name, from);
  const workerd = name === 'workerd' ? pkg : resolvePackage('workerd', join(pkg.dir, 'package.json'));
  return { use, via: `${name} ${pkg.version}`, workerd: workerd.version, dir: relative(PROJECT_ROOT, workerd.dir) };
}

const fromProject = join(PROJECT_ROOT, 'package.json');
const wranglerMain = fileURLToPath(import.meta.resolve('wrangler'));
const vitestPluginMain = fileURLToPath(import.meta.resolve('@cloudflare/vitest-plugin'));
const wrangler = resolvePackage('wrangler', fromProject);

const reference = workerdVia('wrangler (deploy; its own workerd)', 'workerd', wranglerMain);
const uses: Use[] = [
  reference,
  workerdVia('wrangler dev / npm start / check:demo', 'miniflare', wranglerMain),
  workerdVia('integration tests + bench (scripts/lib/miniflareWorker.ts)', 'miniflare', join(PROJECT_ROOT, 'scripts', 'lib', 'miniflareWorker.ts')),
  workerdVia('unit tests (@cloudflare/vitest-plugin)', 'miniflare', vitestPluginMain),
  workerdVia('bench --instructions (scripts/bench/instructions.ts)', 'workerd', fromProject),
];

const driftFile = join(PROJECT_ROOT, 'scripts', 'runtime-drift.json');
const allowed = (JSON.parse(readFileSync(driftFile, 'utf8')) as { allowed: Allowance[] }).allowed;
const { compatibilityDate } = readWranglerToml();

const problems: string[] = [];
const used = new Set<Allowance>();
console.log(`wrangler ${wrangler.version}; reference workerd ${reference.workerd}; compatibility_date ${compatibilityDate}`);
for (const u of uses) {
  let note = '';
  if (u.workerd !== reference.workerd) {
    const allowance = allowed.find((a) => a.use === u.use && a.workerd === u.workerd);
    if (allowance) {
      used.add(allowance);
      note = `  (allowed drift: ${allowance.reason})`;
    } else {
      problems.push(`${u.use} runs workerd ${u.workerd}, wrangler's is ${reference.workerd}: align them, or list the use in ${relative(PROJECT_ROOT, driftFile)} with a reason`);
    }
  }
  const supportedUpTo = /^\d+\.(\d{4})(\d{2})(\d{2})\./.exec(u.workerd);
  if (supportedUpTo && compatibilityDate > supportedUpTo.slice(1).join('-')) {
    problems.push(`${u.use}: workerd ${u.workerd} does not accept compatibility_date ${compatibilityDate}`);
  }
  console.log(`  ${u.use.padEnd(62)} ${u.via.padEnd(28)} workerd ${u.workerd}  ${u.dir}${note}`);
}
for (const a of allowed) {
  if (!used.has(a)) problems.push(`${relative(PROJECT_ROOT, driftFile)}: "${a.use}" no longer runs workerd ${a.workerd}: remove the entry`);
}

for (const p of problems) console.log(`error ${p}`);
const binaries = new Set(uses.map((u) => u.dir));
console.log(
  problems.length > 0
    ? `${problems.length} problem(s)`
    : `ok: ${uses.length} uses, ${binaries.size} workerd package(s) installed (${[...binaries].join(', ')})`,
);
process.exit(problems.length > 0 ? 1 : 0);
