import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WireCallRecord } from '../../src/calls/records.js';
import { generateDataset } from '../../src/demo/dataset.js';
import { type DemoServer, type DemoServerOptions, startDemoServer } from '../../src/demo/server.js';
import { filter, post } from './helpers.js';

const NOW = 1_760_000_000;
const WEEK = 7 * 86400;
// Ten days, so that some records are older than Tencent's 7-day retention.
const RECORDS = generateDataset({ seed: 7, now: NOW, days: 10, callsPerDay: 60 });
const inWindow = RECORDS.filter((r) => r.StartTime >= NOW - WEEK);

const servers: DemoServer[] = [];
async function serve(options: DemoServerOptions = {}): Promise<DemoServer> {
  const server = await startDemoServer({ records: RECORDS, now: () => NOW, rateLimit: 100_000, ...options });
  servers.push(server);
  return server;
}
afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
});

let server: DemoServer;
beforeAll(async () => {
  server = await serve();
});

async function allPages(target: DemoServer, body: Record<string, unknown>, size: number): Promise<WireCallRecord[]> {
  const out: WireCallRecord[] = [];
  for (let page = 1; ; page++) {
    const answer = await filter(target, { ...body, NumberPerPage: size, Page: page });
    if (answer.json.ErrorCode === 101050) return out;
    expect(answer.json.ErrorCode).toBe(0);
    expect(answer.json.Response.Page).toBe(page);
    out.push(...answer.json.Response.CallRecordList);
  }
}

describe('get_record_by_filter', () => {
  it('defaults to the last 7 days, 10 per page, page 1', async () => {
    const { json } = await filter(server, {});
    expect(json.Response.TotalNum).toBe(inWindow.length);
    expect(json.Response.Page).toBe(1);
    expect(json.Response.CallRecordList).toEqual(inWindow.slice(0, 10));
  });

  it('clamps an older StartTime to now − 7 days', async () => {
    for (const StartTime of [0, NOW - 9 * 86400]) {
      const { json } = await filter(server, { StartTime, EndTime: NOW });
      expect(json.Response.TotalNum).toBe(inWindow.length);
    }
    expect(inWindow.length).toBeLessThan(RECORDS.length);
  });

  it('matches StartTime <= record.StartTime <= EndTime, both inclusive', async () => {
    const target = inWindow[100] as WireCallRecord;
    const same = inWindow.filter((r) => r.StartTime === target.StartTime);
    const { json } = await filter(server, {
      StartTime: target.StartTime,
      EndTime: target.StartTime,
      NumberPerPage: 50,
    });
    expect(json.Response.TotalNum).toBe(same.length);
    expect(json.Response.CallRecordList).toEqual(same);
  });

  it('answers 101050 when nothing matches, and for a page past the end', async () => {
    expect((await filter(server, { StartTime: NOW + 10, EndTime: NOW + 20 })).json).toMatchObject({
      ActionStatus: 'FAIL',
      ErrorCode: 101050,
    });
    expect((await filter(server, { EndTime: NOW - 8 * 86400 })).json.ErrorCode).toBe(101050);
    expect((await filter(server, { StartTime: NOW - 100, EndTime: NOW - 200 })).json.ErrorCode).toBe(101050);
    expect((await filter(server, { CallResult: 'NoSuchResult' })).json.ErrorCode).toBe(101050);
    const lastPage = Math.ceil(inWindow.length / 100);
    expect((await filter(server, { NumberPerPage: 100, Page: lastPage })).json.ErrorCode).toBe(0);
    expect((await filter(server, { NumberPerPage: 100, Page: lastPage + 1 })).json.ErrorCode).toBe(101050);
  });

  it('honours NumberPerPage only up to maxPageSize', async () => {
    const capped = await serve({ maxPageSize: 7 });
    const { json } = await filter(capped, { NumberPerPage: 50 });
    expect(json.Response.CallRecordList).toHaveLength(7);
    expect(json.Response.TotalNum).toBe(inWindow.length);
    expect((await filter(server, { NumberPerPage: 1000 })).json.Response.CallRecordList).toHaveLength(100);
  });

  it('can place page k at (k−1) × the size asked, above the cap, like a server that caps only the LIMIT', async () => {
    const asked = await serve({ maxPageSize: 7, pageOffset: 'asked' });
    const page2 = (await filter(asked, { NumberPerPage: 50, Page: 2 })).json.Response.CallRecordList;
    expect(page2.map((r: WireCallRecord) => r.CallId)).toEqual(inWindow.slice(50, 57).map((r) => r.CallId));
    // Asked within the cap, both placements agree.
    const within = (await filter(asked, { NumberPerPage: 7, Page: 2 })).json.Response.CallRecordList;
    expect(within.map((r: WireCallRecord) => r.CallId)).toEqual(inWindow.slice(7, 14).map((r) => r.CallId));
  });

  it.each(['asc', 'desc'] as const)('pages over every matching record exactly once (%s)', async (order) => {
    const target = order === 'asc' ? server : await serve({ order, maxPageSize: 30 });
    // A page size that does not divide the total, asked above the cap in the desc case.
    const records = await allPages(target, { StartTime: 0 }, 37);
    const expected = order === 'asc' ? inWindow : [...inWindow].reverse();
    expect(records.map((r) => r.CallId)).toEqual(expected.map((r) => r.CallId));
    expect(new Set(records.map((r) => r.CallId)).size).toBe(inWindow.length);
  });

  it('applies CallResult and CallType when honouring filters', async () => {
    const body = { CallResult: 'Interrupt', CallType: 'MultiCall' };
    const expected = inWindow.filter((r) => r.CallResult === 'Interrupt' && r.CallType === 'MultiCall');
    expect(expected.length).toBeGreaterThan(0);
    expect(await allPages(server, body, 10)).toEqual(expected);
    const offline = inWindow.filter((r) => r.CallResult === 'Offline');
    expect((await filter(server, { CallResult: 'Offline' })).json.Response.TotalNum).toBe(offline.length);
    // An empty string means no filter.
    expect((await filter(server, { CallResult: '', CallType: '' })).json.Response.TotalNum).toBe(inWindow.length);
  });

  it('ignores CallResult and CallType when told to', async () => {
    const ignoring = await serve({ honourFilters: false });
    const { json } = await filter(ignoring, { CallResult: 'Offline', CallType: 'MultiCall' });
    expect(json.Response.TotalNum).toBe(inWindow.length);
    expect(json.Response.CallRecordList).toEqual(inWindow.slice(0, 10));
  });

  it.each([
    { StartTime: '0' },
    { EndTime: 1.5 },
    { NumberPerPage: 0 },
    { Page: 0 },
    { Page: -1 },
    { CallResult: 3 },
    { CallType: ['SingleCall'] },
  ])('answers 101002 to a badly typed field: %j', async (body) => {
    expect((await filter(server, body)).json.ErrorCode).toBe(101002);
  });
});

describe('get_record_by_callid', () => {
  it('returns the record', async () => {
    const record = inWindow[42] as WireCallRecord;
    const { json } = await post(server, 'get_record_by_callid', { CallId: record.CallId });
    expect(json).toMatchObject({ ActionStatus: 'OK', ErrorCode: 0 });
    expect(json.Response.CallRecord).toEqual(record);
  });

  it('answers 101050 for an unknown CallId and for a record past the retention', async () => {
    expect((await post(server, 'get_record_by_callid', { CallId: 'nope' })).json.ErrorCode).toBe(101050);
    const old = RECORDS[0] as WireCallRecord;
    expect(old.StartTime).toBeLessThan(NOW - WEEK);
    expect((await post(server, 'get_record_by_callid', { CallId: old.CallId })).json.ErrorCode).toBe(101050);
  });

  it('answers 101002 without a CallId', async () => {
    expect((await post(server, 'get_record_by_callid', {})).json.ErrorCode).toBe(101002);
    expect((await post(server, 'get_record_by_callid', { CallId: 7 })).json.ErrorCode).toBe(101002);
  });
});
