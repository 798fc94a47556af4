/**
 * `fs` for badge-maker's width tables (char-width-table-consumer), which are handed over as JSON
 * and never read from disk: the functions exist so the module loads, and are never called.
 * Aliased in wrangler.toml, so the worker needs no Node.js compatibility layer.
 */
function unavailable(): never {
  throw new Error('fs is not available in this worker');
}
export const readFile = unavailable;
export const readFileSync = unavailable;
export default { readFile, readFileSync };
