import { describe, expect, it } from 'vitest';
import { aCall } from '../support/call-records.js';
import { storeEngines } from '../support/store-engines.js';

describe.each(storeEngines())('$name store: leases', (engine) => {
  it('gives a lease to one holder at a time; the holder extends it; an expired one can be taken', async () => {
    let now = 1_000;
    const at = await engine.location();
    const [a, b] = [await engine.open({ at, now: () => now }), await engine.open({ at, now: () => now })];
    expect(await a.acquireLease('sync', 'A', 60)).toBe(true);
    expect(await b.acquireLease('sync', 'B', 60)).toBe(false);
    now = 1_050;
    expect(await a.acquireLease('sync', 'A', 60)).toBe(true); // now held until 1_110
    now = 1_100;
    expect(await b.acquireLease('sync', 'B', 60)).toBe(false);
    now = 1_110;
    expect(await b.acquireLease('sync', 'B', 60)).toBe(true);
    expect(await a.acquireLease('sync', 'A', 60)).toBe(false);
    expect(await b.acquireLease('summary', 'A', 60)).toBe(true); // names are independent
  });

  it('lets only the holder release a lease', async () => {
    const store = await engine.open({ now: () => 1_000 });
    expect(await store.acquireLease('sync', 'A', 60)).toBe(true);
    await store.releaseLease('sync', 'B');
    expect(await store.acquireLease('sync', 'B', 60)).toBe(false);
    await store.releaseLease('sync', 'A');
    expect(await store.acquireLease('sync', 'B', 60)).toBe(true);
  });

  it('gives a free lease to exactly one of several processes asking at once', async () => {
    const at = await engine.location();
    const stores = await Promise.all([1, 2, 3].map(() => engine.open({ at })));
    const won = await Promise.all(stores.map((store, i) => store.acquireLease('sync', `P${i}`, 60)));
    expect(won.filter(Boolean)).toHaveLength(1);
  });
});

describe.each(storeEngines())('$name store: sync state and coverage', (engine) => {
  it('starts empty', async () => {
    const store = await engine.open({ retentionDays: 30 });
    expect(await store.readSyncState()).toEqual({
      coveredFrom: null,
      backfillDone: false,
      lastSyncAt: null,
      lastFullReconcileAt: null,
      syncProblem: null,
      invalidRecords: 0,
    });
    expect(await store.coverage()).toEqual({
      engine: engine.name,
      coveredFrom: null,
      oldestCall: null,
      lastSyncAt: null,
      backfillDone: false,
      syncProblem: null,
      writeProblem: null,
      invalidRecords: 0,
      retentionDays: 30,
    });
  });

  it('round-trips every field, patches only what is given, and clears a problem with null', async () => {
    const at = await engine.location();
    const store = await engine.open({ at });
    const problem = { at: 1_790_000_100, kind: 'auth', message: 'Tencent refused the secret key.' };
    await store.writeSyncState({
      coveredFrom: 1_790_000_000,
      backfillDone: true,
      lastSyncAt: 1_790_000_050,
      lastFullReconcileAt: 1_790_000_060,
      syncProblem: problem,
    });
    await store.addInvalidRecords(2);
    await store.addInvalidRecords(3);
    await store.writeSyncState({ lastSyncAt: 1_790_000_070 });
    const reopened = await engine.open({ at });
    expect(await reopened.readSyncState()).toEqual({
      coveredFrom: 1_790_000_000,
      backfillDone: true,
      lastSyncAt: 1_790_000_070,
      lastFullReconcileAt: 1_790_000_060,
      syncProblem: problem,
      invalidRecords: 5,
    });
    await store.writeSyncState({ syncProblem: null, coveredFrom: null });
    expect(await store.readSyncState()).toMatchObject({ syncProblem: null, coveredFrom: null, backfillDone: true });
  });

  it('reports the oldest stored call in the coverage', async () => {
    const store = await engine.open();
    await store.upsertCalls([aCall({ startTime: 1_700_000_500 }), aCall({ startTime: 1_700_000_100 })]);
    expect((await store.coverage()).oldestCall).toBe(1_700_000_100);
  });
});
