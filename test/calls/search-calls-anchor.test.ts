import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PinnedQuery } from '../../src/calls/query.js';
import type { CallRecord, WireCallRecord } from '../../src/calls/records.js';
import { CallSearch } from '../../src/calls/search-calls.js';
import type { PageAnchor, SearchPage } from '../../src/calls/search-page.js';
import { RETENTION_SECONDS } from '../../src/calls/time-range.js';
import { generateDataset } from '../../src/demo/dataset.js';
import { type DemoServer, startDemoServer } from '../../src/demo/server.js';
import type { CallRecordsApi } from '../../src/tencent/call-records-api.js';
import { TencentCallRecordsClient } from '../../src/tencent/client.js';

/**
 * Anchored paging over real HTTP. Tencent lists a call only once it has ended, so a range ending "now" keeps
 * gaining calls: page 1 is served by one process, then calls that were in progress end (a second demo server with
 * the grown dataset, same credentials), and the following pages are served by another process (a fresh client and
 * CallSearch against it). With anchors every call of the original set shows exactly once; by position it does not.
 */

const NOW = 1_764_000_000;
const WEEK_AGO = NOW - RETENTION_SECONDS;
const DATASET = generateDataset({ seed: 11, now: NOW, days: 7, callsPerDay: 150 });

const QUERY: PinnedQuery = {
  users: [],
  results: [],
  callTypes: [],
  mediaTypes: [],
  from: WEEK_AGO,
  to: NOW,
  timeZone: 'UTC',
};

function matches(q: PinnedQuery, r: WireCallRecord): boolean {
  return (
    r.StartTime >= q.from &&
    r.StartTime < q.to &&
    (q.results.length === 0 || (q.results as string[]).includes(r.CallResult)) &&
    (q.users.length === 0 || q.users.some((u) => r.Caller_Account === u || r.CalleeList_Account.includes(u)))
  );
}

/** Calls that ended since page 1 was shown: copies of matching calls, started a few seconds before `to`. */
function endedSince(q: PinnedQuery, count: number): WireCallRecord[] {
  const model = DATASET.find((r) => matches(q, r)) as WireCallRecord;
  return Array.from({ length: count }, (_, i) => ({
    ...model,
    CallId: `ended-since-${i}`,
    StartTime: q.to - 30 - i,
    EndTime: q.to - 1,
    AcceptTime: model.AcceptTime === 0 ? 0 : q.to - 29 - i,
  }));
}

interface Process {
  server: DemoServer;
  client: TencentCallRecordsClient;
  scans: number;
  search: CallSearch;
}

async function process(records: WireCallRecord[], order: 'asc' | 'desc', maxPageSize: number): Promise<Process> {
  const server = await startDemoServer({ records, now: () => NOW, order, maxPageSize });
  const client = new TencentCallRecordsClient({
    sdkAppId: server.sdkAppId,
    secretKey: server.secretKey,
    adminUser: server.adminUser,
    baseUrl: server.url,
    maxQps: 150,
    now: () => NOW * 1000,
  });
  const p: Process = { server, client, scans: 0, search: undefined as unknown as CallSearch };
  const spied: CallRecordsApi = {
    getRecordsByFilter: (filter, options) => client.getRecordsByFilter(filter, options),
    getRecordByCallId: (callId, options) => client.getRecordByCallId(callId, options),
    countRecords: (filter, options) => client.countRecords(filter, options),
    scan(filter, options) {
      p.scans += 1;
      return client.scan(filter, options);
    },
  };
  p.search = new CallSearch(spied, { now: () => NOW });
  return p;
}

async function closeAll(...processes: Array<Process | undefined>): Promise<void> {
  for (const p of processes) {
    await p?.client.close();
    await p?.server.close();
  }
}

function lastOf(page: SearchPage): PageAnchor {
  const last = page.records[page.records.length - 1] as CallRecord;
  return { after: { startTime: last.startTime, callId: last.callId } };
}

function firstOf(page: SearchPage): PageAnchor {
  const first = page.records[0] as CallRecord;
  return { before: { startTime: first.startTime, callId: first.callId } };
}

/** Page 1 from `first`, then Next (anchored or not) on `rest` until there is no next page. */
async function walk(first: CallSearch, rest: CallSearch, q: PinnedQuery, anchored: boolean): Promise<SearchPage[]> {
  const pages = [await first.searchCalls(q, 1)];
  for (let n = 2; ; n++) {
    const previous = pages[pages.length - 1] as SearchPage;
    if (previous.page >= previous.pageCount) break;
    expect(n).toBeLessThan(100);
    const page = await rest.searchCalls(q, n, anchored ? { anchor: lastOf(previous) } : {});
    expect(page.page).toBe(n);
    pages.push(page);
  }
  return pages;
}

const ids = (pages: SearchPage[]) => pages.flatMap((p) => p.records.map((r) => r.callId));

describe.each([
  { order: 'asc' as const, maxPageSize: 100 },
  { order: 'desc' as const, maxPageSize: 100 },
  { order: 'asc' as const, maxPageSize: 7 },
  { order: 'desc' as const, maxPageSize: 7 },
])('anchored paging while calls keep ending (server $order, pages of $maxPageSize)', ({ order, maxPageSize }) => {
  it.each([
    { name: 'API-paged (result:Interrupt)', query: { ...QUERY, results: ['Interrupt'] } as PinnedQuery, direct: true },
    { name: 'scanned (user:147)', query: { ...QUERY, users: ['147'] } as PinnedQuery, direct: false },
  ])('$name: every call of the original set once, nothing twice', async ({ query: q, direct }) => {
    const original = DATASET.filter((r) => matches(q, r)).map((r) => r.CallId);
    expect(original.length).toBeGreaterThan(25); // three pages or more
    let a: Process | undefined;
    let b: Process | undefined;
    let c: Process | undefined;
    try {
      a = await process(DATASET, order, maxPageSize);
      const grown = [...DATASET, ...endedSince(q, 3)];
      b = await process(grown, order, maxPageSize);
      c = await process(grown, order, maxPageSize);

      const anchored = await walk(a.search, b.search, q, true);
      const seen = ids(anchored);
      expect(new Set(seen).size).toBe(seen.length);
      expect([...seen].sort()).toEqual([...original].sort());
      for (const page of anchored.slice(1)) expect(page.anchor).toBeDefined();
      if (direct) expect(b.scans).toBe(0); // the anchor was placed by Tencent's counts, not by a scan

      // Previous from the last page, anchored, walks back to page 2 over the same calls.
      const back: SearchPage[] = [anchored[anchored.length - 1] as SearchPage];
      for (let n = anchored.length - 1; n >= 2; n--) {
        back.unshift(await b.search.searchCalls(q, n, { anchor: firstOf(back[0] as SearchPage) }));
      }
      expect(ids(back)).toEqual(ids(anchored.slice(1)).slice(0, ids(back).length));
      expect(ids(back)).toEqual(seen.slice(10));

      // By position, the same walk shows the calls pushed over the page boundary twice.
      const positional = ids(await walk(a.search, c.search, q, false));
      expect(new Set(positional).size).toBeLessThan(positional.length);
    } finally {
      await closeAll(a, b, c);
    }
  });
});

describe('anchors that place nothing', () => {
  let p: Process;
  beforeAll(async () => {
    p = await process(DATASET, 'asc', 100);
  });
  afterAll(async () => {
    await closeAll(p);
  });

  it.each([
    { name: 'API-paged', query: { ...QUERY, results: ['Interrupt'] } as PinnedQuery },
    { name: 'scanned', query: { ...QUERY, users: ['147'] } as PinnedQuery },
  ])('$name: an anchor older than the 7 days gives the page by position', async ({ query: q }) => {
    const nominal = await p.search.searchCalls(q, 2);
    const aged = await p.search.searchCalls(q, 2, {
      anchor: { after: { startTime: WEEK_AGO - 100, callId: 'long-gone' } },
    });
    expect(aged.records).toEqual(nominal.records);
    expect(aged.anchor).toBeUndefined();
    expect(aged.pageCount).toBe(nominal.pageCount);
  });

  it('Previous to page 1 is page 1, the newest calls', async () => {
    const q = { ...QUERY, results: ['Interrupt'] } as PinnedQuery;
    const one = await p.search.searchCalls(q, 1);
    const two = await p.search.searchCalls(q, 2, { anchor: lastOf(one) });
    const back = await p.search.searchCalls(q, 1, { anchor: firstOf(two) });
    expect(back.records).toEqual(one.records);
    expect(back.page).toBe(1);
  });

  it('counts the pages from the anchor: the last page has no next', async () => {
    const q = { ...QUERY, users: ['147'] } as PinnedQuery;
    const one = await p.search.searchCalls(q, 1);
    const two = await p.search.searchCalls(q, 2, { anchor: lastOf(one) });
    expect(two.pageCount).toBe(one.pageCount);
    expect(two.records).toEqual((await p.search.searchCalls(q, 2)).records);
  });
});
