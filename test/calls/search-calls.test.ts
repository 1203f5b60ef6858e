import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNewCallsFeed } from '../../src/calls/new-calls.js';
import type { PinnedQuery } from '../../src/calls/query.js';
import type { CallRecord, WireCallRecord } from '../../src/calls/records.js';
import { CallSearch, SearchError } from '../../src/calls/search-calls.js';
import type { SearchPage } from '../../src/calls/search-page.js';
import { generateDataset } from '../../src/demo/dataset.js';
import { type DemoServer, startDemoServer } from '../../src/demo/server.js';
import type { CallStore } from '../../src/store/open-call-store.js';
import { TencentCallRecordsClient } from '../../src/tencent/client.js';
import { normalizeRecord } from '../../src/tencent/normalize-record.js';
import { storeEngines } from '../support/store-engines.js';

/**
 * CallSearch over the real store (embedded SQLite, and PostgreSQL when TEST_DATABASE_URL is set): 40 days of
 * history, paging by position and by anchor, and what every answer says about the store (history start, the
 * first backfill, a failing sync, unreadable records).
 */

const NOW = 1_764_000_000;
const DAY = 86_400;
/** 40 days of calls: past Tencent's 7, within RETENTION_DAYS (90). */
const DATASET = generateDataset({ seed: 7, now: NOW, days: 40, callsPerDay: 30 });
const RECORDS = DATASET.map(toRecord);
const COVERED_FROM = NOW - 40 * DAY;

function toRecord(wire: WireCallRecord): CallRecord {
  const normalized = normalizeRecord(wire, NOW);
  if (!normalized.ok) throw new Error(`dataset record does not normalise: ${normalized.reason}`);
  return normalized.record;
}

function query(overrides: Partial<PinnedQuery> = {}): PinnedQuery {
  return {
    users: [],
    results: [],
    callTypes: [],
    mediaTypes: [],
    from: NOW - 7 * DAY,
    to: NOW,
    timeZone: 'UTC',
    ...overrides,
  };
}

/** The expected matches, computed from the dataset itself, newest first. */
function expected(q: PinnedQuery, from = q.from): string[] {
  return DATASET.filter(
    (r) =>
      r.StartTime >= from &&
      r.StartTime < q.to &&
      (q.results.length === 0 || (q.results as string[]).includes(r.CallResult)) &&
      (q.callTypes.length === 0 || (q.callTypes as string[]).includes(r.CallType)) &&
      (q.mediaTypes.length === 0 || (q.mediaTypes as string[]).includes(r.MediaType)) &&
      (q.users.length === 0 || q.users.some((u) => r.Caller_Account === u || r.CalleeList_Account.includes(u))),
  )
    .sort((a, b) => b.StartTime - a.StartTime || (a.CallId < b.CallId ? -1 : 1))
    .map((r) => r.CallId);
}

async function allPages(search: CallSearch, q: PinnedQuery): Promise<SearchPage[]> {
  const first = await search.searchCalls(q, 1);
  const pages = [first];
  for (let p = 2; p <= first.pageCount; p++) pages.push(await search.searchCalls(q, p));
  return pages;
}

const ids = (pages: readonly SearchPage[]) => pages.flatMap((page) => page.records.map((r) => r.callId));

describe.each(storeEngines())('CallSearch on the $name store', (engine) => {
  let store: CallStore;
  let search: CallSearch;

  beforeAll(async () => {
    store = await engine.open({ now: () => NOW });
    await store.upsertCalls(RECORDS);
    await store.writeSyncState({ coveredFrom: COVERED_FROM, backfillDone: true, lastSyncAt: NOW - 30 });
    search = new CallSearch(store, { now: () => NOW });
  });

  it('lists every match exactly once, newest first, with the total from the store', async () => {
    const user = DATASET[DATASET.length - 1]?.Caller_Account as string;
    for (const q of [
      query(),
      query({ results: ['Interrupt', 'Offline'] }),
      query({ users: [user], from: NOW - 30 * DAY }),
      query({ mediaTypes: ['Video'], callTypes: ['MultiCall'] }),
      query({ callTypes: ['SingleCall', 'MultiCall'], mediaTypes: ['Audio', 'Video'], from: NOW - 2 * DAY }),
    ]) {
      const pages = await allPages(search, q);
      const want = expected(q);
      expect(want.length).toBeGreaterThan(0);
      expect(ids(pages)).toEqual(want);
      expect(pages.every((page) => page.total === want.length && page.upstreamRequests === 0)).toBe(true);
      expect(pages[0]?.notices).toEqual([]);
    }
  });

  it('answers a range past Tencent’s 7 days from stored history (last:30d)', async () => {
    const q = query({ from: NOW - 30 * DAY, to: NOW - 20 * DAY });
    const page = await search.searchCalls(q, 1);
    expect(page.total).toBe(expected(q).length);
    expect(page.total).toBeGreaterThan(100);
    expect(page.notices).toEqual([]);
  });

  it('clamps a range older than stored history, saying where history starts', async () => {
    const q = query({ from: NOW - 60 * DAY, to: NOW - 35 * DAY });
    const page = await search.searchCalls(q, 1);
    expect(page.total).toBe(expected(q, COVERED_FROM).length);
    expect(page.notices).toEqual(['Stored history starts Oct 15, 16:00 (UTC): showing calls from then on.']);
    const older = await search.searchCalls(query({ from: NOW - 60 * DAY, to: NOW - 50 * DAY }), 1).catch((e) => e);
    expect(older).toBeInstanceOf(SearchError);
    expect((older as SearchError).message).toContain('Stored history starts Oct 15, 16:00 (UTC)');
  });

  it('pages by anchor: Next after new calls arrived shows neither a repeat nor a gap; Previous returns', async () => {
    const local = await engine.open({ now: () => NOW });
    const cut = RECORDS.filter((r) => r.startTime < NOW - DAY);
    await local.upsertCalls(cut);
    await local.writeSyncState({ coveredFrom: COVERED_FROM, backfillDone: true, lastSyncAt: NOW });
    const s = new CallSearch(local, { now: () => NOW });
    const q = query({ from: NOW - 3 * DAY });
    const one = await s.searchCalls(q, 1);
    // Calls of the last day reach the store between two clicks: positions shift, anchors do not.
    await local.upsertCalls(RECORDS.filter((r) => r.startTime >= NOW - DAY));
    const seen = [...one.records.map((r) => r.callId)];
    let page = one;
    while (page.records.length === s.pageSize) {
      const last = page.records.at(-1) as CallRecord;
      page = await s.searchCalls(q, page.page + 1, { anchor: { after: last } });
      if (page.records.length === 0) break;
      seen.push(...page.records.map((r) => r.callId));
    }
    const want = expected(q).filter((id) => cut.some((r) => r.callId === id));
    expect(seen).toEqual(want);
    const byPosition = await s.searchCalls(q, 2);
    expect(byPosition.records[0]?.callId).not.toBe(seen[10]); // positions did shift

    const two = await s.searchCalls(q, 2, { anchor: { after: one.records.at(-1) as CallRecord } });
    const three = await s.searchCalls(q, 3, { anchor: { after: two.records.at(-1) as CallRecord } });
    const back = await s.searchCalls(q, 2, { anchor: { before: three.records[0] as CallRecord } });
    expect(back.records).toEqual(two.records);
    expect(back.page).toBe(2);
    // Previous to page 1 shows the newest calls, those stored since included.
    const top = await s.searchCalls(q, 1, { anchor: { before: two.records[0] as CallRecord } });
    expect(top.page).toBe(1);
    expect(top.records[0]?.startTime).toBeGreaterThanOrEqual(NOW - DAY);
  });

  it('refuses an empty range and one in the future, in a sentence', async () => {
    await expect(search.searchCalls(query({ from: NOW - 10, to: NOW - 10 }), 1)).rejects.toThrow(/empty/);
    await expect(search.searchCalls(query({ from: NOW + 60, to: NOW + 120 }), 1)).rejects.toThrow(/future/);
  });
});

describe('what an answer says about the store', () => {
  const [engine] = storeEngines();
  if (engine === undefined) throw new Error('no store engine');

  async function storeWith(state: Parameters<CallStore['writeSyncState']>[0]): Promise<CallSearch> {
    const store = await engine.open({ now: () => NOW });
    await store.upsertCalls(RECORDS.filter((r) => r.startTime >= NOW - 2 * DAY));
    await store.writeSyncState(state);
    return new CallSearch(store, { now: () => NOW });
  }

  it('during the first backfill: what is covered, and how far the backfill has come', async () => {
    const search = await storeWith({ coveredFrom: NOW - 2 * DAY, backfillDone: false, lastSyncAt: null });
    const q = query();
    const page = await search.searchCalls(q, 1);
    expect(page.total).toBe(expected(q, NOW - 2 * DAY).length);
    expect(page.notices).toEqual([
      'The store is still downloading Tencent’s call records for the first time, newest first: 2 days of 7 days are in so far (from Nov 22, 16:00 (UTC)), so older calls of this range are not shown yet.',
    ]);
    // A range inside what is covered needs no word.
    expect((await search.searchCalls(query({ from: NOW - DAY }), 1)).notices).toEqual([]);
  });

  it('while the sync fails: answers from the store, says how fresh and why, in the words of a failed search', async () => {
    const search = await storeWith({
      coveredFrom: NOW - 7 * DAY,
      backfillDone: true,
      lastSyncAt: NOW - 3600,
      syncProblem: {
        at: NOW - 1800,
        kind: 'auth',
        message: 'The app cannot sign in to Tencent: the secret key does not match the SDKAppID (ErrorCode 70009).',
      },
    });
    const page = await search.searchCalls(query({ from: NOW - DAY }), 1);
    expect(page.total).toBeGreaterThan(0);
    expect(page.notices).toEqual([
      'The store cannot sync with Tencent (failing since Nov 24, 15:30 (UTC)): The app cannot sign in to Tencent: the secret key does not match the SDKAppID (ErrorCode 70009). Ask whoever runs callkit-slack to check TENCENT_SDKAPPID/TENCENT_SECRET_KEY. Calls are shown as stored at the last sync, Nov 24, 15:00 (UTC).',
    ]);
  });

  it('says when the last sync found Tencent’s records of a span did not add up', async () => {
    const search = await storeWith({
      coveredFrom: NOW - 7 * DAY,
      backfillDone: true,
      lastSyncAt: NOW - 60,
      syncProblem: {
        at: NOW - 60,
        kind: 'incomplete',
        message:
          "Tencent's call records for 2025-11-24 14:00–15:00 UTC do not add up (it counted 40 and sent 38), so some calls of that span may be missing from the store.",
      },
    });
    expect((await search.searchCalls(query({ from: NOW - DAY }), 1)).notices).toEqual([
      "The last sync with Tencent (Nov 24, 15:59 (UTC)) was incomplete: Tencent's call records for 2025-11-24 14:00–15:00 UTC do not add up (it counted 40 and sent 38), so some calls of that span may be missing from the store.",
    ]);
  });

  it('says how many records Tencent holds could not be read', async () => {
    const search = await storeWith({ coveredFrom: NOW - 7 * DAY, backfillDone: true, lastSyncAt: NOW });
    const store = await engine.open({ now: () => NOW });
    await store.writeSyncState({ coveredFrom: NOW - 30 * DAY, backfillDone: true, lastSyncAt: NOW });
    await store.addInvalidRecords(38);
    const withInvalid = new CallSearch(store, { now: () => NOW });
    expect((await search.searchCalls(query(), 1)).notices).toEqual([]);
    const page = await withInvalid.searchCalls(query(), 1);
    expect(page.total).toBe(0);
    expect(page.notices).toEqual([
      '38 call records Tencent holds for the last 7 days could not be read and are missing from the store, so this answer may lack them.',
    ]);
    // A range wholly older than Tencent's 7 days cannot lack them: no notice there.
    const older = await withInvalid.searchCalls(query({ from: NOW - 20 * DAY, to: NOW - 8 * DAY }), 1);
    expect(older.notices.filter((notice) => notice.includes('could not be read'))).toEqual([]);
  });
});

describe('getCall: the store first, then Tencent', () => {
  let server: DemoServer;
  let client: TencentCallRecordsClient;
  let store: CallStore;
  let search: CallSearch;
  const [engine] = storeEngines();
  const published: string[] = [];
  const feed = createNewCallsFeed();
  feed.subscribe((calls) => {
    published.push(...calls.map((call) => call.callId));
  });

  beforeAll(async () => {
    if (engine === undefined) throw new Error('no store engine');
    server = await startDemoServer({ records: DATASET, now: () => NOW });
    client = new TencentCallRecordsClient({
      sdkAppId: server.sdkAppId,
      secretKey: server.secretKey,
      adminUser: server.adminUser,
      baseUrl: server.url,
      now: () => NOW * 1000,
    });
    store = await engine.open({ now: () => NOW });
    await store.upsertCalls(RECORDS.slice(0, 10));
    search = new CallSearch(store, { now: () => NOW }, { api: client, writer: store, feed });
  });
  afterAll(async () => {
    await client?.close();
    await server?.close();
  });

  it('finds a stored call with no Tencent request', async () => {
    const before = server.stats.requests;
    const meter = { requests: 0 };
    expect((await search.getCall(` ${RECORDS[3]?.callId} `, { meter }))?.callId).toBe(RECORDS[3]?.callId);
    expect(server.stats.requests).toBe(before);
    expect(meter.requests).toBe(0);
  });

  it('asks Tencent for a CallId the store has not seen, and keeps what it found', async () => {
    const wanted = RECORDS.at(-1) as CallRecord;
    expect(await store.getCall(wanted.callId)).toBeNull();
    const meter = { requests: 0 };
    expect(await search.getCall(wanted.callId, { meter })).toEqual(wanted);
    expect(meter.requests).toBe(1);
    expect(await store.getCall(wanted.callId)).toEqual(wanted);
    // A call new to the store is told to incidents and watches, as the sync would; once.
    expect(published).toEqual([wanted.callId]);
    expect(await search.getCall('00000000-0000-4000-8000-000000000000')).toBeNull();
  });
});
