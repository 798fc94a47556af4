/**
 * Integration tests (test/integration): real docker-registry, skopeo and podman processes and the
 * worker under workerd via Miniflare, driven from Node — not the workers pool of vitest.config.ts.
 * Files run one at a time (they start servers and share 2 cores); timeouts are long because
 * registry clients and TTL expiry take seconds.
 */
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/integration/**/*.test.ts'],
    environment: 'node',
    globalSetup: ['test/integration/globalSetup.ts'],
    fileParallelism: false,
    maxWorkers: 1,
    testTimeout: 120_000,
    hookTimeout: 180_000,
    teardownTimeout: 60_000,
  },
});
