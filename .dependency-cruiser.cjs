/**
 * dependency-cruiser rules for src/ (`npm run check:cycles`, scripts/check-cycles.ts; the CLI
 * works too: `npx depcruise src --config .dependency-cruiser.cjs --output-type err`).
 *
 * Parser: swc. dependency-cruiser reads TypeScript with the `typescript` package only up to
 * 6.x; this project has TypeScript 7 (no compiler API yet), so @swc/core parses the sources.
 * swc marks `import type` as type-only, so tsPreCompilationDeps still sees those imports
 * (dependency-cruiser's "missing-tsc-transpiler" warning does not apply to swc; the check
 * script guards instead that every file under src/ was cruised and every import resolved).
 *
 * @type {import('dependency-cruiser').IConfiguration}
 */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'A module of src/ takes part in an import cycle (type-only imports count too).',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'src-not-to-test-or-scripts',
      severity: 'error',
      comment: 'The worker must not import the tests or the Node scripts.',
      from: { path: '^src/' },
      to: { path: '^(test|scripts)/' },
    },
    {
      name: 'src-resolvable',
      severity: 'error',
      comment: 'An import of src/ that could not be resolved would hide its cycles.',
      from: { path: '^src/' },
      to: { couldNotResolve: true },
    },
    {
      name: 'no-circular-folders',
      // Reported, not failing: folders of src/ that depend on each other (src/a → src/b → src/a).
      severity: 'warn',
      comment: 'Folders of src/ in a dependency cycle.',
      scope: 'folder',
      from: { path: '^src/[^/]+' },
      to: { path: '^src/[^/]+', circular: true },
    },
  ],
  options: {
    parser: 'swc',
    tsPreCompilationDeps: true,
    doNotFollow: { path: ['node_modules', '^(test|scripts)/'] },
    // Resolve packages as the bundler does (package.json "exports", ESM conditions first).
    enhancedResolveOptions: { extensions: ['.ts', '.js', '.json'], exportsFields: ['exports'], conditionNames: ['import', 'workerd', 'worker', 'default'] },
  },
};
