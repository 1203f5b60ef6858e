/**
 * PostgreSQL going away under a running store (also with several processes on it): through a TCP proxy that the test cuts, so the
 * machine's PostgreSQL, shared with other test files, is never restarted. While cut, every operation fails with
 * `StoreUnavailableError` (the sentence people see), the idle connections the pool loses never crash the process,
 * and after the restore the same store object works again without being reopened.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StoreUnavailableError } from '../../src/calls/call-store.js';
import type { CallStore } from '../../src/store/open-call-store.js';
import { aCall, anyCall } from '../support/call-records.js';
import { captureLogs } from '../support/logs.js';
import { storeEngines, testDatabaseUrl } from '../support/store-engines.js';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy.js';
import { waitFor } from '../support/wait.js';

const postgres = storeEngines().find((engine) => engine.name === 'postgres');

describe.skipIf(postgres === undefined)('PostgreSQL store behind a connection that is cut', () => {
  let proxy: TcpProxy;
  let store: CallStore;
  const logs = captureLogs('warn');

  beforeAll(async () => {
    const url = new URL(testDatabaseUrl() as string);
    proxy = await startTcpProxy({ host: url.hostname, port: Number(url.port || 5432) });
    const at = await (postgres as NonNullable<typeof postgres>).location();
    store = await (postgres as NonNullable<typeof postgres>).open({
      at: { ...at, databaseUrl: proxy.rewrite(at.databaseUrl as string) },
      logger: logs.logger,
    });
  });
  afterAll(async () => {
    await store?.close();
    await proxy?.close();
  });

  for (const mode of ['refuse', 'reset'] as const) {
    it(`fails with StoreUnavailableError while cut (${mode}), then works again by itself`, async () => {
      const call = aCall({ caller: `outage-${mode}` });
      await store.upsertCalls([call]);
      // Several idle connections in the pool, all lost at once by the cut.
      await Promise.all(Array.from({ length: 4 }, () => store.countCalls(anyCall())));
      expect(proxy.openConnections()).toBeGreaterThan(0);
      const lostBefore = connectionsLost();

      await proxy.cut({ mode });
      // Each idle client's end reaches the pool's 'error' event: handled (logged), never an uncaught exception.
      await waitFor(() => connectionsLost() > lostBefore, { what: 'the pool to report its lost connections' });

      for (const attempt of [
        () => store.findCalls(anyCall({ users: [call.caller] }), { limit: 10 }),
        () => store.countCalls(anyCall()),
        () => store.upsertCalls([aCall()]),
        () => store.readSyncState(),
        () => store.acquireLease('sync', 'me', 30),
      ]) {
        const error = await attempt().then(
          () => null,
          (caught: unknown) => caught,
        );
        expect(error).toBeInstanceOf(StoreUnavailableError);
        expect((error as Error).message).toMatch(/^The call-record store is unavailable/);
      }

      await proxy.restore();
      expect(await store.findCalls(anyCall({ users: [call.caller] }), { limit: 10 })).toEqual([call]);
    });
  }

  it('survives losing a connection that a transaction holds between two statements', async () => {
    let inside!: () => void;
    const entered = new Promise<void>((resolve) => {
      inside = resolve;
    });
    let release!: () => void;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const transaction = store.db.transaction().execute(async (trx) => {
      await sql`select 1`.execute(trx);
      inside();
      await held;
      await sql`select 1`.execute(trx);
    });
    await entered;
    // The checked-out client loses its connection while nothing runs on it: no query of its to fail, so pg emits
    // 'error' on the client itself. Unhandled, that would be an uncaught exception (this file would fail).
    await proxy.cut();
    await waitFor(() => proxy.openConnections() === 0, { what: 'the proxy to drop every connection' });
    release();
    await expect(transaction).rejects.toThrow(/not queryable|Connection terminated/);
    await proxy.restore();
    expect(await store.countCalls(anyCall())).toBeGreaterThanOrEqual(0);
  });

  function connectionsLost(): number {
    return logs.entries().filter((entry) => entry.msg === 'PostgreSQL connection lost; the pool will reconnect').length;
  }
});
