/**
 * Workers runtime types that src/ names in type positions only (Env's `MANIFESTS: KVNamespace`),
 * for scripts that run src/ modules in Node (scripts/sync.ts reuses the config parser and the
 * RegistryClient). Scripts have Node's types, not @cloudflare/workers-types (the two clash over
 * fetch and friends); an interface, so that another declaration merges with this one.
 */
interface KVNamespace {}
