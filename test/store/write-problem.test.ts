/**
 * A store that answers reads but refuses writes (a full disk, for real: SQLite at its page limit, PostgreSQL's
 * disk_full error from the server) reports it in coverage() and /healthz until a write succeeds again.
 */
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { StoreUnavailableError } from '../../src/calls/call-store.js';
import type { CallStore } from '../../src/store/open-call-store.js';
import { healthOf } from '../../src/wiring/health-route.js';
import { aCall, anyCall } from '../support/call-records.js';
import { storeEngines } from '../support/store-engines.js';

/** Makes the disk "full" for the store's writes; returns how to free it. */
async function fillDisk(store: CallStore): Promise<() => Promise<void>> {
  if (store.engine === 'sqlite') {
    const { rows } = await sql<{ page_count: number }>`pragma page_count`.execute(store.db);
    await sql.raw(`pragma max_page_count = ${rows[0]?.page_count ?? 1}`).execute(store.db);
    return async () => void (await sql.raw('pragma max_page_count = 1073741823').execute(store.db));
  }
  // What PostgreSQL raises when it cannot extend a table's file.
  await sql
    .raw(`create function callkit_disk_full() returns trigger language plpgsql as $$
      begin raise exception 'could not extend file: No space left on device' using errcode = 'disk_full'; end $$;
      create trigger callkit_disk_full before insert or update on calls
        for each statement execute function callkit_disk_full();`)
    .execute(store.db);
  return async () =>
    void (await sql
      .raw('drop trigger callkit_disk_full on calls; drop function callkit_disk_full();')
      .execute(store.db));
}

describe.each(storeEngines())('$name store: writes that fail while reads work', (engine) => {
  it('are reported by coverage() and /healthz (503, writeProblem) until a write succeeds', async () => {
    const store = await engine.open();
    try {
      await store.upsertCalls([aCall()]);
      expect((await healthOf(() => store.coverage())).ok).toBe(true);

      const free = await fillDisk(store);
      const many = Array.from({ length: 2_000 }, () => aCall({ roomId: 'r'.repeat(200) }));
      await expect(store.upsertCalls(many)).rejects.toThrow(StoreUnavailableError);
      expect(await store.countCalls(anyCall())).toBe(1);
      const health = await healthOf(() => store.coverage());
      expect(health.ok).toBe(false);
      expect(health.store.engine).toBe(store.engine);
      expect(health.store.writeProblem?.message).toMatch(/^The call-record store is unavailable \(.*(full|space)/i);
      expect(Date.parse(health.store.writeProblem?.since ?? '')).not.toBeNaN();

      await free();
      await store.upsertCalls([aCall()]);
      const healed = await healthOf(() => store.coverage());
      expect(healed).toMatchObject({ ok: true, store: { writeProblem: null } });
    } finally {
      await store.close();
    }
  });
});
