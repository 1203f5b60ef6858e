import { hostname } from 'node:os';
import { describe, expect, it } from 'vitest';
import { claimDataDir, DataDirInUseError } from '../../src/store/data-dir-claim.js';
import { runScript } from '../support/child-process.js';
import { sqliteEngine, storeEngines } from '../support/store-engines.js';

const OPEN_STORE = 'test/store/fixtures/open-store.ts';
const sqlite = sqliteEngine();

describe('one app process per DATA_DIR on the embedded store', () => {
  it('refuses a second process with a message naming the first and the way to share a store', async () => {
    const at = await sqlite.location();
    const store = await sqlite.open({ at });
    const claim = await claimDataDir(store, { dataDir: at.dataDir });
    const second = await runScript(OPEN_STORE, ['claim'], { STORE_DATA_DIR: at.dataDir });
    expect(await second.exited).toBe(3);
    expect(second.output()).toContain(
      `Another callkit-slack process (pid ${process.pid} on ${hostname()}) is using DATA_DIR ${at.dataDir}; ` +
        'the embedded store is for one process: set DATABASE_URL to share a PostgreSQL store between processes.',
    );
    await claim.release();
  });

  it('takes over at once from a process that was killed, and not while it runs', async () => {
    const at = await sqlite.location();
    const first = await runScript(OPEN_STORE, ['claim'], { STORE_DATA_DIR: at.dataDir });
    await first.waitForOutput('claimed');
    const pid = first.process.pid as number;
    const store = await sqlite.open({ at });
    await expect(claimDataDir(store, { dataDir: at.dataDir })).rejects.toThrow(`(pid ${pid} on ${hostname()})`);
    first.process.kill('SIGKILL');
    expect(await first.exited).toBe('SIGKILL');
    const claim = await claimDataDir(store, { dataDir: at.dataDir });
    await claim.release();
  });

  it('gives the DATA_DIR to the next process once released, and lets the same process claim again', async () => {
    const at = await sqlite.location();
    const store = await sqlite.open({ at });
    const claim = await claimDataDir(store, { dataDir: at.dataDir, pid: 101, hostname: 'here', isAlive: () => true });
    await claimDataDir(store, { dataDir: at.dataDir, pid: 101, hostname: 'here', isAlive: () => true });
    await expect(
      claimDataDir(store, { dataDir: at.dataDir, pid: 102, hostname: 'here', isAlive: () => true }),
    ).rejects.toThrow(DataDirInUseError);
    await claim.release();
    await (await claimDataDir(store, { dataDir: at.dataDir, pid: 102, hostname: 'here' })).release();
  });

  it('waits for the lease to expire when the holder runs on another host', async () => {
    let now = 1_000;
    const at = await sqlite.location();
    const store = await sqlite.open({ at, now: () => now });
    await claimDataDir(store, { dataDir: at.dataDir, pid: 7, hostname: 'elsewhere', ttlSeconds: 60 });
    const mine = { dataDir: at.dataDir, pid: 7, hostname: 'here', isAlive: () => false };
    await expect(claimDataDir(store, mine)).rejects.toThrow(/pid 7 on elsewhere/);
    now = 1_060;
    await (await claimDataDir(store, mine)).release();
  });

  const postgres = storeEngines().find((engine) => engine.name === 'postgres');
  // Skipped visibly (not returned from) when TEST_DATABASE_URL is unset.
  it.skipIf(postgres === undefined)('does nothing on PostgreSQL, where processes share the store', async () => {
    const store = await (postgres as NonNullable<typeof postgres>).open();
    const first = await claimDataDir(store, { dataDir: '.', pid: 1, hostname: 'a' });
    // On SQLite this second process on another host would be refused with DataDirInUseError.
    const second = claimDataDir(store, { dataDir: '.', pid: 2, hostname: 'b' });
    await expect(second).resolves.toHaveProperty('release');
    await (await second).release();
    await first.release();
  });
});
