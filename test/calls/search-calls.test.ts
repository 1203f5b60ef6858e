import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PinnedQuery } from '../../src/calls/query.js';
import type { CallRecord, WireCallRecord } from '../../src/calls/records.js';
import { CallSearch, type CallSearchOptions, SearchError } from '../../src/calls/search-calls.js';
import type { SearchPage } from '../../src/calls/search-page.js';
import { RETENTION_SECONDS } from '../../src/calls/time-range.js';
import { generateDataset } from '../../src/demo/dataset.js';
import { type DemoServer, type DemoServerOptions, startDemoServer } from '../../src/demo/server.js';
import type { CallRecordsApi, RecordFilter, RequestMeter } from '../../src/tencent/call-records-api.js';
import { TencentCallRecordsClient } from '../../src/tencent/client.js';

/**
 * CallSearch over real HTTP: the real client against the demo server, with the server's page cap and order
 * varied, since neither is documented by Tencent.
 */

const NOW = 1_764_000_000;
const DAY = 86_400;
const WEEK_AGO = NOW - RETENTION_SECONDS;
const DATASET = generateDataset({ seed: 7, now: NOW, days: 7, callsPerDay: 60 });

interface Rig {
  server: DemoServer;
  client: TencentCallRecordsClient;
  /** How CallSearch used the API since the rig was made (or `calls` was reset). */
  calls: ApiCalls;
  search(options?: CallSearchOptions): CallSearch;
  close(): Promise<void>;
}

interface ApiCalls {
  pages: number;
  counts: number;
  scans: RecordFilter[];
}

/** The real client, with a record of which API methods the search used (direct paging vs scanning). */
function spied(client: CallRecordsApi, calls: ApiCalls): CallRecordsApi {
  return {
    getRecordsByFilter(filter, options) {
      calls.pages += 1;
      return client.getRecordsByFilter(filter, options);
    },
    getRecordByCallId: (callId, options) => client.getRecordByCallId(callId, options),
    countRecords(filter, options) {
      calls.counts += 1;
      return client.countRecords(filter, options);
    },
    scan(filter, options) {
      calls.scans.push(filter);
      return client.scan(filter, options);
    },
  };
}

async function rig(options: DemoServerOptions = {}): Promise<Rig> {
  const server = await startDemoServer({ records: DATASET, now: () => NOW, ...options });
  const client = new TencentCallRecordsClient({
    sdkAppId: server.sdkAppId,
    secretKey: server.secretKey,
    adminUser: server.adminUser,
    baseUrl: server.url,
    maxQps: 150,
    now: () => NOW * 1000,
  });
  const calls: ApiCalls = { pages: 0, counts: 0, scans: [] };
  return {
    server,
    client,
    calls,
    search: (searchOptions) => new CallSearch(spied(client, calls), { now: () => NOW, ...searchOptions }),
    async close() {
      await client.close();
      await server.close();
    },
  };
}

function query(overrides: Partial<PinnedQuery> = {}): PinnedQuery {
  return {
    users: [],
    results: [],
    callTypes: [],
    mediaTypes: [],
    from: WEEK_AGO,
    to: NOW,
    timeZone: 'UTC',
    ...overrides,
  };
}

/** The expected matches, computed from the dataset itself, newest first. */
function expected(q: PinnedQuery): WireCallRecord[] {
  const from = Math.max(q.from, WEEK_AGO);
  return DATASET.filter(
    (r) =>
      r.StartTime >= from &&
      r.StartTime < q.to &&
      (q.results.length === 0 || (q.results as string[]).includes(r.CallResult)) &&
      (q.callTypes.length === 0 || (q.callTypes as string[]).includes(r.CallType)) &&
      (q.mediaTypes.length === 0 || (q.mediaTypes as string[]).includes(r.MediaType)) &&
      (q.users.length === 0 || q.users.some((u) => r.Caller_Account === u || r.CalleeList_Account.includes(u))),
  ).sort((a, b) => b.StartTime - a.StartTime || (a.CallId < b.CallId ? -1 : 1));
}

/** Every page of a search, in order, checking what each page says about the whole. */
async function allPages(search: CallSearch, q: PinnedQuery): Promise<SearchPage[]> {
  const first = await search.searchCalls(q, 1);
  const pages = [first];
  for (let p = 2; p <= first.pageCount; p++) pages.push(await search.searchCalls(q, p));
  for (const [i, page] of pages.entries()) {
    expect(page.page).toBe(i + 1);
    expect(page.total).toBe(first.total);
    expect(page.pageCount).toBe(first.pageCount);
    const full = i + 1 < first.pageCount;
    if (full) expect(page.records).toHaveLength(page.pageSize);
    else expect(page.records.length).toBe(first.total - (first.pageCount - 1) * page.pageSize);
  }
  return pages;
}

function expectExactlyOnceNewestFirst(pages: SearchPage[], want: WireCallRecord[]): void {
  const ids = pages.flatMap((p) => p.records.map((r) => r.callId));
  expect(new Set(ids).size).toBe(ids.length); // no call twice
  expect([...ids].sort()).toEqual(want.map((r) => r.CallId).sort()); // none skipped, none extra
  const starts = pages.flatMap((p) => p.records.map((r) => r.startTime));
  for (let i = 1; i < starts.length; i++) expect(starts[i]).toBeLessThanOrEqual(starts[i - 1] as number);
}

/** `scans`: the CallResult of each scan the search should run, or undefined for direct API paging. */
const QUERIES: Array<{ name: string; query: PinnedQuery; scans?: Array<string | undefined> }> = [
  { name: 'everything retained (API-paged)', query: query() },
  { name: 'one result, 3 days (API-paged)', query: query({ results: ['NormalEnd'], from: NOW - 3 * DAY }) },
  {
    name: 'one result and one type (API-paged)',
    query: query({ results: ['NormalEnd'], callTypes: ['SingleCall'], from: NOW - 2 * DAY - 777 }),
  },
  { name: 'both types = no type filter (API-paged)', query: query({ callTypes: ['SingleCall', 'MultiCall'] }) },
  { name: 'user (scan)', query: query({ users: ['147'] }), scans: [undefined] },
  {
    name: 'two users and media (scan)',
    query: query({ users: ['369', 'diana'], mediaTypes: ['Video'] }),
    scans: [undefined],
  },
  {
    // The dataset has no Offline call: its count is 0, so it needs no scan.
    name: 'several results (one filtered scan each, none for a result with no calls)',
    query: query({ results: ['Interrupt', 'CallBusy', 'Offline'] }),
    scans: ['CallBusy', 'Interrupt'],
  },
  {
    name: 'most results (one unfiltered scan is cheaper)',
    query: query({ results: ['NormalEnd', 'NotAnswer', 'Cancel', 'Reject', 'CallBusy'], callTypes: ['MultiCall'] }),
    scans: [undefined],
  },
];

describe.each([
  { maxPageSize: 100, order: 'asc' as const },
  { maxPageSize: 100, order: 'desc' as const },
  { maxPageSize: 37, order: 'asc' as const },
  { maxPageSize: 37, order: 'desc' as const },
  { maxPageSize: 7, order: 'asc' as const },
  { maxPageSize: 7, order: 'desc' as const },
  // A server that caps NumberPerPage but places page k at (k−1) × the size asked.
  { maxPageSize: 37, order: 'asc' as const, pageOffset: 'asked' as const },
  { maxPageSize: 37, order: 'desc' as const, pageOffset: 'asked' as const },
])(
  'every match exactly once, newest first (server pages of $maxPageSize, $order, offset $pageOffset)',
  (serverOptions) => {
    let r: Rig;
    beforeAll(async () => {
      r = await rig(serverOptions);
    });
    afterAll(async () => {
      await r.close();
    });

    it.each(QUERIES)('$name', async ({ query: q, scans }) => {
      const want = expected(q);
      expect(want.length).toBeGreaterThan(10); // more than one page, or the test proves little
      r.calls.scans = [];
      r.calls.pages = 0;
      const pages = await allPages(r.search(), q);
      expectExactlyOnceNewestFirst(pages, want);
      // The path taken is the intended one, not a silent fallback that happens to give the same answer.
      if (scans === undefined) {
        expect(r.calls.scans).toEqual([]);
        expect(r.calls.pages).toBeGreaterThan(0);
      } else {
        expect(r.calls.scans.map((f) => f.callResult).sort()).toEqual([...scans].sort());
      }
    });

    it('shows the same calls on a page whether or not earlier pages were seen', async () => {
      const q = query({ results: ['NormalEnd'] });
      const pages = await allPages(r.search(), q);
      const last = pages.length;
      const fresh = await r.search().searchCalls(q, last - 1);
      expect(fresh.records.map((x) => x.callId)).toEqual(pages[last - 2]?.records.map((x) => x.callId));
    });
  },
);

describe('API-paged searches fetch only the API pages the displayed page needs', () => {
  it('newest-first server: page 1 costs one request', async () => {
    const r = await rig({ order: 'desc' });
    try {
      const page = await r.search().searchCalls(query(), 1);
      expect(page.upstreamRequests).toBe(1);
      expect(r.server.stats.requests).toBe(1);
      expect(page.records.map((x) => x.callId)).toEqual(
        expected(query())
          .slice(0, 10)
          .map((x) => x.CallId),
      );
    } finally {
      await r.close();
    }
  });

  it('oldest-first server: page 1 reads page 1 (to learn the order) and the last page; page 2 is then free', async () => {
    const r = await rig({ order: 'asc' });
    try {
      const search = r.search();
      const total = expected(query()).length;
      expect(total % 100).toBeGreaterThanOrEqual(20); // the two newest display pages sit on the last API page
      const first = await search.searchCalls(query(), 1);
      expect(first.upstreamRequests).toBe(2);
      const second = await search.searchCalls(query(), 2);
      expect(second.upstreamRequests).toBe(0);
      expect(r.server.stats.requests).toBe(2);
      // A page in the middle costs at most the two API pages it straddles.
      const middle = await search.searchCalls(query(), Math.floor(first.pageCount / 2));
      expect(middle.upstreamRequests).toBeLessThanOrEqual(2);
      expect(r.server.stats.requests).toBeLessThan(Math.ceil(total / 100) + 1);
    } finally {
      await r.close();
    }
  });

  it('a page past the end shows the last page; page 0 the first', async () => {
    const r = await rig({ maxPageSize: 37 });
    try {
      const search = r.search();
      const q = query({ results: ['Interrupt'] });
      const first = await search.searchCalls(q, 1);
      const beyond = await search.searchCalls(q, first.pageCount + 5);
      expect(beyond.page).toBe(first.pageCount);
      expect((await search.searchCalls(q, 0)).page).toBe(1);
    } finally {
      await r.close();
    }
  });
});

describe('records ageing out of the 7 days while someone pages', () => {
  it.each(['asc', 'desc'] as const)('no call twice, none of those still kept skipped (%s server)', async (order) => {
    let now = NOW;
    const server = await startDemoServer({ records: DATASET, now: () => now, maxPageSize: 37, order });
    const client = new TencentCallRecordsClient({
      sdkAppId: server.sdkAppId,
      secretKey: server.secretKey,
      adminUser: server.adminUser,
      baseUrl: server.url,
      now: () => now * 1000,
    });
    try {
      const search = new CallSearch(client, { now: () => now, cacheTtlMs: 1 });
      const q = query({ to: NOW - 3600 }); // a fixed end, as a pinned query has
      const seen: string[] = [];
      let pageCount = 1;
      for (let p = 1; p <= pageCount; p++) {
        const page = await search.searchCalls(q, p);
        seen.push(...page.records.map((x) => x.callId));
        pageCount = page.pageCount;
        now += 600; // ten minutes between clicks: the oldest calls leave Tencent's window
      }
      expect(new Set(seen).size).toBe(seen.length);
      const keptAtTheEnd = DATASET.filter((x) => x.StartTime >= now - RETENTION_SECONDS && x.StartTime < q.to);
      expect(keptAtTheEnd.length).toBeLessThan(expected(q).length); // some really aged out
      for (const record of keptAtTheEnd) expect(seen).toContain(record.CallId);
    } finally {
      await client.close();
      await server.close();
    }
  });
});

describe('when the order or the filters cannot be trusted, the search scans instead', () => {
  it('every call in the same second: the order cannot be told, the scan still shows each call once', async () => {
    const sameSecond: WireCallRecord[] = DATASET.slice(0, 120).map((record) => ({ ...record, StartTime: NOW - 3600 }));
    const server = await startDemoServer({ records: sameSecond, now: () => NOW, maxPageSize: 37 });
    const client = new TencentCallRecordsClient({
      sdkAppId: server.sdkAppId,
      secretKey: server.secretKey,
      adminUser: server.adminUser,
      baseUrl: server.url,
      now: () => NOW * 1000,
    });
    try {
      const search = new CallSearch(client, { now: () => NOW });
      const q = query();
      const pages = await allPages(search, q);
      const ids = pages.flatMap((p) => p.records.map((x) => x.callId));
      expect(new Set(ids).size).toBe(120);
      expect(ids).toEqual([...ids].sort()); // ties broken by CallId
      expect(pages.slice(1).every((p) => p.upstreamRequests === 0)).toBe(true); // scanned once, then cached
    } finally {
      await client.close();
      await server.close();
    }
  });

  it('a record without the documented shape: the others are shown exactly once, the count never changes', async () => {
    // The oldest call of the window is on API page 1 of an oldest-first server; the client drops it, so page 1
    // covers 100 positions with 99 records and position arithmetic over it would be off by one.
    const broken = DATASET.findIndex((x) => x.StartTime >= WEEK_AGO);
    const records = DATASET.map((x, i) => (i === broken ? { ...x, Caller_Account: null as unknown as string } : x));
    const r = await rig({ records, order: 'asc' });
    try {
      const pages = await allPages(r.search(), query());
      const want = expected(query()).filter((x) => x.CallId !== DATASET[broken]?.CallId);
      expect(pages[0]?.total).toBe(want.length);
      expectExactlyOnceNewestFirst(pages, want);
    } finally {
      await r.close();
    }
  });

  it('a call listed on two API pages (unstable order within a second): shown once, the one left out shown too', async () => {
    const r = await rig({ order: 'desc', maxPageSize: 37 });
    try {
      // API page 2 starts with the last call of page 1 instead of its own first call, every time it is asked.
      const flaky: CallRecordsApi = {
        getRecordByCallId: (id, o) => r.client.getRecordByCallId(id, o),
        countRecords: (f, o) => r.client.countRecords(f, o),
        scan: (f, o) => r.client.scan(f, o),
        async getRecordsByFilter(filter, options) {
          const page = await r.client.getRecordsByFilter(filter, options);
          if (filter.page !== 2) return page;
          const one = await r.client.getRecordsByFilter({ ...filter, page: 1 }, options);
          return { ...page, records: [one.records.at(-1) as CallRecord, ...page.records.slice(1)] };
        },
      };
      const pages = await allPages(new CallSearch(flaky, { now: () => NOW }), query());
      expectExactlyOnceNewestFirst(pages, expected(query()));
    } finally {
      await r.close();
    }
  });

  it('a server that ignores CallResult: the records it should not have sent never show', async () => {
    const r = await rig({ honourFilters: false, maxPageSize: 37 });
    try {
      const q = query({ results: ['Interrupt'] });
      const pages = await allPages(r.search(), q);
      expectExactlyOnceNewestFirst(pages, expected(q));
      expect(pages.flatMap((p) => p.records).every((x) => x.result === 'Interrupt')).toBe(true);
    } finally {
      await r.close();
    }
  });
});

describe('scans', () => {
  let r: Rig;
  beforeAll(async () => {
    r = await rig({ maxPageSize: 37 });
  });
  afterAll(async () => {
    await r.close();
  });

  it('the next page of a user search costs zero requests (cached matches)', async () => {
    const search = r.search();
    const q = query({ users: ['147'] });
    const before = r.server.stats.requests;
    const first = await search.searchCalls(q, 1);
    expect(first.upstreamRequests).toBeGreaterThan(1);
    expect(r.server.stats.requests - before).toBe(first.upstreamRequests);

    const afterFirst = r.server.stats.requests;
    const second = await search.searchCalls(q, 2);
    expect(second.upstreamRequests).toBe(0);
    expect(r.server.stats.requests).toBe(afterFirst);
    expect(second.records[0]?.startTime).toBeLessThanOrEqual(first.records.at(-1)?.startTime as number);
  });

  it("adds the cost to the caller's meter", async () => {
    const meter: RequestMeter = { requests: 5 };
    const page = await r.search().searchCalls(query({ users: ['369'] }), 1, { meter });
    expect(page.upstreamRequests).toBeGreaterThan(0);
    expect(meter.requests).toBe(5 + page.upstreamRequests);
  });

  it('the cache is keyed by the pinned query: another range scans again', async () => {
    const search = r.search();
    await search.searchCalls(query({ users: ['147'] }), 1);
    const other = await search.searchCalls(query({ users: ['147'], to: NOW - 60 }), 1);
    expect(other.upstreamRequests).toBeGreaterThan(0);
  });

  it('expires cached matches after the TTL', async () => {
    let now = NOW;
    const search = r.search({ now: () => now, cacheTtlMs: 60_000 });
    const q = query({ users: ['diana'] });
    await search.searchCalls(q, 1);
    now += 30;
    expect((await search.searchCalls(q, 2)).upstreamRequests).toBe(0);
    now += 61;
    expect((await search.searchCalls(q, 2)).upstreamRequests).toBeGreaterThan(0);
  });

  it('keeps the set a person pages through for the 30 minutes a Slack reply can be updated', async () => {
    let now = NOW;
    const search = r.search({ now: () => now });
    for (const q of [query({ users: ['diana'] }), query({ results: ['Interrupt'] })]) {
      await search.searchCalls(q, 1);
      now += 25 * 60;
      expect((await search.searchCalls(q, 2)).upstreamRequests).toBe(0);
      now -= 25 * 60;
    }
  });

  it('refuses a scan over more calls than the limit, with the count, after one counting request', async () => {
    const search = r.search({ scanLimit: 100 });
    const before = r.server.stats.requests;
    const error = await search.searchCalls(query({ users: ['147'] }), 1).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SearchError);
    const searchError = error as SearchError;
    expect(searchError.kind).toBe('too-broad');
    expect(searchError.details.count).toBe(expected(query()).length);
    expect(searchError.message).toContain(expected(query()).length.toLocaleString('en-US'));
    expect(searchError.message).toMatch(/shorter range/);
    expect(searchError.message).toMatch(/result filter/);
    expect(r.server.stats.requests - before).toBe(1);
  });

  it('a result filter narrows what the scan goes through, so the same limit then allows it', async () => {
    const search = r.search({ scanLimit: 100 });
    const q = query({ users: ['147'], results: ['Interrupt'] });
    const pages = await allPages(search, q);
    expectExactlyOnceNewestFirst(pages, expected(q));
  });

  it('API-paged searches are not limited by the scan limit', async () => {
    const page = await r.search({ scanLimit: 10 }).searchCalls(query(), 3);
    expect(page.total).toBe(expected(query()).length);
  });
});

describe('the 7-day window', () => {
  let r: Rig;
  beforeAll(async () => {
    r = await rig({ maxPageSize: 37 });
  });
  afterAll(async () => {
    await r.close();
  });

  it('a range reaching back further is searched from now − 7 days, with a notice; the query stays as pinned', async () => {
    const q = query({ from: NOW - 10 * DAY });
    const page = await r.search().searchCalls(q, 1);
    expect(page.query).toEqual(q);
    expect(page.total).toBe(expected(query()).length);
    expect(page.notices).toHaveLength(1);
    expect(page.notices[0]).toMatch(/7 days/);
    expect(page.notices[0]).toContain('Nov 17, 16:00'); // NOW − 7d in UTC, where results really start
  });

  it('no notice for the seconds a "last 7 days" query drifts between pinning and paging', async () => {
    const page = await r.search().searchCalls(query({ from: WEEK_AGO - 20 }), 1);
    expect(page.notices).toEqual([]);
  });

  it.each([
    { name: 'entirely older than 7 days', q: query({ from: NOW - 10 * DAY, to: NOW - 8 * DAY }), pattern: /7 days/ },
    { name: 'in the future', q: query({ from: NOW + 3600, to: NOW + 7200 }), pattern: /future/ },
    { name: 'empty', q: query({ from: NOW - 3600, to: NOW - 3600 }), pattern: /empty/ },
  ])('a range $name is refused with a sentence, without a request', async ({ q, pattern }) => {
    const before = r.server.stats.requests;
    const error = await r
      .search()
      .searchCalls(q, 1)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SearchError);
    expect((error as SearchError).kind).toBe('out-of-range');
    expect((error as SearchError).message).toMatch(pattern);
    expect(r.server.stats.requests).toBe(before);
  });
});

describe('range bounds: from is inclusive, to exclusive, although Tencent (and the demo) take EndTime inclusively', () => {
  it.each([
    { path: 'API-paged', users: [] as string[] },
    { path: 'scanned', users: ['147'] },
  ])('a call at the shared bound of two adjacent ranges shows in the later one only ($path)', async ({ users }) => {
    const edge = NOW - 2 * 3600;
    // Calls one second before, at, and one second after the bound, all of user 147.
    const base = DATASET.find((x) => x.Caller_Account === '147') as WireCallRecord;
    const at = (t: number, id: string): WireCallRecord => ({ ...base, CallId: id, StartTime: t, EndTime: t + 60 });
    const records = [at(edge - 1, 'before'), at(edge, 'at'), at(edge + 1, 'after')];
    const r = await rig({ records });
    try {
      const ids = async (from: number, to: number) =>
        (await r.search().searchCalls(query({ users, from, to }), 1)).records.map((x) => x.callId).sort();
      expect(await ids(edge - 3600, edge)).toEqual(['before']);
      expect(await ids(edge, edge + 3600)).toEqual(['after', 'at']);
      // Right by asking Tencent for the right range, not only by dropping what came back out of it.
      if (users.length === 0) expect(r.calls.scans).toEqual([]);
    } finally {
      await r.close();
    }
  });
});

describe('getCall', () => {
  let r: Rig;
  beforeAll(async () => {
    r = await rig();
  });
  afterAll(async () => {
    await r.close();
  });

  it('finds a call by its CallId', async () => {
    const wire = DATASET[DATASET.length - 5] as WireCallRecord;
    const meter = { requests: 0 };
    const record = await r.search().getCall(` ${wire.CallId} `, { meter });
    expect(record?.callId).toBe(wire.CallId);
    expect(record?.caller).toBe(wire.Caller_Account);
    expect(meter.requests).toBe(1);
  });

  it('answers null for a call that does not exist', async () => {
    expect(await r.search().getCall('00000000-0000-4000-8000-000000000000')).toBeNull();
  });
});

describe('a search that scans several results at once', () => {
  it('stops the other scans when one fails, so they stop taking from the shared rate limit', async () => {
    const failure = new Error('Tencent refused');
    let otherSignal: AbortSignal | undefined;
    const api: CallRecordsApi = {
      getRecordsByFilter: () => Promise.reject(new Error('not used')),
      getRecordByCallId: () => Promise.resolve(null),
      // Each result alone is cheaper to scan than everything: one scan per result.
      countRecords: (filter) => Promise.resolve(filter.callResult === undefined ? 5000 : 1000),
      scan(filter, options) {
        return (async function* () {
          if (filter.callResult === 'Interrupt') throw failure;
          otherSignal = options?.signal;
          // A long scan: it keeps going until its signal aborts (bounded, so a failing test still ends).
          for (let i = 0; i < 2000 && !options?.signal?.aborted; i++) {
            await new Promise((resolve) => setTimeout(resolve, 1));
          }
        })();
      },
    };
    const search = new CallSearch(api, { now: () => NOW });
    await expect(search.searchCalls(query({ results: ['Interrupt', 'CallBusy'] }), 1)).rejects.toBe(failure);
    expect(otherSignal?.aborted).toBe(true);
  });
});
