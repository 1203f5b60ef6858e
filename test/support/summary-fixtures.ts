/**
 * A fixed dataset for the daily summary tests: a call-record store (SQLite in a temp DATA_DIR) holding it, reconciled
 * up to a fixed clock; a demo Tencent server holding it too, with the real client (what a backend carries); and a
 * WebClient pointed at the fake Slack.
 */

import { TZDate } from '@date-fns/tz';
import { webApi } from '@slack/bolt';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { CallGlance } from '../../src/calls/glance.js';
import { createNewCallsFeed } from '../../src/calls/new-calls.js';
import type { WireCallRecord } from '../../src/calls/records.js';
import { CallSearch } from '../../src/calls/search-calls.js';
import { type DemoServer, startDemoServer } from '../../src/demo/server.js';
import type { CallStore } from '../../src/store/open-call-store.js';
import { createStoreFigures } from '../../src/store/operations-queries.js';
import { createUserNames } from '../../src/store/user-names.js';
import { TencentCallRecordsClient } from '../../src/tencent/client.js';
import { normalizeRecord } from '../../src/tencent/normalize-record.js';
import type { CallRecordsBackend } from '../../src/wiring/backend.js';
import { type FakeSlack, startFakeSlack } from './fake-slack.js';
import { storeEngines } from './store-engines.js';

export const BERLIN = 'Europe/Berlin';
/** The day summarised: 35 calls, 4 Interrupt and 1 Offline. */
export const DAY = '2026-11-25';
/** The day before: 12 calls, 2 Interrupt. */
export const DAY_BEFORE = '2026-11-24';
/** A quiet day: 8 calls, none interrupted. */
export const QUIET_DAY = '2026-11-23';
/** 09:00 in Berlin on 2026-11-26: "yesterday" is DAY. */
export const NOW = Date.UTC(2026, 10, 26, 8) / 1000;
export const CHANNEL = 'C0SUMMARY1';

let ids = 0;
function call(date: string, time: string, result = 'NormalEnd', caller = 'u1', callees = ['u2']): WireCallRecord {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const [hh, mm] = time.split(':').map(Number) as [number, number];
  const start = new TZDate(y, m - 1, d, hh, mm, 0, BERLIN).getTime() / 1000;
  const connected = result === 'NormalEnd' || result === 'Interrupt' || result === 'Offline';
  ids += 1;
  return {
    CallId: `fixture-call-${String(ids).padStart(5, '0')}`,
    Caller_Account: caller,
    MediaType: ids % 3 === 0 ? 'Video' : 'Audio',
    CallType: 'SingleCall',
    StartTime: start,
    EndTime: start + 90,
    AcceptTime: connected ? start + 4 : 0,
    CallResult: result,
    CalleeList_Account: [caller, ...callees],
    RoomId: `room-${ids}`,
    RoomIdType: 2,
  };
}

export function summaryDataset(): WireCallRecord[] {
  const records: WireCallRecord[] = [];
  for (let i = 0; i < 30; i++) records.push(call(DAY, `${String(6 + (i % 16)).padStart(2, '0')}:${10 + i}`));
  records.push(
    call(DAY, '09:05', 'Interrupt', '147', ['369']),
    call(DAY, '09:40', 'Interrupt', '147', ['3423']),
    call(DAY, '14:00', 'Interrupt', '10001', ['147']),
    call(DAY, '14:30', 'Interrupt', 'alice', ['bob']),
    call(DAY, '20:15', 'Offline', 'bob', ['147']),
  );
  for (let i = 0; i < 10; i++) records.push(call(DAY_BEFORE, `${String(8 + i).padStart(2, '0')}:00`));
  records.push(call(DAY_BEFORE, '12:30', 'Interrupt'), call(DAY_BEFORE, '13:30', 'Interrupt'));
  for (let i = 0; i < 8; i++) records.push(call(QUIET_DAY, `${String(9 + i).padStart(2, '0')}:00`));
  return records.sort((a, b) => a.StartTime - b.StartTime);
}

export interface Fixture {
  server: DemoServer;
  client: TencentCallRecordsClient;
  /** The store the summary reads: every record, reconciled over the 30 days before `now`. */
  store: CallStore;
  /** A backend as `createCallRecordsBackend` returns it, over this server (for the CLI's `createBackend`). */
  backend(demo?: boolean): CallRecordsBackend;
  /** How many times a backend from `backend()` was closed. */
  backendCloses(): number;
  close(): Promise<void>;
}

/** The demo server holding `records`, whose clock reads `now`, and the real client (its clock too). */
export async function startFixture(records = summaryDataset(), now = NOW): Promise<Fixture> {
  const server = await startDemoServer({ records, now: () => now });
  const client = new TencentCallRecordsClient({
    sdkAppId: server.sdkAppId,
    secretKey: server.secretKey,
    adminUser: server.adminUser,
    baseUrl: server.url,
    maxQps: 200,
    now: () => now * 1000,
  });
  const [engine] = storeEngines();
  if (engine === undefined) throw new Error('no store engine');
  const store = await engine.open({ now: () => now });
  await store.upsertCalls(
    records.map((wire) => {
      const normalized = normalizeRecord(wire, now);
      if (!normalized.ok) throw new Error(normalized.reason);
      return normalized.record;
    }),
  );
  await store.writeSyncState({ coveredFrom: now - 30 * 86_400, backfillDone: true, lastSyncAt: now });
  let closes = 0;
  return {
    server,
    client,
    store,
    backend: (demo = true) => ({
      api: client,
      store,
      names: createUserNames(store.db, store.engine),
      search: new CallSearch(store, { now: () => now }),
      glance: new CallGlance(store, { now: () => now }),
      feed: createNewCallsFeed(),
      figures: createStoreFigures(store.db, store.engine),
      demo,
      firstSync: Promise.resolve(),
      close: async () => {
        closes += 1;
      },
    }),
    backendCloses: () => closes,
    async close() {
      await client.close();
      await server.close();
    },
  };
}

/** A WebClient on the fake Slack that never retries. */
export function slackClient(slack: FakeSlack): webApi.WebClient {
  return new webApi.WebClient(slack.token, {
    slackApiUrl: slack.apiUrl,
    retryConfig: { retries: 0 },
    logLevel: webApi.LogLevel.ERROR,
  });
}

export const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/**
 * Registers, in the calling `describe`, a demo Tencent server with the fixed dataset and a fake Slack for its
 * tests, fresh Slack records and failures before each test, and both closed at the end.
 */
export function useSummaryFixture(receive: (fixture: Fixture, slack: FakeSlack) => void): void {
  let fixture: Fixture | undefined;
  let slack: FakeSlack | undefined;
  beforeAll(async () => {
    const started = { fixture: await startFixture(), slack: await startFakeSlack() };
    ({ fixture, slack } = started);
    receive(started.fixture, started.slack);
  });
  afterAll(async () => {
    await slack?.close();
    await fixture?.close();
  });
  beforeEach(() => {
    slack?.reset();
    slack?.clearFailures();
  });
}
