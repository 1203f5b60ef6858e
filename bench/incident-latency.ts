/**
 * Bench: how long from new calls to the incident message (SPEC §12), on both store engines. Each run writes a batch
 * of 40 ended calls (20 dropped) into the store and publishes it on the new-calls feed, exactly as the Tencent
 * callback and the sync do, with the real monitor subscribed (the real store queries, views and WebClient); the
 * clock stops when the fake Slack Web API receives the `chat.postMessage` of the incident. The store holds
 * 50,000 older calls besides. Between runs the monitor's clock moves on two windows, so the incident resolves
 * and the next batch opens a new one. Run alone: `npx tsx bench/incident-latency.ts`; PostgreSQL is measured when
 * BENCH_DATABASE_URL or TEST_DATABASE_URL is set (a schema of its own, dropped afterwards).
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { webApi } from '@slack/bolt';
import pg from 'pg';
import { createNewCallsFeed } from '../src/calls/new-calls.js';
import type { CallRecord } from '../src/calls/records.js';
import { loadConfig } from '../src/config.js';
import { createLogger } from '../src/logger.js';
import { createIncidents } from '../src/start-incidents.js';
import { type CallStore, openCallStore } from '../src/store/open-call-store.js';
import { startFakeSlack } from '../test/support/fake-slack.js';
import { percentile, round, table } from './lib/format.js';

export interface IncidentLatencyResult {
  engine: 'sqlite' | 'postgres';
  runs: number;
  backgroundCalls: number;
  /** From the start of the store write to the message reaching Slack. */
  storedToMessageP50Ms: number;
  storedToMessageP99Ms: number;
  storedToMessageMaxMs: number;
  /** From the feed's publish (the calls already stored) to the message reaching Slack. */
  publishedToMessageP50Ms: number;
  publishedToMessageP99Ms: number;
}

const CHANNEL = 'C0ALERTS1';
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
  const stored: number[] = [];
  const published: number[] = [];
  try {
    await fillBackground(store, now);
    monitor.start();
    await monitor.settled();
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
      // Two quiet windows: under the threshold for a whole window, so it resolves before the next run.
      now += WINDOW;
      await monitor.check();
      now += WINDOW;
      await monitor.check();
      now += WINDOW;
    }
  } finally {
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
    storedToMessageP50Ms: round(percentile(stored, 50), 2),
    storedToMessageP99Ms: round(percentile(stored, 99), 2),
    storedToMessageMaxMs: round(Math.max(...stored), 2),
    publishedToMessageP50Ms: round(percentile(published, 50), 2),
    publishedToMessageP99Ms: round(percentile(published, 99), 2),
  };
}

async function adminQuery(url: string, statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

export function incidentLatencyTable(results: readonly IncidentLatencyResult[]): string {
  return table(
    'Incident latency: a batch of 40 ended calls (20 dropped) stored and published → incident message at Slack',
    ['engine', 'runs', 'stored→msg p50 ms', 'p99 ms', 'max ms', 'published→msg p50 ms', 'p99 ms'],
    results.map((r) => [
      r.engine,
      r.runs,
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
