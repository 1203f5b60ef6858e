import { TZDate } from '@date-fns/tz';
import { describe, expect, it } from 'vitest';
import { collectDailySummary, type DailySummary, dayChange } from '../../src/calls/daily-summary.js';
import type { WireCallRecord } from '../../src/calls/records.js';
import { dayBounds } from '../../src/calls/time-range.js';
import { generateDataset } from '../../src/demo/dataset.js';
import type { CallStore } from '../../src/store/open-call-store.js';
import { normalizeRecord } from '../../src/tencent/normalize-record.js';
import { storeEngines } from '../support/store-engines.js';

const BERLIN = 'Europe/Berlin';
const NY = 'America/New_York';
const KOLKATA = 'Asia/Kolkata';
const [engine] = storeEngines();

/**
 * A real store (SQLite in a temp DATA_DIR) holding `records`, reconciled from `coveredFrom` (default: 30 days
 * before `now`) up to `now`.
 */
async function setup(
  records: WireCallRecord[],
  now: number,
  state: Parameters<CallStore['writeSyncState']>[0] = {},
): Promise<CallStore> {
  if (engine === undefined) throw new Error('no store engine');
  const store = await engine.open({ now: () => now });
  await store.upsertCalls(
    records.map((wire) => {
      const normalized = normalizeRecord(wire, now);
      if (!normalized.ok) throw new Error(normalized.reason);
      return normalized.record;
    }),
  );
  await store.writeSyncState({ coveredFrom: now - 30 * 86_400, backfillDone: true, lastSyncAt: now, ...state });
  return store;
}

let ids = 0;
interface CallSpec {
  result?: string;
  media?: 'Audio' | 'Video';
  type?: 'SingleCall' | 'MultiCall';
  caller?: string;
  callees?: string[];
}
/** One call starting at local `date time` (`HH:mm` or `HH:mm:ss`) in `zone`, as Tencent sends it. */
function call(zone: string, date: string, time: string, spec: CallSpec = {}): WireCallRecord {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const [hh, mm, ss = 0] = time.split(':').map(Number) as [number, number, number?];
  return callAt(new TZDate(y, m - 1, d, hh, mm, ss, zone).getTime() / 1000, spec);
}
function callAt(start: number, spec: CallSpec = {}): WireCallRecord {
  const caller = spec.caller ?? 'u1';
  const result = spec.result ?? 'NormalEnd';
  const connected = result === 'NormalEnd' || result === 'Interrupt' || result === 'Offline';
  ids += 1;
  return {
    CallId: `call-${String(ids).padStart(6, '0')}`,
    Caller_Account: caller,
    MediaType: spec.media ?? 'Audio',
    CallType: spec.type ?? 'SingleCall',
    StartTime: start,
    EndTime: start + 120,
    AcceptTime: connected ? start + 5 : 0,
    CallResult: result,
    // As in Tencent's examples, the member list includes the caller.
    CalleeList_Account: [caller, ...(spec.callees ?? ['u2'])],
    RoomId: `roomid-${ids}`,
    RoomIdType: 2,
  };
}

/**
 * 2026-11-25 in Berlin: 34 calls, 5 Interrupt and 2 Offline (one on each edge of the day); 2026-11-24: 14 calls,
 * 3 Interrupt and 1 Offline; plus calls on the days around that must not count.
 */
function berlinDataset(): WireCallRecord[] {
  const day = (time: string, spec?: CallSpec) => call(BERLIN, '2026-11-25', time, spec);
  const before = (time: string, spec?: CallSpec) => call(BERLIN, '2026-11-24', time, spec);
  const records: WireCallRecord[] = [];
  for (let h = 0; h < 20; h++) records.push(day(`${String(h).padStart(2, '0')}:10`));
  records.push(
    // a-e Interrupt, f-g Offline
    day('09:05', { result: 'Interrupt', media: 'Video', caller: '147', callees: ['369'] }),
    day('09:40', { result: 'Interrupt', caller: '147', callees: ['3423'] }),
    day('09:59', {
      result: 'Interrupt',
      media: 'Video',
      type: 'MultiCall',
      caller: '369',
      callees: ['147', '10001', 'alice'],
    }),
    day('14:00', { result: 'Interrupt', caller: '10001', callees: ['147'] }),
    day('23:59:59', { result: 'Interrupt', caller: 'alice', callees: ['bob'] }),
    day('00:00:00', { result: 'Offline', media: 'Video', caller: 'bob', callees: ['147'] }),
    day('09:30', { result: 'Offline', type: 'MultiCall', caller: '3423', callees: ['369', '147'] }),
    day('01:00', { result: 'Cancel' }),
    day('05:00', { result: 'Cancel' }),
    day('22:00', { result: 'Cancel' }),
    day('10:00', { result: 'Reject' }),
    day('10:30', { result: 'Reject' }),
    day('15:00', { result: 'NotAnswer' }),
    day('21:00', { result: 'CallBusy' }),
  );
  for (let h = 0; h < 10; h++) records.push(before(`${String(h + 8).padStart(2, '0')}:00`));
  records.push(
    before('12:00', { result: 'Interrupt' }),
    before('13:00', { result: 'Interrupt' }),
    before('23:59:59', { result: 'Interrupt' }),
    before('18:00', { result: 'Offline' }),
    // The next day, and two days before: outside both days.
    call(BERLIN, '2026-11-26', '00:00:00', { result: 'Interrupt' }),
    call(BERLIN, '2026-11-23', '23:59:59', { result: 'Offline' }),
  );
  return records;
}

const BERLIN_NOW = Date.UTC(2026, 10, 27, 8) / 1000;

function expectBerlinNumbers(summary: DailySummary): void {
  const { from, to } = dayBounds('2026-11-25', BERLIN);
  expect(summary).toMatchObject({
    date: '2026-11-25',
    timeZone: BERLIN,
    from,
    to,
    totalCalls: 34,
    interrupted: 5,
    offline: 2,
    dropped: 7,
    previousDay: { date: '2026-11-24', totalCalls: 14, interrupted: 3, offline: 1, dropped: 4 },
    change: { absolute: 3, relative: 0.75 },
    split: { audio: 4, video: 3, single: 5, group: 2 },
    topUsers: [
      { user: '147', count: 6 },
      { user: '369', count: 3 },
      { user: '3423', count: 2 },
      { user: '10001', count: 2 },
      { user: 'alice', count: 2 },
    ],
    notices: [],
  });
  expect(from).toBe(Date.UTC(2026, 10, 24, 23) / 1000);
  expect(to - from).toBe(86400);
  expect(summary.interruptedShare).toBeCloseTo(7 / 34, 12);
  expect(summary.peakHour).toMatchObject({ hour: 9, label: '09:00', interrupted: 3, offline: 1, dropped: 4 });
  expect(summary.hourly).toHaveLength(24);
  const dropped = summary.hourly.map((h) => h.dropped);
  expect(dropped).toEqual([1, 0, 0, 0, 0, 0, 0, 0, 0, 4, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
  expect(summary.hourly[0]).toMatchObject({ label: '00:00', interrupted: 0, offline: 1 });
  expect(summary.hourly[23]).toMatchObject({ label: '23:00', interrupted: 1, offline: 0 });
  // Exact per hour: one bucketed count in the store.
  expect(summary.hourly.map((h) => h.calls)).toEqual([
    2, 2, 1, 1, 1, 2, 1, 1, 1, 5, 3, 1, 1, 1, 2, 2, 1, 1, 1, 1, 0, 1, 1, 1,
  ]);
}

describe('collectDailySummary from the store', () => {
  it('gives exact numbers for a fixed day, hour by hour', async () => {
    const store = await setup(berlinDataset(), BERLIN_NOW);
    const summary = await collectDailySummary(store, { date: '2026-11-25', timeZone: BERLIN }, { now: BERLIN_NOW });
    expectBerlinNumbers(summary);
  });

  it('compares with the right day before whatever the host time zone (UTC+14 here)', async () => {
    const store = await setup(berlinDataset(), BERLIN_NOW);
    const hostZone = process.env.TZ;
    process.env.TZ = 'Pacific/Kiritimati';
    try {
      const summary = await collectDailySummary(store, { date: '2026-11-25', timeZone: BERLIN }, { now: BERLIN_NOW });
      expectBerlinNumbers(summary);
    } finally {
      process.env.TZ = hostZone;
    }
  });

  it('counts every local hour in a half-hour zone (Asia/Kolkata, UTC+05:30)', async () => {
    const date = '2026-11-25';
    const records = [
      call(KOLKATA, date, '00:00:00'),
      call(KOLKATA, date, '00:59:59', { result: 'Interrupt' }),
      call(KOLKATA, date, '01:00:00'),
      call(KOLKATA, date, '05:29:59'),
      call(KOLKATA, date, '05:30:00', { result: 'Offline' }), // 00:00 UTC: a UTC hour boundary, not a local one
      call(KOLKATA, date, '23:59:59', { result: 'Interrupt' }),
      call(KOLKATA, '2026-11-26', '00:00:00', { result: 'Interrupt' }),
      call(KOLKATA, '2026-11-24', '23:59:59'),
    ];
    const now = Date.UTC(2026, 10, 27, 8) / 1000;
    const store = await setup(records, now);
    const summary = await collectDailySummary(store, { date, timeZone: KOLKATA }, { now });
    expect(summary.from).toBe(Date.UTC(2026, 10, 24, 18, 30) / 1000);
    expect(summary.hourly).toHaveLength(24);
    const calls = Array(24).fill(0);
    calls[0] = 2;
    calls[1] = 1;
    calls[5] = 2;
    calls[23] = 1;
    expect(summary.hourly.map((h) => h.calls)).toEqual(calls);
    expect(summary.hourly.map((h) => h.dropped).filter((n) => n > 0)).toEqual([1, 1, 1]);
    expect(summary.hourly[5]).toMatchObject({ label: '05:00', offline: 1 });
    expect(summary).toMatchObject({ totalCalls: 6, interrupted: 2, offline: 1 });
    expect(summary.previousDay).toMatchObject({ totalCalls: 1, dropped: 0 });
  });

  it('gives a quiet summary for a day without interruptions, with counts only', async () => {
    const records = [
      call(BERLIN, '2026-11-25', '08:00'),
      call(BERLIN, '2026-11-25', '09:00', { result: 'Cancel' }),
      call(BERLIN, '2026-11-25', '17:30', { result: 'NotAnswer' }),
      call(BERLIN, '2026-11-24', '12:00', { result: 'Interrupt' }),
    ];
    const store = await setup(records, BERLIN_NOW);
    const summary = await collectDailySummary(store, { date: '2026-11-25', timeZone: BERLIN }, { now: BERLIN_NOW });
    expect(summary).toMatchObject({
      totalCalls: 3,
      interrupted: 0,
      offline: 0,
      dropped: 0,
      interruptedShare: 0,
      peakHour: null,
      topUsers: [],
      split: { audio: 0, video: 0, single: 0, group: 0 },
      previousDay: { totalCalls: 1, interrupted: 1, offline: 0, dropped: 1 },
      change: { absolute: -1, relative: -1 },
    });
  });

  it('handles the 23-hour spring-forward day in New York', async () => {
    const date = '2026-03-08';
    const records = [
      call(NY, date, '00:30'),
      call(NY, date, '01:59:59', { result: 'Interrupt' }),
      // 02:00 does not exist: one second after 01:59:59 EST is 03:00:00 EDT.
      call(NY, date, '03:00:00', { result: 'Offline' }),
      call(NY, date, '23:59:59', { result: 'Interrupt' }),
      call(NY, '2026-03-09', '00:00:00', { result: 'Interrupt' }),
    ];
    const now = Date.UTC(2026, 2, 10, 12) / 1000;
    const store = await setup(records, now);
    const summary = await collectDailySummary(store, { date, timeZone: NY }, { now });
    expect(summary.from).toBe(Date.UTC(2026, 2, 8, 5) / 1000);
    expect(summary.to).toBe(Date.UTC(2026, 2, 9, 4) / 1000);
    expect(summary.hourly.map((h) => h.label)).toEqual([
      '00:00',
      '01:00',
      ...Array.from({ length: 21 }, (_, i) => `${String(i + 3).padStart(2, '0')}:00`),
    ]);
    expect(summary.hourly.map((h) => h.dropped)).toEqual([0, 1, 1, ...Array(19).fill(0), 1]);
    expect(summary).toMatchObject({ totalCalls: 4, interrupted: 2, offline: 1 });
    expect(summary.hourly.map((h) => h.calls)).toEqual([1, 1, 1, ...Array(19).fill(0), 1]);
    // The previous day (2026-03-07) had no calls at all.
    expect(summary.previousDay).toMatchObject({ totalCalls: 0, dropped: 0 });
    expect(summary.change).toEqual({ absolute: 3, relative: null });
  });

  it('handles the 25-hour fall-back day in New York, labelling the repeated hour', async () => {
    const date = '2026-11-01';
    const firstOneThirty = Date.UTC(2026, 10, 1, 5, 30) / 1000; // 01:30 EDT
    const secondOneThirty = Date.UTC(2026, 10, 1, 6, 30) / 1000; // 01:30 EST
    const records = [
      call(NY, date, '00:00:00', { result: 'Interrupt' }),
      callAt(firstOneThirty, { result: 'Interrupt' }),
      callAt(secondOneThirty, { result: 'Offline' }),
      callAt(secondOneThirty + 60, { result: 'Offline' }),
      callAt(secondOneThirty + 120),
      call(NY, date, '23:59:59', { result: 'Interrupt' }),
      call(NY, '2026-10-31', '23:59:59', { result: 'Interrupt' }),
    ];
    const now = Date.UTC(2026, 10, 3, 12) / 1000;
    const store = await setup(records, now);
    const summary = await collectDailySummary(store, { date, timeZone: NY }, { now });
    expect(summary.from).toBe(Date.UTC(2026, 10, 1, 4) / 1000);
    expect(summary.to).toBe(Date.UTC(2026, 10, 2, 5) / 1000);
    expect(summary.hourly).toHaveLength(25);
    expect(summary.hourly.slice(0, 4).map((h) => [h.label, h.interrupted, h.offline])).toEqual([
      ['00:00', 1, 0],
      ['01:00', 1, 0],
      ['01:00 (2nd)', 0, 2],
      ['02:00', 0, 0],
    ]);
    expect(summary.hourly.at(-1)).toMatchObject({ label: '23:00', hour: 23, dropped: 1 });
    expect(summary.peakHour).toMatchObject({ label: '01:00 (2nd)', hour: 1, dropped: 2 });
    expect(summary.hourly.slice(0, 4).map((h) => h.calls)).toEqual([1, 1, 3, 0]);
    expect(summary).toMatchObject({
      totalCalls: 6,
      interrupted: 3,
      offline: 2,
      previousDay: { date: '2026-10-31', totalCalls: 1, interrupted: 1, offline: 0 },
      change: { absolute: 4, relative: 4 },
    });
  });

  it('summarises a day older than Tencent’s 7 days from stored history', async () => {
    const records = [call('UTC', '2026-11-01', '10:00', { result: 'Interrupt' }), call('UTC', '2026-10-31', '10:00')];
    const now = Date.UTC(2026, 10, 27, 8) / 1000;
    const store = await setup(records, now);
    const summary = await collectDailySummary(store, { date: '2026-11-01', timeZone: 'UTC' }, { now });
    expect(summary).toMatchObject({
      totalCalls: 1,
      interrupted: 1,
      previousDay: { totalCalls: 1, dropped: 0 },
      notices: [],
    });
  });

  it('says n/a for the day before when it starts before stored history', async () => {
    const records = [call('UTC', '2026-11-21', '10:00', { result: 'Interrupt' })];
    const now = Date.UTC(2026, 10, 27, 8) / 1000;
    const store = await setup(records, now, { coveredFrom: Date.UTC(2026, 10, 21) / 1000 });
    const summary = await collectDailySummary(store, { date: '2026-11-21', timeZone: 'UTC' }, { now });
    expect(summary).toMatchObject({ totalCalls: 1, interrupted: 1, previousDay: null, change: null, notices: [] });
  });

  it('says when the day is not over, starts before stored history, or the store cannot vouch for it', async () => {
    const now = Date.UTC(2026, 10, 27, 8) / 1000;
    const store = await setup([], now, { coveredFrom: Date.UTC(2026, 10, 20, 12) / 1000 });
    const today = await collectDailySummary(store, { date: '2026-11-27', timeZone: 'UTC' }, { now });
    expect(today.notices).toEqual(['This day is not over yet: the numbers cover it up to now.']);
    const old = await collectDailySummary(store, { date: '2026-11-20', timeZone: 'UTC' }, { now });
    expect(old.notices).toEqual([
      'Stored history starts Nov 20, 12:00 (UTC): the start of this day is before it, so the numbers are partial.',
    ]);
    const older = await collectDailySummary(store, { date: '2026-11-19', timeZone: 'UTC' }, { now });
    expect(older.notices).toEqual([
      'Stored history starts Nov 20, 12:00 (UTC): this day is before it, so nothing is left to count.',
    ]);

    const failing = await setup([], now, {
      syncProblem: { at: now - 600, kind: 'transient', message: 'Tencent is busy or slow right now' },
    });
    await failing.addInvalidRecords(2);
    const yesterday = await collectDailySummary(failing, { date: '2026-11-26', timeZone: 'UTC' }, { now });
    expect(yesterday.notices).toEqual([
      'The store cannot sync with Tencent (failing since Nov 27, 07:50 (UTC)): Tencent is busy or slow right now. Calls are shown as stored at the last sync, Nov 27, 08:00 (UTC).',
      '2 call records Tencent holds for the last 7 days could not be read and are missing from the store, so this answer may lack them.',
    ]);
  });

  it('is exact for a day of 10,000 calls', async () => {
    // Two UTC days of 10,000 calls each; the summary is of the second.
    const date = '2026-11-25';
    const { from, to } = dayBounds(date, 'UTC');
    const records = generateDataset({ seed: 7, now: to, days: 2, callsPerDay: 10_000 });
    const inDay = records.filter((r) => r.StartTime >= from && r.StartTime < to);
    const perHour = Array.from(
      { length: 24 },
      (_, h) => inDay.filter((r) => r.StartTime >= from + h * 3600 && r.StartTime < from + (h + 1) * 3600).length,
    );
    expect(inDay.length).toBeGreaterThan(9_000);
    const now = to + 3600;
    const store = await setup(records, now);
    const summary = await collectDailySummary(store, { date, timeZone: 'UTC' }, { now });
    expect(summary).toMatchObject({
      totalCalls: inDay.length,
      interrupted: inDay.filter((r) => r.CallResult === 'Interrupt').length,
      offline: inDay.filter((r) => r.CallResult === 'Offline').length,
    });
    expect(summary.hourly.map((h) => h.calls)).toEqual(perHour);
  });
});

describe('dayChange', () => {
  it('gives the absolute and relative change, with no relative change from zero', () => {
    expect(dayChange(12, 8)).toEqual({ absolute: 4, relative: 0.5 });
    expect(dayChange(6, 8)).toEqual({ absolute: -2, relative: -0.25 });
    expect(dayChange(3, 0)).toEqual({ absolute: 3, relative: null });
    expect(dayChange(0, 0)).toEqual({ absolute: 0, relative: null });
  });
});
