import { cloudflareTest } from '@cloudflare/vitest-plugin';
import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  plugins: [cloudflareTest({ wrangler: { configPath: './wrangler.toml' } })],
  // test/integration runs in Node with real registries: vitest.integration.config.ts.
  test: { include: ['test/**/*.test.ts'], exclude: [...configDefaults.exclude, 'test/integration/**'] },
});
