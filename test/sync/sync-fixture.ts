/**
 * A sync against real things: the demo Tencent server over HTTP (the real client, a clock the test moves), a real
 * store (SQLite file or PostgreSQL), the real new-calls feed and a captured logger.
 */

import { createNewCallsFeed } from '../../src/calls/new-calls.js';
import type { CallRecord, WireCallRecord } from '../../src/calls/records.js';
import { generateDataset } from '../../src/demo/dataset.js';
import { type DemoServer, type DemoServerOptions, startDemoServer } from '../../src/demo/server.js';
import { type StartSyncOptions, type SyncJob, startSync } from '../../src/jobs/sync-job.js';
import type { CallStore } from '../../src/store/open-call-store.js';
import { storeFilter } from '../../src/sync/buckets.js';
import { TencentCallRecordsClient } from '../../src/tencent/client.js';
import { captureLogs, type LogCapture } from '../support/logs.js';
import type { TestStoreEngine } from '../support/store-engines.js';

/** 2026-11-30 12:30:00 UTC: a fixed "now", so bucket boundaries and expected counts are the same every run. */
export const T0 = Date.UTC(2026, 10, 30, 12, 30, 0) / 1000;
export const DAY = 86_400;
export const HOUR = 3600;

export interface Clock {
  t: number;
  now: () => number;
}

export function clockAt(t: number): Clock {
  const clock: Clock = { t, now: () => clock.t };
  return clock;
}

export interface SyncFixture {
  clock: Clock;
  demo: DemoServer;
  api: TencentCallRecordsClient;
  store: CallStore;
  logs: LogCapture;
  /** Every call the feed published, in order. */
  published: CallRecord[];
  start(options?: Partial<StartSyncOptions>): SyncJob;
  /** Demo records with StartTime in `[from, to)`. */
  demoCount(from: number, to: number): number;
  storeCount(from: number, to: number): Promise<number>;
  close(): Promise<void>;
}

export interface FixtureOptions {
  records?: WireCallRecord[];
  callsPerDay?: number;
  demo?: Omit<DemoServerOptions, 'records' | 'now'>;
  retentionDays?: number;
}

export async function syncFixture(engine: TestStoreEngine, options: FixtureOptions = {}): Promise<SyncFixture> {
  const clock = clockAt(T0);
  const demo = await startDemoServer({
    records: options.records ?? generateDataset({ seed: 5, now: T0, callsPerDay: options.callsPerDay ?? 300 }),
    now: clock.now,
    rateLimit: 100_000,
    ...options.demo,
  });
  const api = clientFor(demo, clock);
  const store = await engine.open({ now: clock.now, retentionDays: options.retentionDays ?? 90 });
  const logs = captureLogs('info');
  const feed = createNewCallsFeed();
  const published: CallRecord[] = [];
  feed.subscribe((calls) => {
    published.push(...calls);
  });
  const jobs: SyncJob[] = [];
  return {
    clock,
    demo,
    api,
    store,
    logs,
    published,
    start(overrides = {}) {
      const job = startSync({
        api,
        store,
        feed,
        logger: logs.logger,
        intervalSeconds: 60,
        retentionDays: options.retentionDays ?? 90,
        now: clock.now,
        schedule: false,
        ...overrides,
      });
      jobs.push(job);
      return job;
    },
    demoCount(from, to) {
      return demo.records.filter((record) => record.StartTime >= from && record.StartTime < to).length;
    },
    storeCount: (from, to) => store.countCalls(storeFilter({ from, to })),
    async close() {
      for (const job of jobs) await job.stop();
      await api.close();
      await demo.close();
    },
  };
}

/** The real client against the demo server, on the test's clock; a long UserSig so the clock may move days. */
export function clientFor(demo: DemoServer, clock: Clock, secretKey = demo.secretKey): TencentCallRecordsClient {
  return new TencentCallRecordsClient({
    sdkAppId: demo.sdkAppId,
    secretKey,
    adminUser: demo.adminUser,
    baseUrl: demo.url,
    maxQps: 2000,
    now: () => clock.t * 1000,
    userSig: { validitySeconds: 90 * DAY },
    retry: { maxAttempts: 1 },
  });
}

/** A call as Tencent lists it, ended by `end`. */
export function wireCall(callId: string, start: number, end: number, overrides: Partial<WireCallRecord> = {}) {
  return {
    CallId: callId,
    Caller_Account: '147',
    MediaType: 'Audio',
    CallType: 'SingleCall',
    StartTime: start,
    EndTime: end,
    AcceptTime: start + 3,
    CallResult: 'NormalEnd',
    CalleeList_Account: ['147', '369'],
    RoomId: `room-${callId}`,
    RoomIdType: 2,
    ...overrides,
  } satisfies WireCallRecord;
}
