// Types for `cloudflare:workers` in tests: the worker's bindings (src/config/Env.ts) and its main module.
type ProjectEnv = import('../src/config/Env').Env;

declare namespace Cloudflare {
  interface GlobalProps {
    mainModule: typeof import('../src/index');
  }
  interface Env extends ProjectEnv {
    /** Test only: overrides the hardening suite's fast-check seed (vitest.config.ts). */
    HARDENING_SEED: string;
  }
}
