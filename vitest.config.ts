import { cloudflareTest } from '@cloudflare/vitest-plugin';
import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  plugins: [
    cloudflareTest({
      wrangler: { configPath: './wrangler.toml' },
      miniflare: {
        bindings: {
          // Tests never reach the internet: no origin registry unless a test configures a fake one.
          UPSTREAMS: '',
          // `HARDENING_SEED=123 npx vitest run test/hardening` explores other cases (test/hardening/cases.ts).
          HARDENING_SEED: process.env.HARDENING_SEED ?? '',
        },
      },
    }),
  ],
  // test/integration runs in Node with real registries: vitest.integration.config.ts.
  test: { include: ['test/**/*.test.ts'], exclude: [...configDefaults.exclude, 'test/integration/**'] },
});
