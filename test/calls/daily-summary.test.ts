import { TZDate } from '@date-fns/tz';
import { afterEach, describe, expect, it } from 'vitest';
import { collectDailySummary, type DailySummary, dayChange } from '../../src/calls/daily-summary.js';
import type { WireCallRecord } from '../../src/calls/records.js';
import { dayBounds } from '../../src/calls/time-range.js';
import { generateDataset } from '../../src/demo/dataset.js';
import { type DemoServer, type DemoServerOptions, startDemoServer } from '../../src/demo/server.js';
import type { CallRecordsApi } from '../../src/tencent/call-records-api.js';
import { TencentCallRecordsClient } from '../../src/tencent/client.js';

const BERLIN = 'Europe/Berlin';
const NY = 'America/New_York';

const open: { server: DemoServer; client: TencentCallRecordsClient }[] = [];
afterEach(async () => {
  for (const { server, client } of open.splice(0)) {
    await client.close();
    await server.close();
  }
});

/** A demo server holding `records`, whose clock reads `now`, and the real client talking to it over HTTP. */
async function setup(records: WireCallRecord[], now: number, options: Partial<DemoServerOptions> = {}) {
  const server = await startDemoServer({ records, now: () => now, ...options });
  const client = new TencentCallRecordsClient({
    sdkAppId: server.sdkAppId,
    secretKey: server.secretKey,
    adminUser: server.adminUser,
    baseUrl: server.url,
    maxQps: 200,
    now: () => now * 1000,
  });
  open.push({ server, client });
  return { server, client };
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
  expect(summary.blocks.map((b) => [b.label, b.calls, b.dropped])).toEqual([
    ['00:00–03:00', 5, 1],
    ['03:00–06:00', 4, 0],
    ['06:00–09:00', 3, 0],
    ['09:00–12:00', 9, 4],
    ['12:00–15:00', 4, 1],
    ['15:00–18:00', 4, 0],
    ['18:00–21:00', 2, 0],
    ['21:00–24:00', 3, 1],
  ]);
}

describe('collectDailySummary against the demo server', () => {
  it('gives exact numbers for a fixed day with counts and two small downloads', async () => {
    const { server, client } = await setup(berlinDataset(), BERLIN_NOW);
    const meter = { requests: 0 };
    const summary = await collectDailySummary(
      client,
      { date: '2026-11-25', timeZone: BERLIN },
      { now: BERLIN_NOW, meter },
    );
    expectBerlinNumbers(summary);
    expect(summary.fallbackScan).toBe(false);
    // Hourly totals are not counted one by one (that would be 24 requests): only per 3-hour block.
    expect(summary.hourly.every((h) => h.calls === null)).toBe(true);
    // 8 block counts + 2 day counts + 3 previous-day counts + 1 Interrupt page + 1 Offline page.
    expect(server.stats.requests).toBe(15);
    expect(summary.upstreamRequests).toBe(15);
    expect(meter.requests).toBe(15);
    expect(client.stats.filterMismatches).toBe(0);
  });

  it('compares with the right day before whatever the host time zone (UTC+14 here)', async () => {
    const { client } = await setup(berlinDataset(), BERLIN_NOW);
    const hostZone = process.env.TZ;
    process.env.TZ = 'Pacific/Kiritimati';
    try {
      const summary = await collectDailySummary(client, { date: '2026-11-25', timeZone: BERLIN }, { now: BERLIN_NOW });
      expectBerlinNumbers(summary);
    } finally {
      process.env.TZ = hostZone;
    }
  });

  it('falls back to scanning whole days when the API ignores the result filter, with the same numbers', async () => {
    const { server, client } = await setup(berlinDataset(), BERLIN_NOW, { honourFilters: false });
    const warnings: { obj: object; msg: string }[] = [];
    const summary = await collectDailySummary(
      client,
      { date: '2026-11-25', timeZone: BERLIN },
      { now: BERLIN_NOW, logger: { warn: (obj, msg) => warnings.push({ obj, msg }) } },
    );
    expectBerlinNumbers(summary);
    expect(summary.fallbackScan).toBe(true);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.msg).toMatch(/did not honour the CallResult filter/);
    expect(warnings[0]?.obj).toMatchObject({ date: '2026-11-25', timeZone: BERLIN });
    // The whole day was downloaded, so every hour's total is exact now.
    expect(summary.hourly.map((h) => h.calls)).toEqual([
      2, 2, 1, 1, 1, 2, 1, 1, 1, 5, 3, 1, 1, 1, 2, 2, 1, 1, 1, 1, 0, 1, 1, 1,
    ]);
    expect(summary.upstreamRequests).toBe(server.stats.requests);
  });

  it('falls back when a filtered download brings fewer records than its TotalNum', async () => {
    const { client } = await setup(berlinDataset(), BERLIN_NOW);
    // Counts look consistent, but the filtered scan loses records (as when the client drops filter mismatches).
    const lossy: CallRecordsApi = {
      getRecordsByFilter: (filter, options) => client.getRecordsByFilter(filter, options),
      getRecordByCallId: (id, options) => client.getRecordByCallId(id, options),
      countRecords: (filter, options) => client.countRecords(filter, options),
      async *scan(filter, options) {
        let first = true;
        for await (const record of client.scan(filter, options)) {
          if (filter.callResult !== undefined && first) {
            first = false;
            continue;
          }
          yield record;
        }
      },
    };
    const warnings: string[] = [];
    const summary = await collectDailySummary(
      lossy,
      { date: '2026-11-25', timeZone: BERLIN },
      { now: BERLIN_NOW, logger: { warn: (_obj, msg) => warnings.push(msg) } },
    );
    expectBerlinNumbers(summary);
    expect(summary.fallbackScan).toBe(true);
    expect(warnings).toHaveLength(1);
  });

  it('stops the other download when one fails, so it stops taking from the shared rate limit', async () => {
    const failure = new Error('Tencent refused');
    let offlineSignal: AbortSignal | undefined;
    const api: CallRecordsApi = {
      getRecordsByFilter: () => Promise.reject(new Error('not used')),
      getRecordByCallId: () => Promise.resolve(null),
      countRecords: (filter) => Promise.resolve(filter.callResult === undefined ? 100 : 10),
      scan(filter, options) {
        return (async function* () {
          if (filter.callResult === 'Interrupt') throw failure;
          offlineSignal = options?.signal;
          // A long download: it keeps going until its signal aborts (bounded, so a failing test still ends).
          for (let i = 0; i < 2000 && !options?.signal?.aborted; i++) {
            await new Promise((resolve) => setTimeout(resolve, 1));
          }
        })();
      },
    };
    const day = { date: '2026-11-25', timeZone: BERLIN };
    await expect(collectDailySummary(api, day, { now: BERLIN_NOW })).rejects.toBe(failure);
    expect(offlineSignal?.aborted).toBe(true);
  });

  it('gives a quiet summary for a day without interruptions, with counts only', async () => {
    const records = [
      call(BERLIN, '2026-11-25', '08:00'),
      call(BERLIN, '2026-11-25', '09:00', { result: 'Cancel' }),
      call(BERLIN, '2026-11-25', '17:30', { result: 'NotAnswer' }),
      call(BERLIN, '2026-11-24', '12:00', { result: 'Interrupt' }),
    ];
    const { server, client } = await setup(records, BERLIN_NOW);
    const summary = await collectDailySummary(client, { date: '2026-11-25', timeZone: BERLIN }, { now: BERLIN_NOW });
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
      fallbackScan: false,
    });
    expect(server.stats.requests).toBe(13);
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
    const { client } = await setup(records, now);
    const summary = await collectDailySummary(client, { date, timeZone: NY }, { now });
    expect(summary.from).toBe(Date.UTC(2026, 2, 8, 5) / 1000);
    expect(summary.to).toBe(Date.UTC(2026, 2, 9, 4) / 1000);
    expect(summary.hourly.map((h) => h.label)).toEqual([
      '00:00',
      '01:00',
      ...Array.from({ length: 21 }, (_, i) => `${String(i + 3).padStart(2, '0')}:00`),
    ]);
    expect(summary.hourly.map((h) => h.dropped)).toEqual([0, 1, 1, ...Array(19).fill(0), 1]);
    expect(summary).toMatchObject({ totalCalls: 4, interrupted: 2, offline: 1 });
    expect(summary.blocks[0]).toMatchObject({ label: '00:00–03:00', hours: 2, calls: 2, dropped: 1 });
    expect(summary.blocks.map((b) => b.calls)).toEqual([2, 1, 0, 0, 0, 0, 0, 1]);
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
    const { client } = await setup(records, now);
    const summary = await collectDailySummary(client, { date, timeZone: NY }, { now });
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
    expect(summary.blocks[0]).toMatchObject({ label: '00:00–03:00', hours: 4, calls: 5, dropped: 4 });
    expect(summary).toMatchObject({
      totalCalls: 6,
      interrupted: 3,
      offline: 2,
      previousDay: { date: '2026-10-31', totalCalls: 1, interrupted: 1, offline: 0 },
      change: { absolute: 4, relative: 4 },
    });
  });

  it('says n/a for the day before when it is past the 7 days Tencent keeps', async () => {
    const records = [call('UTC', '2026-11-21', '10:00', { result: 'Interrupt' })];
    const now = Date.UTC(2026, 10, 27, 8) / 1000; // 2026-11-20 00:00 is more than 7 days before
    const { server, client } = await setup(records, now);
    const summary = await collectDailySummary(client, { date: '2026-11-21', timeZone: 'UTC' }, { now });
    expect(summary).toMatchObject({ totalCalls: 1, interrupted: 1, previousDay: null, change: null, notices: [] });
    // No counts of the previous day: 8 + 2 + 1 page.
    expect(server.stats.requests).toBe(11);
  });

  it('says when the day is not over or partly past the retention', async () => {
    const now = Date.UTC(2026, 10, 27, 8) / 1000;
    const { client } = await setup([], now);
    const today = await collectDailySummary(client, { date: '2026-11-27', timeZone: 'UTC' }, { now });
    expect(today.notices).toEqual(['This day is not over yet: the numbers cover it up to now.']);
    const old = await collectDailySummary(client, { date: '2026-11-20', timeZone: 'UTC' }, { now });
    expect(old.notices).toEqual([
      'Tencent keeps call records for 7 days: the start of this day is past that, so the numbers are partial.',
    ]);
  });

  it('keeps within 15 + ceil(interrupted / 100) requests for a day of 10,000 calls', async () => {
    // Two UTC days of 10,000 calls each; the summary is of the second.
    const date = '2026-11-25';
    const { from, to } = dayBounds(date, 'UTC');
    const records = generateDataset({ seed: 7, now: to, days: 2, callsPerDay: 10_000 });
    const inDay = records.filter((r) => r.StartTime >= from && r.StartTime < to);
    const expected = {
      total: inDay.length,
      interrupted: inDay.filter((r) => r.CallResult === 'Interrupt').length,
      offline: inDay.filter((r) => r.CallResult === 'Offline').length,
    };
    expect(expected.total).toBeGreaterThan(9_000);
    const now = to + 3600;
    const { server, client } = await setup(records, now);
    const summary = await collectDailySummary(client, { date, timeZone: 'UTC' }, { now });
    expect(summary).toMatchObject({
      totalCalls: expected.total,
      interrupted: expected.interrupted,
      offline: expected.offline,
      fallbackScan: false,
    });
    const budget = 15 + Math.ceil(summary.dropped / 100);
    expect(server.stats.requests).toBe(summary.upstreamRequests);
    expect(server.stats.requests).toBeLessThanOrEqual(budget);
    // Exactly: 13 counts and the pages of the two downloads.
    expect(server.stats.requests).toBe(13 + Math.ceil(expected.interrupted / 100) + Math.ceil(expected.offline / 100));
    // This dataset also fits the budget counted on Interrupt alone.
    expect(server.stats.requests).toBeLessThanOrEqual(15 + Math.ceil(summary.interrupted / 100));
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
