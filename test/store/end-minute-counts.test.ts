/**
 * The incident check's counts from the per-minute counters (migration 007) are exactly what counting every call of
 * the window gives, on both engines: for windows with partial minutes at both edges, shorter than a minute, or on
 * minute boundaries; after duplicates (a call stored twice counts once), corrections by the sync (a call whose
 * result, end time, start or callees change moves between counters) and the retention delete; and for a store
 * migrated with calls already in it.
 */
import { describe, expect, it } from 'vitest';
import { countsOf, mostAffectedUsers, type WindowCounts } from '../../src/calls/incident-rule.js';
import { type CallRecord, isDropped } from '../../src/calls/records.js';
import { intBetween, mulberry32, pick } from '../../src/demo/prng.js';
import { createIncidentStore } from '../../src/store/incidents.js';
import { migration007 } from '../../src/store/migrations/007-end-minute-counts.js';
import type { CallStore } from '../../src/store/open-call-store.js';
import { aCall } from '../support/call-records.js';
import { storeEngines } from '../support/store-engines.js';

const T0 = 1_790_003_600; // a multiple of 60
const USERS = ['7', '42', '147', '369', '520', 'alice', 'bob', 'Zoë'];
const RESULTS = ['NormalEnd', 'Interrupt', 'Offline', 'Cancel', 'NotAnswer', 'Interrupt'];

/** The plain-code answer: every call whose end time lies in [from, to). */
function expected(calls: Iterable<CallRecord>, from: number, to: number): WindowCounts {
  const inWindow = [...calls].filter((call) => call.endTime >= from && call.endTime < to);
  const dropped = inWindow.filter((call) => isDropped(call.result));
  const starts = dropped.map((call) => call.startTime);
  return {
    from,
    to,
    ended: inWindow.length,
    interrupted: dropped.filter((call) => call.result === 'Interrupt').length,
    offline: dropped.filter((call) => call.result === 'Offline').length,
    topUsers: mostAffectedUsers(dropped, 5),
    firstDroppedStart: starts.length === 0 ? null : Math.min(...starts),
  };
}

function randomCall(rng: () => number): CallRecord {
  const endTime = T0 + intBetween(rng, -1500, 300);
  const caller = pick(rng, USERS);
  return aCall({
    startTime: endTime - intBetween(rng, 0, 4000),
    endTime,
    caller,
    callees: [pick(rng, USERS), ...(rng() < 0.3 ? [pick(rng, USERS)] : [])],
    result: pick(rng, RESULTS),
  });
}

const WINDOWS: [number, number][] = [
  [T0 - 900 + 1, T0 + 1], // ALERT_WINDOW 15m at second T0: partial minutes at both edges
  [T0 - 900 + 37, T0 + 37],
  [T0 - 900, T0], // on minute boundaries: counters only
  [T0 - 59, T0 + 1], // a one-minute window across a minute boundary
  [T0 + 10, T0 + 50], // inside one minute
  [T0 - 1500, T0 + 301], // every call
  [T0 + 400, T0 + 1000], // none
];

describe.each(storeEngines())('$name end-minute counters', (engine) => {
  async function check(calls: CallStore, stored: ReadonlyMap<string, CallRecord>) {
    const incidents = createIncidentStore(calls.db, calls.engine);
    for (const [from, to] of WINDOWS) {
      const counted = await incidents.countEndedCalls(from, to, { topUsers: 5 });
      expect(counted, `window [${from - T0}, ${to - T0})`).toEqual(expected(stored.values(), from, to));
      for (const bucketSeconds of [60, 120]) {
        const measured = await incidents.measureEndedCalls(from, to, { topUsers: 5, bucketSeconds });
        expect(countsOf(measured)).toEqual(counted);
        // The chart's bars: on the clock's minute grid, every call of the window in exactly one.
        const grid = Math.floor(from / 60) * 60;
        const want = measured.buckets.map((bucket) => ({ ...bucket, ended: 0, dropped: 0 }));
        for (const call of stored.values()) {
          if (call.endTime < from || call.endTime >= to) continue;
          const slot = want[Math.floor((call.endTime - grid) / bucketSeconds)] as { ended: number; dropped: number };
          slot.ended += 1;
          if (isDropped(call.result)) slot.dropped += 1;
        }
        expect(measured.buckets).toEqual(want);
        expect(measured.buckets.map((bucket) => bucket.at)).toEqual(
          measured.buckets.map((_, i) => Math.max(from, grid + i * bucketSeconds)),
        );
      }
    }
  }

  it('count what every call of the window counts, through duplicates, corrections and deletes', async () => {
    const calls = await engine.open();
    const rng = mulberry32(23);
    const stored = new Map<string, CallRecord>();
    const first = Array.from({ length: 600 }, () => randomCall(rng));
    await calls.upsertCalls(first);
    for (const call of first) stored.set(call.callId, call);
    await check(calls, stored);

    // The same calls again (a retried callback, the sync after the callback): nothing counts twice.
    await calls.upsertCalls(first.slice(0, 200));
    await calls.upsertCalls([first[3] as CallRecord]);
    await check(calls, stored);

    // The sync corrects stored calls: another result, end minute, start, callees; mixed with new calls.
    const corrected = first.slice(200, 320).map((call, i) => {
      const kind = i % 4;
      if (kind === 0) return { ...call, result: isDropped(call.result) ? 'NormalEnd' : 'Offline' };
      if (kind === 1) return { ...call, endTime: call.endTime + intBetween(rng, 1, 200) };
      if (kind === 2) return { ...call, startTime: call.startTime - intBetween(rng, 1, 900) };
      return { ...call, callees: [pick(rng, USERS), pick(rng, USERS)] };
    });
    const more = Array.from({ length: 150 }, () => randomCall(rng));
    await calls.upsertCalls([...corrected, ...more]);
    for (const call of [...corrected, ...more]) stored.set(call.callId, call);
    await check(calls, stored);

    // The retention delete takes calls out of their counters (the earliest start of a minute is read again).
    const cutoff = T0 - 2500;
    const deleted = await calls.deleteCallsBefore(cutoff);
    expect(deleted).toBeGreaterThan(0);
    for (const [id, call] of stored) if (call.startTime < cutoff) stored.delete(id);
    await check(calls, stored);
  });

  it('counts the calls already stored when the migration runs', async () => {
    const calls = await engine.open();
    const rng = mulberry32(7);
    const stored = new Map<string, CallRecord>();
    const records = Array.from({ length: 300 }, () => randomCall(rng));
    await calls.upsertCalls(records);
    for (const call of records) stored.set(call.callId, call);
    // As if the calls had been stored before migration 007: no counters, then the migration.
    await calls.db.schema.dropTable('call_end_minutes').execute();
    await calls.db.schema.dropTable('call_end_minute_users').execute();
    await migration007.up(calls.db as never, calls.engine);
    await check(calls, stored);
  });
});
