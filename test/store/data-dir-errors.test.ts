/**
 * A DATA_DIR the embedded store cannot use, met by the real app process (`src/app.ts`, as `npm start` runs it): it
 * stops with one sentence naming DATA_DIR and what to do, never a bare EEXIST or ENOENT. The tests run as root, for
 * whom permissions stop nothing, so the paths are ones the kernel refuses to anyone: a file, a folder under a file,
 * a new folder in sysfs (EPERM), and an existing sysfs folder where no file can be created (SQLITE_CANTOPEN).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builtApp } from '../multi-process/support/build-app.js';
import { spawnApp } from '../support/app-process.js';

/** The app compiled as `npm run build` does (cached, shared with the multi-process tests): plain node starts fast. */
let entry: string;
const scratch = mkdtempSync(path.join(tmpdir(), 'callkit-data-dir-'));
const aFile = path.join(scratch, 'a-file');
writeFileSync(aFile, 'not a folder');

/** What the app writes on stderr when it stops before listening. */
async function startFailure(dataDir: string): Promise<string> {
  const app = await spawnApp({
    compiledApp: entry,
    env: {
      SLACK_BOT_TOKEN: 'xoxb-never-used',
      SLACK_SIGNING_SECRET: 'never-used',
      SLACK_API_URL: 'http://127.0.0.1:9/api/',
      PORT: '0',
      LOG_LEVEL: 'info',
      DATA_DIR: dataDir,
    },
  });
  // It started after all: stop it, and fail below.
  app.kill();
  return 'the app started';
}

async function stopsWith(dataDir: string): Promise<string> {
  try {
    return await startFailure(dataDir);
  } catch (error) {
    return (error as Error).message;
  }
}

const DO = 'point DATA_DIR at a folder the app can create and write, or set DATABASE_URL';

describe('the app with a DATA_DIR it cannot use', () => {
  // Compiling is a one-time build step, not part of what is tested.
  beforeAll(async () => {
    entry = await builtApp();
  }, 180_000);
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it.each([
    { what: 'a file', dataDir: aFile, says: `DATA_DIR (${aFile}) is not a folder: a file is in its way; ${DO}.` },
    {
      what: 'a folder under a file',
      dataDir: path.join(aFile, 'data'),
      says: `DATA_DIR (${path.join(aFile, 'data')}) is not a folder: a file is in its way; ${DO}.`,
    },
    {
      what: 'a folder the kernel will not create',
      dataDir: '/sys/callkit-data',
      says: `DATA_DIR (/sys/callkit-data) cannot be created or written (EPERM); ${DO}.`,
    },
    {
      what: 'a folder where no file can be created',
      dataDir: '/sys/kernel',
      says: `DATA_DIR (/sys/kernel) cannot be created or written (SQLITE_CANTOPEN); ${DO}.`,
    },
  ])(
    '$what: one sentence naming DATA_DIR and what to do',
    async ({ dataDir, says }) => {
      const stderr = await stopsWith(dataDir);
      expect(stderr).toContain(`Could not start: ${says}`);
      expect(stderr).not.toMatch(/EEXIST|ENOENT|ENOTDIR|\n\s+at /);
    },
    // Nothing here waits on time (the test waits for the process to exit); this only bounds a hung start. Loading
    // the app in a new process takes 1 s on an idle machine and over 20 s on the shared one under load.
    60_000,
  );
});
