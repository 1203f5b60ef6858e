/**
 * Bench: how long from new calls to the incident message, on both store engines, with the real monitor
 * subscribed to the new-calls feed (the real store queries, views and WebClient); the clock stops when the fake
 * Slack Web API receives the incident's `chat.postMessage`. The store holds 50,000 older calls besides.
 * - **callback**: 39 calls (3 dropped) already ended in the window; then ONE Tencent callback of a dropped call
 *   (4 of 40 = 10 %) is POSTed to the real callback route on a node:http server: request sent → message at Slack.
 * - **batch**: 40 ended calls (20 dropped) written to the store and published, as the sync does.
 * Between runs the monitor's clock moves on three windows, so the incident resolves and the next run opens a new
 * one. Run alone: `npx tsx bench/incident-latency.ts`; PostgreSQL is measured when BENCH_DATABASE_URL or
 * TEST_DATABASE_URL is set (a schema of its own, dropped afterwards).
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { webApi } from '@slack/bolt';
import { createNewCallsFeed } from '../src/calls/new-calls.js';
import type { CallRecord } from '../src/calls/records.js';
import { loadConfig } from '../src/config/index.js';
import { createLogger } from '../src/shared/logger.js';
import { type CallStore, openCallStore } from '../src/store/open-call-store.js';
import { END_CALL_COMMAND } from '../src/tencent/callback-request.js';
import { createCallbackRoute } from '../src/tencent/callback-route.js';
import { createIncidents } from '../src/wiring/incidents.js';
import { startFakeSlack } from '../test/support/fake-slack.js';
import { percentile, round, table } from './lib/format.js';
import { adminQuery } from './lib/pg-admin.js';

export interface IncidentLatencyResult {
  engine: 'sqlite' | 'postgres';
  runs: number;
  backgroundCalls: number;
  /** From sending one Tencent callback (the call that tips the rate) to the message reaching Slack. */
  callbackToMessageP50Ms: number;
  callbackToMessageP99Ms: number;
  callbackToMessageMaxMs: number;
  /** From the start of the store write to the message reaching Slack. */
  storedToMessageP50Ms: number;
  storedToMessageP99Ms: number;
  storedToMessageMaxMs: number;
  /** From the feed's publish (the calls already stored) to the message reaching Slack. */
  publishedToMessageP50Ms: number;
  publishedToMessageP99Ms: number;
}

const CHANNEL = 'C0ALERTS1';
const TOKEN = 'BenchIncidentToken_0123456789';
const SDK_APP_ID = 1400000001;
const WINDOW = 900;
const BACKGROUND = 50_000;

let serial = 0;
function call(endTime: number, result: string, caller: string): CallRecord {
  serial += 1;
  return {
    callId: `bench-${serial}-${randomBytes(3).toString('hex')}`,
    caller,
    callees: [`agent-${serial % 7}`],
    mediaType: serial % 2 === 0 ? 'Audio' : 'Video',
    callType: 'SingleCall',
    startTime: endTime - 90,
    endTime,
    acceptTime: endTime - 80,
    result,
    roomId: `room-${serial}`,
    roomIdType: 2,
  };
}

/** The record as Tencent posts it in `Call.CallbackAfterEndCall`. */
function callbackBody(record: CallRecord): string {
  return JSON.stringify({
    CallbackCommand: END_CALL_COMMAND,
    CallRecord: {
      CallId: record.callId,
      Caller_Account: record.caller,
      MediaType: record.mediaType,
      CallType: record.callType,
      StartTime: record.startTime,
      EndTime: record.endTime,
      AcceptTime: record.acceptTime ?? 0,
      CallResult: record.result,
      CalleeList_Account: record.callees,
      RoomId: record.roomId,
      RoomIdType: record.roomIdType,
    },
    EventTime: record.endTime * 1000,
  });
}

function postCallback(port: number, body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path: `/tencent/callback/${TOKEN}?SdkAppid=${SDK_APP_ID}&CallbackCommand=${END_CALL_COMMAND}&contenttype=json`,
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        res.resume();
        res.once('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.once('error', reject);
    req.end(body);
  });
}

async function fillBackground(store: CallStore, now: number): Promise<void> {
  const week = 7 * 86_400;
  for (let done = 0; done < BACKGROUND; done += 1000) {
    const batch = Array.from({ length: 1000 }, (_, i) =>
      call(
        now - week + Math.floor(((done + i) / BACKGROUND) * (week - 4 * WINDOW)),
        i % 20 === 0 ? 'Interrupt' : 'NormalEnd',
        `u${i % 500}`,
      ),
    );
    await store.upsertCalls(batch);
  }
}

export async function benchIncidentLatency(
  engine: 'sqlite' | 'postgres',
  options: { runs?: number; databaseUrl?: string } = {},
): Promise<IncidentLatencyResult> {
  const runs = options.runs ?? 30;
  const slack = await startFakeSlack();
  const dataDir = mkdtempSync(path.join(tmpdir(), 'callkit-bench-incidents-'));
  let schema: string | undefined;
  let databaseUrl: string | undefined;
  if (engine === 'postgres') {
    if (options.databaseUrl === undefined) throw new Error('PostgreSQL needs a database URL');
    schema = `bench_${randomBytes(5).toString('hex')}`;
    await adminQuery(options.databaseUrl, `create schema ${schema}`);
    const url = new URL(options.databaseUrl);
    url.searchParams.set('options', `-c search_path=${schema}`);
    databaseUrl = url.toString();
  }
  let now = Math.floor(Date.now() / 1000);
  const store = await openCallStore({ dataDir, retentionDays: 90, ...(databaseUrl ? { databaseUrl } : {}) });
  let sent: number | undefined;
  let ts = 0;
  slack.handle('chat.postMessage', (args) => {
    if (args.thread_ts === undefined) sent ??= performance.now();
    ts += 1;
    return { channel: args.channel, ts: `${now}.${String(ts).padStart(6, '0')}` };
  });
  const config = loadConfig({
    SLACK_BOT_TOKEN: slack.token,
    SLACK_SIGNING_SECRET: 'bench',
    SLACK_API_URL: slack.apiUrl,
    ALERT_CHANNEL: CHANNEL,
    ALERT_WINDOW: `${WINDOW}s`,
  });
  const feed = createNewCallsFeed();
  const monitor = createIncidents(config, {
    store,
    feed,
    logger: createLogger({ level: 'silent' }),
    demo: false,
    client: new webApi.WebClient(slack.token, { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 } }),
    now: () => now,
    intervalMs: 3_600_000,
  });
  if (monitor === undefined) throw new Error('no monitor');
  const route = createCallbackRoute({
    token: TOKEN,
    sdkAppId: SDK_APP_ID,
    store,
    feed,
    logger: createLogger({ level: 'silent' }),
    now: () => now,
  });
  const server = createServer((req, res) => route.handler(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const viaCallback: number[] = [];
  const stored: number[] = [];
  const published: number[] = [];
  /** Two quiet windows (under the threshold for a whole window: resolved), then a fresh one. */
  const resolve = async () => {
    now += WINDOW;
    await monitor.check();
    now += WINDOW;
    await monitor.check();
    now += WINDOW;
  };
  try {
    await fillBackground(store, now);
    monitor.start();
    await monitor.settled();
    for (let run = 0; run < runs; run++) {
      // 3 of 39 dropped (7.7 %): under the threshold; the callback's dropped call makes it 4 of 40 (10 %).
      await store.upsertCalls(
        Array.from({ length: 39 }, (_, i) => call(now - 5, i < 3 ? 'Offline' : 'NormalEnd', `user-${i % 5}`)),
      );
      await monitor.check();
      if (sent !== undefined) throw new Error(`run ${run}: opened before the callback`);
      const started = performance.now();
      const status = await postCallback(port, callbackBody(call(now, 'Interrupt', 'user-1')));
      if (status !== 200) throw new Error(`run ${run}: the callback was answered ${status}`);
      await monitor.settled();
      if (sent === undefined) throw new Error(`run ${run}: no incident message after the callback`);
      viaCallback.push(sent - started);
      sent = undefined;
      await resolve();
    }
    for (let run = 0; run < runs; run++) {
      const batch = Array.from({ length: 40 }, (_, i) =>
        call(now, i < 20 ? 'Interrupt' : 'NormalEnd', `user-${i % 5}`),
      );
      sent = undefined;
      const started = performance.now();
      const { inserted } = await store.upsertCalls(batch);
      const publishing = performance.now();
      const ids = new Set(inserted);
      await feed.publish(batch.filter((record) => ids.has(record.callId)));
      await monitor.settled();
      if (sent === undefined) throw new Error(`run ${run}: no incident message`);
      stored.push(sent - started);
      published.push(sent - publishing);
      await resolve();
    }
  } finally {
    await new Promise<void>((done) => server.close(() => done()));
    await monitor.stop();
    await store.close();
    await slack.close();
    rmSync(dataDir, { recursive: true, force: true });
    if (schema !== undefined && options.databaseUrl !== undefined) {
      await adminQuery(options.databaseUrl, `drop schema ${schema} cascade`);
    }
  }
  return {
    engine,
    runs,
    backgroundCalls: BACKGROUND,
    callbackToMessageP50Ms: round(percentile(viaCallback, 50), 2),
    callbackToMessageP99Ms: round(percentile(viaCallback, 99), 2),
    callbackToMessageMaxMs: round(Math.max(...viaCallback), 2),
    storedToMessageP50Ms: round(percentile(stored, 50), 2),
    storedToMessageP99Ms: round(percentile(stored, 99), 2),
    storedToMessageMaxMs: round(Math.max(...stored), 2),
    publishedToMessageP50Ms: round(percentile(published, 50), 2),
    publishedToMessageP99Ms: round(percentile(published, 99), 2),
  };
}

export function incidentLatencyTable(results: readonly IncidentLatencyResult[]): string {
  return table(
    'Incident latency: one Tencent callback that tips the rate → incident message at Slack; and a batch of 40 ' +
      'ended calls (20 dropped) stored and published (as the sync does) → message',
    [
      'engine',
      'runs',
      'callback→msg p50 ms',
      'p99 ms',
      'max ms',
      'batch stored→msg p50 ms',
      'p99 ms',
      'max ms',
      'published→msg p50 ms',
      'p99 ms',
    ],
    results.map((r) => [
      r.engine,
      r.runs,
      r.callbackToMessageP50Ms,
      r.callbackToMessageP99Ms,
      r.callbackToMessageMaxMs,
      r.storedToMessageP50Ms,
      r.storedToMessageP99Ms,
      r.storedToMessageMaxMs,
      r.publishedToMessageP50Ms,
      r.publishedToMessageP99Ms,
    ]),
  );
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const url = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL;
  const results = [await benchIncidentLatency('sqlite')];
  if (url) results.push(await benchIncidentLatency('postgres', { databaseUrl: url }));
  process.stdout.write(`${incidentLatencyTable(results)}\n${JSON.stringify({ incidentLatency: results })}\n`);
}
