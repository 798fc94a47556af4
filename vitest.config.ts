import { cloudflareTest } from '@cloudflare/vitest-plugin';
import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  plugins: [
    cloudflareTest({
      wrangler: { configPath: './wrangler.toml' },
      // Tests never reach the internet: no origin registry unless a test configures a fake one.
      miniflare: { bindings: { UPSTREAMS: '' } },
    }),
  ],
  // test/integration runs in Node with real registries: vitest.integration.config.ts.
  test: { include: ['test/**/*.test.ts'], exclude: [...configDefaults.exclude, 'test/integration/**'] },
});
