import { afterEach, describe, expect, it } from 'vitest';
import { generateDataset } from '../../src/demo/dataset.js';
import { backfillWindow, reconcileWindow } from '../../src/sync/buckets.js';
import { storeEngines } from '../support/store-engines.js';
import { DAY, HOUR, type SyncFixture, syncFixture, T0, wireCall } from './sync-fixture.js';

const WINDOW = reconcileWindow(T0, { tencentRetentionSeconds: 7 * DAY, retentionDays: 90 });
const BACKFILL = backfillWindow(T0, { tencentRetentionSeconds: 7 * DAY, retentionDays: 90 });

describe.each(storeEngines())('sync on the $name store', (engine) => {
  let fixture: SyncFixture | undefined;
  afterEach(async () => {
    await fixture?.close();
    fixture = undefined;
  });

  it('first backfill fills the store newest hour first, and coverage never claims a call it does not hold', async () => {
    fixture = await syncFixture(engine);
    const f = fixture;
    const claims: { coveredFrom: number; stored: number; atTencent: number }[] = [];
    const write = f.store.writeSyncState.bind(f.store);
    f.store.writeSyncState = async (patch) => {
      await write(patch);
      if (typeof patch.coveredFrom === 'number') {
        const stored = await f.storeCount(patch.coveredFrom, T0 + 1);
        claims.push({ coveredFrom: patch.coveredFrom, stored, atTencent: f.demoCount(patch.coveredFrom, T0 + 1) });
      }
    };
    // Days of more than 100 calls are split into hours (the default of 1,000 would take a quiet day whole).
    const report = await f.start({ tuning: { leafMaxRecords: 100 } }).runOnce();

    expect(report).toMatchObject({ outcome: 'synced', kind: 'backfill', problem: null });
    const expected = f.demoCount(BACKFILL.from, T0 + 1);
    expect(report.received).toBe(expected);
    expect(await f.storeCount(0, T0 + 1)).toBe(expected);
    expect(f.published).toHaveLength(expected);
    // Coverage moved back hour by hour from the current hour, and each claim held when it was made.
    // (Several hours download at once, so the first claim may already reach back a few hours.)
    expect(claims[0]?.coveredFrom).toBeGreaterThanOrEqual(T0 - 6 * HOUR);
    expect(claims.at(-1)?.coveredFrom).toBe(BACKFILL.from);
    expect(claims.length).toBeGreaterThan(50);
    for (let i = 1; i < claims.length; i++) {
      expect(claims[i]?.coveredFrom).toBeLessThanOrEqual(claims[i - 1]?.coveredFrom as number);
      // Whole hours, down to the edge of Tencent's 7 days.
      if (claims[i]?.coveredFrom !== BACKFILL.from) expect((claims[i]?.coveredFrom as number) % HOUR).toBe(0);
    }
    for (const claim of claims) expect(claim.stored).toBe(claim.atTencent);
    const state = await f.store.readSyncState();
    expect(state).toMatchObject({
      coveredFrom: BACKFILL.from,
      backfillDone: true,
      lastSyncAt: T0,
      lastFullReconcileAt: T0,
      syncProblem: null,
      invalidRecords: 0,
    });
  });

  it("the first backfill reaches Tencent's edge: calls of its oldest part-hour are stored before they age out", async () => {
    // 167.6 hours old: inside Tencent's 7 days (168 h), before the first whole hour inside them.
    const old = wireCall('old-call', T0 - Math.round(167.6 * HOUR), T0 - Math.round(167.6 * HOUR) + 60);
    const edge = wireCall('edge-call', T0 - 7 * DAY + 5 * 60, T0 - 7 * DAY + 6 * 60);
    fixture = await syncFixture(engine, { records: [old, edge, wireCall('new-call', T0 - HOUR, T0 - HOUR + 60)] });
    const job = fixture.start();
    const report = await job.runOnce();
    expect(report).toMatchObject({ outcome: 'synced', kind: 'backfill', problem: null, received: 3 });
    expect(old.StartTime).toBeLessThan(WINDOW.from);
    expect(await fixture.store.getCall('old-call')).toMatchObject({ startTime: old.StartTime });
    expect(await fixture.store.getCall('edge-call')).toMatchObject({ startTime: edge.StartTime });
    expect((await fixture.store.readSyncState()).coveredFrom).toBeLessThanOrEqual(edge.StartTime);

    // The passes after it keep the whole-hour window: a quiet pass is still one count.
    fixture.clock.t += 60;
    fixture.demo.resetStats();
    expect(await job.runOnce()).toMatchObject({ outcome: 'synced', kind: 'quiet', requests: 1, received: 0 });
  });

  it('a quiet reconcile with nothing new costs exactly one Tencent request: the count of the whole window', async () => {
    fixture = await syncFixture(engine);
    const job = fixture.start();
    await job.runOnce();
    fixture.clock.t += 60;
    fixture.demo.resetStats();
    const report = await job.runOnce();
    expect(report).toMatchObject({ outcome: 'synced', kind: 'quiet', requests: 1, countRequests: 1, received: 0 });
    expect(fixture.demo.stats.requests).toBe(1);
    expect((await fixture.store.readSyncState()).lastSyncAt).toBe(T0 + 60);
  });

  it('the next reconcile picks up a new call and a long call that started yesterday and just ended', async () => {
    fixture = await syncFixture(engine);
    const job = fixture.start();
    await job.runOnce();
    fixture.clock.t += 60;
    const fresh = wireCall('fresh-call', T0 + 20, T0 + 50);
    const long = wireCall('long-call', T0 - 15 * HOUR, T0 + 55, { CallType: 'MultiCall' });
    fixture.demo.addRecords([fresh, long]);
    fixture.published.length = 0;

    const report = await job.runOnce();

    expect(report).toMatchObject({ outcome: 'synced', kind: 'quiet', inserted: 2, bucketsDownloaded: 2 });
    expect(await fixture.store.getCall('fresh-call')).toMatchObject({ startTime: T0 + 20 });
    expect(await fixture.store.getCall('long-call')).toMatchObject({ startTime: T0 - 15 * HOUR, endTime: T0 + 55 });
    expect(fixture.published.map((call) => call.callId).sort()).toEqual(['fresh-call', 'long-call']);
    // Window, today and yesterday; today's hours until the new call (the newest), yesterday's from 23:00 back
    // to 21:00, where the long call started; and one page for each of the two hours that differ.
    expect(report.countRequests).toBe(1 + 2 + 1 + 3);
    expect(report.requests).toBe(report.countRequests + 2);
  });

  it('in a busy hour, downloads only the small part where a late call appeared, not the whole hour', async () => {
    const busyHour = T0 - 3 * HOUR - 1800; // 09:00 UTC
    const busy = Array.from({ length: 600 }, (_, i) => wireCall(`busy-${i}`, busyHour + i * 6, busyHour + i * 6 + 30));
    const records = generateDataset({ seed: 13, now: T0, callsPerDay: 100 });
    fixture = await syncFixture(engine, { records: [...records, ...busy] });
    const job = fixture.start({ tuning: { leafMaxRecords: 100 } });
    await job.runOnce();
    fixture.clock.t += 60;
    fixture.demo.addRecords([wireCall('late-in-busy-hour', busyHour + 1234, T0 + 30)]);

    const report = await job.runOnce();
    expect(report).toMatchObject({ outcome: 'synced', kind: 'quiet', inserted: 1, bucketsDownloaded: 1 });
    // The hour (~600 calls) splits into 10 minutes (~100, still above the 100 of a leaf), then into minutes; only
    // the minute that differs is downloaded.
    expect(report.received).toBe(fixture.demoCount(busyHour + 1200, busyHour + 1260));
    expect(report.received).toBeLessThan(20);
    expect(await fixture.store.getCall('late-in-busy-hour')).not.toBeNull();
  });

  it('keeps the calls Tencent forgets after its retention, and deletes what is older than RETENTION_DAYS', async () => {
    fixture = await syncFixture(engine, { retentionDays: 10 });
    const job = fixture.start();
    await job.runOnce();
    const oldest = fixture.demo.records.find((record) => record.StartTime >= WINDOW.from);
    expect(oldest).toBeDefined();

    // Three days later Tencent no longer lists the first days; the daily full pass must not lose them.
    fixture.clock.t += 3 * DAY;
    const later = await job.runOnce();
    expect(later).toMatchObject({ outcome: 'synced', kind: 'full', deleted: 0 });
    expect(await fixture.store.getCall(oldest?.CallId as string)).not.toBeNull();
    expect(await fixture.storeCount(WINDOW.from, T0 + 1)).toBe(fixture.demoCount(WINDOW.from, T0 + 1));
    fixture.clock.t += 60;
    expect(await job.runOnce()).toMatchObject({ kind: 'quiet', requests: 1 });

    // Past RETENTION_DAYS (10) the store deletes them.
    fixture.clock.t += 2 * DAY;
    const cutoff = fixture.clock.t - 10 * DAY;
    const pruned = await job.runOnce();
    expect(pruned.kind).toBe('full');
    expect(pruned.deleted).toBe(fixture.demoCount(BACKFILL.from, cutoff));
    expect(pruned.deleted).toBeGreaterThan(0);
    expect(await fixture.storeCount(0, cutoff)).toBe(0);
    expect(await fixture.store.getCall(oldest?.CallId as string)).toBeNull();
    expect((await fixture.store.readSyncState()).coveredFrom).toBe(cutoff);
  });

  it('counts records that fail validation, stores the rest, and does not download them again', async () => {
    const records = generateDataset({ seed: 9, now: T0, callsPerDay: 200 });
    const broken = [1, 2, 3].map((n) => ({
      ...wireCall(`broken-${n}`, T0 - 2 * HOUR + n, T0 - 2 * HOUR + 60),
      Caller_Account: null as unknown as string,
    }));
    fixture = await syncFixture(engine, { records: [...records, ...broken] });
    const job = fixture.start();
    const report = await job.runOnce();

    expect(report).toMatchObject({ outcome: 'synced', kind: 'backfill', invalidRecords: 3, problem: null });
    expect(await fixture.storeCount(WINDOW.from, T0 + 1)).toBe(fixture.demoCount(WINDOW.from, T0 + 1) - 3);
    expect((await fixture.store.readSyncState()).invalidRecords).toBe(3);
    expect(fixture.logs.text()).toContain('Skipped Tencent call records that do not have the documented shape');

    fixture.clock.t += 60;
    expect(await job.runOnce()).toMatchObject({ outcome: 'synced', kind: 'quiet', requests: 1 });
    expect((await fixture.store.readSyncState()).invalidRecords).toBe(3);
    // Once they age out of Tencent's window the count is back to 0: answers stop warning about them.
    fixture.clock.t += 7 * DAY;
    const aged = await job.runOnce();
    expect(aged.outcome).toBe('synced');
    expect((await fixture.store.readSyncState()).invalidRecords).toBe(0);
  });

  it('a bucket that never adds up becomes a sync problem naming its UTC span, not an endless download', async () => {
    const records = generateDataset({ seed: 11, now: T0, callsPerDay: 200 });
    const start = Date.UTC(2026, 10, 29, 5, 10) / 1000;
    // Tencent lists one CallId twice: its TotalNum says 2, one distinct record arrives however often it is read.
    const twice = [wireCall('twice', start, start + 30), wireCall('twice', start + 1, start + 40)];
    fixture = await syncFixture(engine, { records: [...records, ...twice] });
    const job = fixture.start();
    const report = await job.runOnce();

    expect(report.outcome).toBe('synced');
    expect(report.problem).toMatchObject({ kind: 'incomplete' });
    expect(report.problem?.message).toMatch(
      /^Tencent's call records for 2026-11-29 05:00–06:00 UTC do not add up \(it counted \d+ and sent \d+\)/,
    );
    expect((await fixture.store.readSyncState()).syncProblem).toEqual(report.problem);
    expect(await fixture.store.getCall('twice')).not.toBeNull();

    fixture.clock.t += 60;
    const quiet = await job.runOnce();
    expect(quiet).toMatchObject({ kind: 'quiet', requests: 1, problem: { kind: 'incomplete' } });
  });
});
