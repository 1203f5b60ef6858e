import { afterEach, describe, expect, it } from 'vitest';
import { StoreUnavailableError } from '../../src/calls/call-store.js';
import type { CallRecordsApi } from '../../src/calls/record-source.js';
import { leaseTtlSeconds, startSync } from '../../src/jobs/sync-job.js';
import { storeEngines } from '../support/store-engines.js';
import { waitFor } from '../support/wait.js';
import { clientFor, type SyncFixture, syncFixture, T0, wireCall } from '../sync/sync-fixture.js';

/** The Tencent API through whichever client is current: to fix a wrong secret key between two passes. */
function switchable(initial: CallRecordsApi): CallRecordsApi & { use(api: CallRecordsApi): void } {
  let current = initial;
  return {
    use(api) {
      current = api;
    },
    getRecordsByFilter: (filter, options) => current.getRecordsByFilter(filter, options),
    getRecordByCallId: (callId, options) => current.getRecordByCallId(callId, options),
    countRecords: (filter, options) => current.countRecords(filter, options),
    scan: (filter, options) => current.scan(filter, options),
  };
}

describe.each(storeEngines())('the sync job on the $name store', (engine) => {
  let fixture: SyncFixture | undefined;
  afterEach(async () => {
    await fixture?.close();
    fixture = undefined;
  });

  it('a refused secret key becomes the sync problem in the words Slack uses, and the next good pass clears it', async () => {
    fixture = await syncFixture(engine);
    const wrong = clientFor(fixture.demo, fixture.clock, 'not-the-secret-key-of-this-sdkappid');
    const api = switchable(wrong);
    const job = fixture.start({ api });

    const failed = await job.runOnce();
    expect(failed.outcome).toBe('failed');
    expect(failed.problem).toMatchObject({ kind: 'auth', at: T0 });
    expect(failed.problem?.message).toMatch(/^The app cannot sign in to Tencent: .*TENCENT_SECRET_KEY/);
    expect((await fixture.store.readSyncState()).syncProblem).toEqual(failed.problem);
    expect(fixture.logs.text()).not.toContain('not-the-secret-key');

    // Still failing a minute later: the problem keeps the time it began.
    fixture.clock.t += 60;
    expect((await job.runOnce()).problem).toMatchObject({ kind: 'auth', at: T0 });
    expect((await fixture.store.readSyncState()).syncProblem?.at).toBe(T0);
    expect(job.status.consecutiveFailures).toBe(2);

    api.use(fixture.api);
    fixture.clock.t += 60;
    const fixed = await job.runOnce();
    expect(fixed).toMatchObject({ outcome: 'synced', kind: 'backfill', problem: null });
    expect(await fixture.store.readSyncState()).toMatchObject({ syncProblem: null, lastSyncAt: T0 + 120 });
    await wrong.close();
  });

  it('two syncers on one store: one syncs; when it stops renewing, the other takes over after the lease TTL', async () => {
    fixture = await syncFixture(engine);
    const first = fixture.start({ holderId: 'process-a' });
    const second = fixture.start({ holderId: 'process-b' });
    const ttl = leaseTtlSeconds(60);
    expect(ttl).toBe(90);

    expect(await first.runOnce()).toMatchObject({ outcome: 'synced', kind: 'backfill' });
    fixture.demo.resetStats();
    expect(await second.runOnce()).toMatchObject({ outcome: 'standby', requests: 0 });
    expect(second.status.role).toBe('standby');
    expect(fixture.demo.stats.requests).toBe(0);

    // process-a "dies": it never renews nor releases. Its lease outlives one missed interval…
    fixture.clock.t += ttl - 1;
    expect((await second.runOnce()).outcome).toBe('standby');
    // …and is taken 1.5 intervals after its last renewal; standbys ask every half interval, so within two.
    fixture.clock.t += 1;
    fixture.demo.addRecords([wireCall('during-failover', fixture.clock.t - 120, fixture.clock.t - 60)]);
    const takeover = await second.runOnce();
    expect(takeover).toMatchObject({ outcome: 'synced', kind: 'full' });
    expect(second.status.role).toBe('syncing');
    expect(await fixture.store.getCall('during-failover')).not.toBeNull();
    // The old holder, back from the dead, finds the lease taken and does nothing.
    expect((await first.runOnce()).outcome).toBe('standby');
  });

  it('stopping releases the lease at once', async () => {
    fixture = await syncFixture(engine);
    const first = fixture.start({ holderId: 'process-a' });
    const second = fixture.start({ holderId: 'process-b' });
    await first.runOnce();
    await first.stop();
    expect(first.status.role).toBe('stopped');
    expect((await first.runOnce()).outcome).toBe('stopped');
    expect((await second.runOnce()).outcome).toBe('synced');
  });

  it('a store outage is retried, and the first pass after it compares every hour', async () => {
    fixture = await syncFixture(engine);
    let down = false;
    const store = fixture.store;
    const guarded = {
      ...store,
      countCalls: (filter: Parameters<typeof store.countCalls>[0]) => {
        if (down) return Promise.reject(new StoreUnavailableError('connection refused'));
        return store.countCalls(filter);
      },
      readSyncState: () => store.readSyncState(),
      writeSyncState: (patch: Parameters<typeof store.writeSyncState>[0]) => store.writeSyncState(patch),
      addInvalidRecords: (count: number) => store.addInvalidRecords(count),
      acquireLease: (name: string, holder: string, ttl: number) => store.acquireLease(name, holder, ttl),
      releaseLease: (name: string, holder: string) => store.releaseLease(name, holder),
      deleteCallsBefore: (t: number) => store.deleteCallsBefore(t),
      upsertCalls: (records: Parameters<typeof store.upsertCalls>[0]) => store.upsertCalls(records),
    };
    const job = fixture.start({ store: guarded });
    await job.runOnce();
    fixture.clock.t += 60;
    expect((await job.runOnce()).kind).toBe('quiet');

    down = true;
    fixture.clock.t += 60;
    const failed = await job.runOnce();
    expect(failed.outcome).toBe('failed');
    expect(failed.problem).toMatchObject({
      kind: 'store',
      message: 'The call-record store is unavailable; the sync keeps retrying.',
    });

    down = false;
    fixture.clock.t += 60;
    const recovered = await job.runOnce();
    expect(recovered).toMatchObject({ outcome: 'synced', kind: 'full', problem: null });
    expect((await store.readSyncState()).syncProblem).toBeNull();
  });

  it('on its own schedule, a failed pass is retried with backoff, well before the next interval', async () => {
    fixture = await syncFixture(engine);
    const wrong = clientFor(fixture.demo, fixture.clock, 'not-the-secret-key-of-this-sdkappid');
    const api = switchable(wrong);
    const job = fixture.start({ api, schedule: true, intervalSeconds: 3600, retry: { baseMs: 200, floorMs: 100 } });
    // The first retry waits 0.1 to 0.2 s (the interval is an hour): a second failure can only come from the backoff.
    await waitFor(() => job.status.consecutiveFailures >= 2, { timeoutMs: 10_000, what: 'a retry' });
    api.use(fixture.api);
    await waitFor(() => job.status.lastReport?.outcome === 'synced', { timeoutMs: 15_000, what: 'a good pass' });
    expect((await fixture.store.readSyncState()).syncProblem).toBeNull();
    await job.stop();
    await wrong.close();
  });

  it('on its own schedule, the holder syncs without being asked', async () => {
    fixture = await syncFixture(engine);
    const f = fixture;
    const job = startSync({
      api: f.api,
      store: f.store,
      feed: { subscribe: () => () => {}, publish: async () => {} },
      logger: f.logs.logger,
      intervalSeconds: 60,
      retentionDays: 90,
      now: f.clock.now,
    });
    try {
      await waitFor(() => job.status.lastReport?.outcome === 'synced');
      expect(job.status.role).toBe('syncing');
      expect((await f.store.readSyncState()).backfillDone).toBe(true);
    } finally {
      await job.stop();
    }
  });
});
