import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    testTimeout: 20_000,
    hookTimeout: 20_000,
    env: { TZ: 'UTC' },
    // One worker process per core runs many files in turn: re-importing Bolt, Kysely and the rest for every file
    // (the default isolation) cost about half of the suite's CPU. Tests restore what they change (fake timers, TZ).
    isolate: false,
    // Vitest's default is one worker fewer than the cores (one on this 2-core machine), yet most tests wait on
    // sockets, child processes and timers: three workers keep both cores busy.
    maxWorkers: 3,
    setupFiles: ['test/setup-fast-check.ts', 'test/support/after-each-file.ts'],
    // One fresh PostgreSQL database per run when TEST_DATABASE_URL is set (see test/support/README.md).
    globalSetup: ['test/support/postgres-global-setup.ts'],
  },
});
