/**
 * Vitest setup file: what the test helpers opened during a test file is closed after it. Setup files run for every
 * test file, whereas a helper module's own `afterAll` would hook only the first file of a worker that reuses
 * modules across files (`isolate: false` in vitest.config.ts).
 */
import { afterAll } from 'vitest';
import { cleanUpChildProcesses } from './child-process.js';
import { closeTestStores } from './store-engines.js';

afterAll(async () => {
  cleanUpChildProcesses();
  await closeTestStores();
});
