import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportCalls } from '../../src/calls/export-calls.js';
import type { CallRecord } from '../../src/calls/records.js';
import { type DemoServer, startDemoServer } from '../../src/demo/server.js';
import { openCallStore } from '../../src/store/open-call-store.js';
import { createUserNames } from '../../src/store/user-names.js';
import { aCall } from '../support/call-records.js';
import { runCli } from '../support/cli.js';

const NOW = Math.floor(Date.now() / 1000);
let dataDir: string;
let calls: CallRecord[];
let server: DemoServer;
/** Live mode against a local Tencent server: the CLI reads the store in DATA_DIR as it is (no sync). */
let env: Record<string, string>;

beforeAll(async () => {
  server = await startDemoServer({ records: [] });
  dataDir = mkdtempSync(path.join(tmpdir(), 'callkit-cli-csv-'));
  env = {
    DATA_DIR: dataDir,
    TENCENT_SDKAPPID: String(server.sdkAppId),
    TENCENT_SECRET_KEY: server.secretKey,
    TENCENT_ADMIN_USER: server.adminUser,
    TENCENT_API_BASE_URL: server.url,
  };
  const store = await openCallStore({ dataDir, retentionDays: 90 });
  calls = [
    aCall({ startTime: NOW - 3600, caller: '147', callees: ['369'] }),
    aCall({ startTime: NOW - 7200, caller: 'bob_k', callees: ['147', 'x,y'], roomId: '=HYPERLINK("x")' }),
    aCall({ startTime: NOW - 10_800, caller: '3423', callees: ['10001'] }),
  ];
  await store.upsertCalls(calls);
  await createUserNames(store.db, store.engine).saveNames(
    [
      { userId: '147', name: 'Alice Wong' },
      { userId: 'bob_k', name: '<!channel> Bob' },
      { userId: '3423', name: 'José Núñez' },
    ],
    NOW,
  );
  await store.writeSyncState({ coveredFrom: NOW - 30 * 86_400, backfillDone: true, lastSyncAt: NOW });
  await store.close();
});
afterAll(async () => {
  rmSync(dataDir, { recursive: true, force: true });
  await server.close();
});

const csvRun = (text: string, extra: string[] = []) =>
  runCli(['calls', text, '--csv', ...extra], { env, now: () => NOW });

describe('npm run calls -- "<query>" --csv', () => {
  it('prints exactly the file Export CSV sends: every call of the search, newest first, with names', async () => {
    const { code, stdout, stderr } = await csvRun('user:147 last:1d', ['--tz', 'Asia/Shanghai']);
    expect(code).toBe(0);
    expect(stderr).toContain('The file holds all 2 calls of the search.');
    const rows = parse(`${stdout}\n`, { bom: true }) as string[][];
    expect(rows.map((row) => row[10])).toEqual(['CallId', calls[0]?.callId, calls[1]?.callId]);
    expect(rows[2]?.slice(6, 10)).toEqual(['bob_k', '147; x,y', '<!channel> Bob', 'Alice Wong; ']);
    expect(rows[2]?.[11]).toBe('\'=HYPERLINK("x")');
    expect(rows[1]?.[0]).toMatch(/\+08:00$/);

    const store = await openCallStore({ dataDir, retentionDays: 90 });
    try {
      const file = await exportCalls(
        store,
        createUserNames(store.db, store.engine),
        {
          users: ['147'],
          results: [],
          callTypes: [],
          mediaTypes: [],
          from: NOW - 86_400,
          to: NOW,
          timeZone: 'Asia/Shanghai',
        },
        { timeZone: 'Asia/Shanghai' },
      );
      // runCli joins lines with \n and the real CLI ends each with one: the file, byte for byte.
      expect(`${stdout}\n`).toBe(file.csv);
    } finally {
      await store.close();
    }
  });

  it('finds users by name, accents optional, and says who matched', async () => {
    const { code, stdout, stderr } = await csvRun('name:"jose nu" last:1d');
    expect(code).toBe(0);
    expect(stderr).toContain('name:"jose nu" matched José Núñez (`3423`).');
    const rows = parse(`${stdout}\n`, { bom: true }) as string[][];
    expect(rows.slice(1).map((row) => row[10])).toEqual([calls[2]?.callId]);
  });

  it('says so when no name matches, and refuses --csv with id: or --json', async () => {
    const none = await csvRun('name:nobody');
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('No user\'s name contains "nobody"');
    expect(none.stdout).toBe('');
    expect((await csvRun('id:abc')).code).toBe(2);
    expect((await csvRun('user:147', ['--json'])).code).toBe(2);
  });

  it('shows names in the table of a search by name, and IDs alone for users without one', async () => {
    const { code, stdout } = await runCli(['calls', 'name:"alice wong" last:2d'], { env, now: () => NOW });
    expect(code).toBe(0);
    expect(stdout).toContain('Alice Wong (147) →');
    expect(stdout).toContain('calls of Alice Wong (`147`)');
    expect(stdout).toContain('note: name:"alice wong" matched Alice Wong (`147`).');
  });
});
