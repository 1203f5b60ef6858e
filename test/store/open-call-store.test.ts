import { writeFileSync } from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { sql } from 'kysely';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { StoreUnavailableError } from '../../src/calls/call-store.js';
import { sqliteFilePath } from '../../src/store/create-engine.js';
import { MIGRATIONS as REGISTERED_MIGRATIONS } from '../../src/store/migrations/index.js';
import { openCallStore } from '../../src/store/open-call-store.js';
import { StoreRowError, StoreSchemaError } from '../../src/store/store-errors.js';
import { aCall, anyCall } from '../support/call-records.js';
import { runScript } from '../support/child-process.js';
import { sqliteEngine, storeEngines, type TestStoreEngine, testDatabaseUrl } from '../support/store-engines.js';

const OPEN_STORE = 'test/store/fixtures/open-store.ts';
// Every migration the code registers (features add theirs), in name order.
const MIGRATIONS = Object.keys(REGISTERED_MIGRATIONS).sort();

async function migrationNames(store: { db: Parameters<ReturnType<typeof sql>['execute']>[0] }): Promise<string[]> {
  const { rows } = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(store.db);
  return rows.map((row) => row.name);
}

describe.each(storeEngines())('$name store: opening and migrations', (engine) => {
  it('migrates once when three openers start at the same moment, and they share one store', async () => {
    const at = await engine.location();
    const stores = await Promise.all([1, 2, 3].map(() => engine.open({ at })));
    expect(await migrationNames(stores[0] as never)).toEqual(MIGRATIONS);
    const call = aCall();
    await stores[1]?.upsertCalls([call]);
    expect(await stores[2]?.getCall(call.callId)).toEqual(call);
  });

  it('migrates once when three processes open the same fresh store at once', async () => {
    const at = await engine.location();
    const env = { STORE_DATA_DIR: at.dataDir, STORE_DATABASE_URL: at.databaseUrl ?? '' };
    const children = await Promise.all([1, 2, 3].map(() => runScript(OPEN_STORE, ['open'], env)));
    expect(await Promise.all(children.map((child) => child.exited))).toEqual([0, 0, 0]);
    for (const child of children) expect(JSON.parse(child.output())).toEqual(MIGRATIONS);
  });

  it('refuses a schema newer than this code knows, with a clear message, and leaves it untouched', async () => {
    const at = await engine.location();
    const store = await engine.open({ at });
    await store.db
      .insertInto('kysely_migration' as never)
      .values({ name: '999_from_a_newer_version', timestamp: new Date().toISOString() } as never)
      .execute();
    const opening = openCallStore({ ...at, retentionDays: 90 });
    await expect(opening).rejects.toThrow(StoreSchemaError);
    await expect(opening).rejects.toThrow(
      /migrated by a newer version of callkit-slack \(it has migration 999_from_a_newer_version, which this version does not know\)/,
    );
    expect(await migrationNames(store)).toEqual([...MIGRATIONS, '999_from_a_newer_version']);
  });

  it('skips a stored call that does not parse (never fails the page), and reports bad sync state as a typed error', async () => {
    const store = await engine.open();
    const call = aCall();
    await store.upsertCalls([call]);
    await store.db.updateTable('calls').set({ callees: 'not json' }).where('call_id', '=', call.callId).execute();
    const good = aCall();
    await store.upsertCalls([good]);
    await expect(store.getCall(call.callId)).resolves.toBeNull();
    const page = await store.findCalls(anyCall(), { limit: 10 });
    expect(page.map((found) => found.callId)).toEqual([good.callId]);
    await store.db.updateTable('sync_state').set({ backfill_done: 7 }).execute();
    await expect(store.readSyncState()).rejects.toThrow(StoreRowError);
  });
});

describe('the store unavailable', () => {
  it('SQLite: a DATA_DIR that cannot be created', async () => {
    const { dataDir } = await sqliteEngine().location();
    const blocker = path.join(dataDir, 'a-file');
    writeFileSync(blocker, '');
    const opening = openCallStore({ dataDir: path.join(blocker, 'data'), retentionDays: 90 });
    await expect(opening).rejects.toThrow(StoreUnavailableError);
    await expect(opening).rejects.toThrow(/^DATA_DIR \(.+\) is not a folder: a file is in its way; point DATA_DIR at/);
  });

  it('SQLite: another connection holding the write lock past the busy timeout, then released', async () => {
    const at = await sqliteEngine().location();
    const store = await openCallStore({ ...at, retentionDays: 90 });
    await sql`pragma busy_timeout = 50`.execute(store.db);
    const other = new SQLite(sqliteFilePath(at.dataDir));
    other.exec('begin immediate');
    try {
      await expect(store.upsertCalls([aCall()])).rejects.toThrow(StoreUnavailableError);
      expect(await store.countCalls(anyCall())).toBe(0); // WAL: reading goes on meanwhile
    } finally {
      other.exec('rollback');
      other.close();
    }
    expect((await store.upsertCalls([aCall()])).inserted).toHaveLength(1);
    await store.close();
  });

  it.skipIf(!testDatabaseUrl())('PostgreSQL: connections dropped by the server are replaced by the pool', async () => {
    const postgres = storeEngines()[1] as TestStoreEngine;
    const at = await postgres.location();
    const url = new URL(at.databaseUrl as string);
    const name = `store-test-${process.pid}-${Date.now()}`;
    url.searchParams.set('application_name', name);
    const store = await postgres.open({ at: { ...at, databaseUrl: url.toString() } });
    await store.upsertCalls([aCall()]);
    const admin = new pg.Client({ connectionString: testDatabaseUrl() as string });
    await admin.connect();
    try {
      const { rows } = await admin.query(
        'select pg_terminate_backend(pid) as ended from pg_stat_activity where application_name = $1',
        [name],
      );
      expect(rows.length).toBeGreaterThan(0);
    } finally {
      await admin.end();
    }
    // Queries may still meet connections that are going away (at most one per pooled connection): they fail as
    // "unavailable", never as a bug, and the pool then answers again on new connections.
    const answers: unknown[] = [];
    for (let attempt = 0; attempt <= 10 && answers.at(-1) !== 1; attempt++) {
      answers.push(await store.countCalls(anyCall()).catch((error: unknown) => error));
    }
    expect(answers.at(-1)).toBe(1);
    for (const failure of answers.slice(0, -1)) expect(failure).toBeInstanceOf(StoreUnavailableError);
  });

  it.skipIf(!testDatabaseUrl())('PostgreSQL: a server that refuses connections', async () => {
    const opening = openCallStore({
      databaseUrl: 'postgres://postgres@127.0.0.1:1/none',
      dataDir: '.',
      retentionDays: 90,
    });
    await expect(opening).rejects.toThrow(StoreUnavailableError);
  });
});
