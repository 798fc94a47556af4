/**
 * `npm run check:docs`: fails when a comment, test, script or doc cites a document or tracker a
 * maintainer of this repository does not have (`design.md`, `platform-spec.md`, `style.md`,
 * a bare `toolchain.md`, "issue N"). The repository's own docs are docs/architecture.md,
 * docs/platform-rules.md, docs/security.md, docs/benchmarks.md and docs/toolchain.md; cite those.
 * Prints file:line of each hit and exits 1, or prints a one-line summary and exits 0.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = join(import.meta.dirname, '..');
const ROOTS = ['src', 'scripts', 'test', 'docs', 'README.md', 'wrangler.toml', '.ci'];
const SKIP_DIRS = new Set(['node_modules', 'dist', '.wrangler', 'badges']);
const THIS_FILE = 'scripts/check-doc-refs.ts';

/** Each pattern, with what it means when it matches. */
const PATTERNS: [RegExp, string][] = [
  [/\bdesign\.md\b/, 'design.md (use docs/architecture.md)'],
  [/\bplatform-spec(\.md)?\b/, 'platform-spec.md (use docs/platform-rules.md)'],
  [/\bstyle\.md\b/, 'style.md (use docs/architecture.md, "Errors and validation")'],
  [/(?<!docs\/)\btoolchain\.md\b/, 'toolchain.md outside docs/ (use docs/toolchain.md)'],
  [/\b[Ii]ssues? #?\d+/, 'an issue number (describe it, or cite a repository doc)'],
  [/\(issue[ ,]/, 'an issue (describe it, or cite a repository doc)'],
];

function* files(path: string): Generator<string> {
  const stat = statSync(path, { throwIfNoEntry: false });
  if (stat === undefined) return;
  if (stat.isFile()) {
    yield path;
    return;
  }
  for (const entry of readdirSync(path, { withFileTypes: true })) {
    if (entry.isDirectory() && SKIP_DIRS.has(entry.name)) continue;
    yield* files(join(path, entry.name));
  }
}

const hits: string[] = [];
let checked = 0;
for (const start of ROOTS) {
  for (const file of files(join(root, start))) {
    const name = relative(root, file);
    if (name === THIS_FILE || /\.(png|svg|ico|gz|woff2?)$/.test(name)) continue;
    checked++;
    readFileSync(file, 'utf8').split('\n').forEach((line, i) => {
      for (const [pattern, what] of PATTERNS) {
        if (pattern.test(line)) hits.push(`${name}:${i + 1}: ${what}: ${line.trim()}`);
      }
    });
  }
}

if (hits.length > 0) {
  console.error(`check:docs: ${hits.length} reference(s) to documents outside this repository:`);
  for (const hit of hits) console.error(hit);
  process.exit(1);
}
console.log(`check:docs: ${checked} files, no references to documents outside this repository`);
