import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    testTimeout: 20_000,
    hookTimeout: 20_000,
    env: { TZ: 'UTC' },
    setupFiles: ['test/setup-fast-check.ts'],
    // One fresh PostgreSQL database per run when TEST_DATABASE_URL is set (see test/support/README.md).
    globalSetup: ['test/support/postgres-global-setup.ts'],
  },
});
