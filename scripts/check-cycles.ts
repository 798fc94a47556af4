/**
 * `npm run check:cycles`: import cycles among src/ files, and src/ importing test/ or scripts/,
 * with the rules of .dependency-cruiser.cjs (dependency-cruiser, parsed with swc).
 *
 * Prints one line per cycle (type-only links marked `⇢`), one line per other violation, and the
 * cycles between folders of src/ as warnings (reported, not failing). Exits 1 on any error.
 * It also fails when a .ts file under src/ was not cruised, so a parser gap cannot pass as
 * "no cycles".
 */
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { cruise, type ICruiseResult, type IMiniDependency, type IViolation } from 'dependency-cruiser';
import extractDepcruiseOptions from 'dependency-cruiser/config-utl/extract-depcruise-options';
import { PROJECT_ROOT } from './lib/project';

process.chdir(PROJECT_ROOT);
const options = await extractDepcruiseOptions('./.dependency-cruiser.cjs');
const result = (await cruise(['src'], { ...options, validate: true })).output as ICruiseResult;

/** `a → b ⇢ c → a`: `⇢` where the link is an `import type` only. */
function formatCycle(from: string, cycle: IMiniDependency[]): string {
  return [from, ...cycle.map((step) => `${step.dependencyTypes.includes('type-only') ? '⇢' : '→'} ${step.name}`)].join(' ');
}

/** A cycle reported from each of its members is one cycle: keyed by its members in order, from the smallest. */
function cycleKey(from: string, cycle: IMiniDependency[]): string {
  const members = cycle.map((step) => step.name);
  if (members.at(-1) !== from) members.unshift(from);
  const start = members.indexOf([...members].sort()[0]!);
  return [...members.slice(start), ...members.slice(0, start)].join(' ');
}

const lines = { error: [] as string[], warn: [] as string[] };
const seen = new Set<string>();
for (const violation of result.summary.violations as IViolation[]) {
  const severity = violation.rule.severity === 'error' ? 'error' : 'warn';
  if (violation.cycle) {
    const key = `${violation.rule.name} ${cycleKey(violation.from, violation.cycle)}`;
    if (seen.has(key)) continue;
    seen.add(key);
    lines[severity].push(`${violation.rule.name}: ${formatCycle(violation.from, violation.cycle)}`);
  } else {
    lines[severity].push(`${violation.rule.name}: ${violation.from} → ${violation.to}`);
  }
}

// Every .ts file under src/ must have been read.
const cruised = new Set(result.modules.map((m) => m.source));
const walk = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));
for (const file of walk('src').map((f) => relative('.', f))) {
  if (!cruised.has(file)) lines.error.push(`not-cruised: ${file} (the parser skipped it)`);
}

for (const line of lines.warn) console.log(`warn  ${line}`);
for (const line of lines.error) console.log(`error ${line}`);
const srcModules = [...cruised].filter((m) => m.startsWith('src/')).length;
console.log(
  `${lines.error.length} error(s), ${lines.warn.length} warning(s): ${srcModules} src/ modules, ` +
    `${result.summary.totalDependenciesCruised ?? '?'} dependencies (dependency-cruiser ${result.summary.environment.version}, ` +
    `parser ${result.summary.optionsUsed.parser ?? 'acorn'})`,
);
process.exit(lines.error.length > 0 ? 1 : 0);
