import { type ChildProcess, spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { LEASE_HELD_MESSAGE } from '../../src/cli/sync.js';
import { SYNC_LEASE } from '../../src/jobs/sync-job.js';
import { openCallStore } from '../../src/store/open-call-store.js';
import { runScript } from '../support/child-process.js';
import { runCli } from '../support/cli.js';
import { type StoreLocation, storeEngines, type TestStoreEngine } from '../support/store-engines.js';

function envFor(location: StoreLocation): Record<string, string> {
  return { DATA_DIR: location.dataDir, ...(location.databaseUrl ? { DATABASE_URL: location.databaseUrl } : {}) };
}

describe.each(storeEngines())('npm run sync on the $name store (in-process, demo mode)', (engine) => {
  it('--once backfills from the demo API server, prints progress lines and a summary, and exits 0', async () => {
    const location = await engine.location();
    const { code, stdout } = await runCli(['sync', '--once'], { env: envFor(location) });
    expect(code).toBe(0);
    expect(stdout).toMatch(/^Syncing .* with the demo API server…$/m);
    expect(stdout).toMatch(/^backfill: \d+\/16[78] hours, [\d,]+ records, \d+ requests$/m);
    expect(stdout).toMatch(/^Synced \(backfill pass of .* UTC\): [\d,]+ calls downloaded \([\d,]+ new, 0 changed\)/m);

    const store = await openCallStore({ ...location, retentionDays: 90 });
    try {
      const state = await store.readSyncState();
      expect(state).toMatchObject({ backfillDone: true, syncProblem: null });
      expect(
        await store.countCalls({ users: [], results: [], callTypes: [], mediaTypes: [], from: 0, to: 2 ** 31 }),
      ).toBeGreaterThan(2000);
    } finally {
      await store.close();
    }
  });

  it.each([[['--once']], [[]]])('%j refuses politely while another process holds the sync lease', async (args) => {
    const location = await engine.location();
    const store = await openCallStore({ ...location, retentionDays: 90 });
    try {
      expect(await store.acquireLease(SYNC_LEASE, 'the-app-process', 600)).toBe(true);
    } finally {
      await store.close();
    }
    const { code, stdout, stderr } = await runCli(['sync', ...args], { env: envFor(location) });
    expect(code).toBe(1);
    expect(stderr.split('\n').at(-1)).toBe(LEASE_HELD_MESSAGE);
    expect(stdout).not.toMatch(/^Synced/m);
  });
});

describe('npm run sync as a real process', () => {
  const sqlite = storeEngines()[0] as TestStoreEngine;

  /** Through npm, as a person runs it. */
  function npmRunSync(args: string[], location: StoreLocation): { child: ChildProcess; out: () => string } {
    const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...envFor(location) };
    const child = spawn('npm', ['run', '-s', 'sync', '--', ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    return { child, out: () => out };
  }

  const exitOf = (child: ChildProcess) =>
    new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));

  it('-- --once on a temp DATA_DIR prints progress lines (no terminal: plain lines) and exits 0', async () => {
    const { child, out } = npmRunSync(['--once'], await sqlite.location());
    expect(await exitOf(child)).toBe(0);
    expect(out()).toMatch(/Demo mode/);
    expect(out()).toMatch(/^backfill: \d+\/\d+ hours, [\d,]+ records, \d+ requests$/m);
    expect(out()).toMatch(/^Synced \(backfill pass/m);
  }, 60_000);

  it('without --once keeps syncing until SIGTERM, then exits 0', async () => {
    // Straight into node (no npm in between), so the signal reaches the command itself.
    const child = await runScript('src/cli.ts', ['sync'], {
      ...envFor(await sqlite.location()),
      SYNC_INTERVAL: '10s',
      TENCENT_SDKAPPID: '',
      DATABASE_URL: '',
    });
    await child.waitForOutput('Syncing every 10 s; stop with Ctrl-C.');
    child.process.kill('SIGTERM');
    expect(await child.exited).toBe(0);
    expect(child.output()).toMatch(/^Stopped\.$/m);
  }, 60_000);
});
