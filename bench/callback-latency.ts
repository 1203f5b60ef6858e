/**
 * Tencent callback latency (SPEC §10: p99 under 20 ms with 200 arriving per second): the real callback route on a
 * node:http server, storing into a real store (embedded SQLite, and PostgreSQL when TEST_DATABASE_URL or
 * DATABASE_URL is set), fed at a fixed rate (open loop: a slow answer never slows the arrivals) over keep-alive
 * connections, each callback a new call. Latency = request sent → whole answer received.
 *
 *   npx tsx bench/callback-latency.ts [seconds] [rate]     (defaults 30 and 200; npm run bench runs it too)
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { pino } from 'pino';
import { createNewCallsFeed } from '../src/calls/new-calls.js';
import { openCallStore } from '../src/store/open-call-store.js';
import { END_CALL_COMMAND } from '../src/tencent/callback-request.js';
import { createCallbackRoute } from '../src/tencent/callback-route.js';
import { percentile, round, table, verdict } from './lib/format.js';

export interface CallbackLatencyResult {
  engine: 'sqlite' | 'postgres';
  rate: number;
  seconds: number;
  sent: number;
  non200: number;
  stored: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Callbacks answered per second over the run. */
  achievedRate: number;
}

const TOKEN = 'BenchCallbackToken_0123456789';
const SDK_APP_ID = 1400000001;
export const CALLBACK_P99_TARGET_MS = 20;

async function postgresUrl(base: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const schema = `bench_cb_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  await admin.query(`create schema ${schema}`);
  await admin.end();
  const url = new URL(base);
  url.searchParams.set('options', `-c search_path=${schema}`);
  return {
    url: url.toString(),
    async drop() {
      const client = new pg.Client({ connectionString: base });
      await client.connect();
      await client.query(`drop schema ${schema} cascade`);
      await client.end();
    },
  };
}

function callbackBody(index: number, now: number): string {
  return JSON.stringify({
    CallbackCommand: END_CALL_COMMAND,
    CallRecord: {
      CallId: `bench-${now}-${index}-${randomBytes(4).toString('hex')}`,
      Caller_Account: String(100 + (index % 500)),
      MediaType: index % 3 === 0 ? 'Audio' : 'Video',
      CallType: index % 7 === 0 ? 'MultiCall' : 'SingleCall',
      StartTime: now - 120,
      EndTime: now - 2,
      AcceptTime: now - 115,
      CallResult: index % 10 === 0 ? 'Interrupt' : 'NormalEnd',
      CalleeList_Account: [String(100 + (index % 500)), String(1000 + (index % 733))],
      RoomId: `room-${index}`,
      RoomIdType: 2,
    },
    EventTime: now * 1000,
  });
}

export async function benchCallbackLatency(options: {
  engine: 'sqlite' | 'postgres';
  databaseUrl?: string;
  rate?: number;
  seconds?: number;
}): Promise<CallbackLatencyResult> {
  const rate = options.rate ?? 200;
  const seconds = options.seconds ?? 30;
  const dataDir = mkdtempSync(path.join(tmpdir(), 'callkit-bench-cb-'));
  const pgSchema =
    options.engine === 'postgres' && options.databaseUrl ? await postgresUrl(options.databaseUrl) : undefined;
  const store = await openCallStore({
    dataDir,
    retentionDays: 90,
    ...(pgSchema === undefined ? {} : { databaseUrl: pgSchema.url }),
  });
  const route = createCallbackRoute({
    token: TOKEN,
    sdkAppId: SDK_APP_ID,
    store,
    feed: createNewCallsFeed(),
    logger: pino({ level: 'silent' }),
  });
  const server = createServer((req, res) => route.handler(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  const pathWithQuery = `/tencent/callback/${TOKEN}?SdkAppid=${SDK_APP_ID}&CallbackCommand=${END_CALL_COMMAND}&contenttype=json`;

  const latencies: number[] = [];
  let non200 = 0;
  const send = (body: string) =>
    new Promise<void>((resolve) => {
      const started = performance.now();
      const req = request(
        {
          host: '127.0.0.1',
          port,
          path: pathWithQuery,
          method: 'POST',
          agent,
          headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
        },
        (res) => {
          res.resume();
          res.once('end', () => {
            latencies.push(performance.now() - started);
            if (res.statusCode !== 200) non200 += 1;
            resolve();
          });
        },
      );
      req.once('error', () => {
        non200 += 1;
        resolve();
      });
      req.end(body);
    });

  const now = Math.floor(Date.now() / 1000);
  // Warm-up: connections, prepared statements, JIT.
  await Promise.all(Array.from({ length: 50 }, (_, i) => send(callbackBody(-1 - i, now))));
  latencies.length = 0;
  non200 = 0;

  const total = rate * seconds;
  const pending: Promise<void>[] = [];
  const started = performance.now();
  let sent = 0;
  while (sent < total) {
    const due = Math.min(total, Math.floor(((performance.now() - started) / 1000) * rate) + 1);
    while (sent < due) {
      pending.push(send(callbackBody(sent, now)));
      sent += 1;
    }
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  await Promise.all(pending);
  const elapsed = (performance.now() - started) / 1000;

  const stored = await store.countCalls({
    users: [],
    results: [],
    callTypes: [],
    mediaTypes: [],
    from: 0,
    to: 4_000_000_000,
  });
  agent.destroy();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await store.close();
  rmSync(dataDir, { recursive: true, force: true });
  await pgSchema?.drop();
  return {
    engine: options.engine,
    rate,
    seconds,
    sent,
    non200,
    stored: stored - 50,
    p50Ms: round(percentile(latencies, 50), 2),
    p99Ms: round(percentile(latencies, 99), 2),
    maxMs: round(Math.max(...latencies), 2),
    achievedRate: round(sent / elapsed, 1),
  };
}

/** Both engines (PostgreSQL when a URL is configured), one after the other. */
export async function benchCallbacks(seconds = 30, rate = 200): Promise<CallbackLatencyResult[]> {
  const results = [await benchCallbackLatency({ engine: 'sqlite', rate, seconds })];
  const databaseUrl = process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL;
  if (databaseUrl) results.push(await benchCallbackLatency({ engine: 'postgres', databaseUrl, rate, seconds }));
  return results;
}

export function callbackTable(results: readonly CallbackLatencyResult[]): string {
  return table(
    `4. Tencent callback: ${results[0]?.rate ?? 200} a second for ${results[0]?.seconds ?? 30} s, each a new call stored before the answer`,
    ['engine', 'sent', 'rate/s', 'non-200', 'stored', 'p50 ms', 'p99 ms', 'max ms', 'target'],
    results.map((r) => [
      r.engine,
      r.sent,
      r.achievedRate,
      r.non200,
      r.stored,
      r.p50Ms,
      r.p99Ms,
      r.maxMs,
      verdict(r.p99Ms < CALLBACK_P99_TARGET_MS && r.non200 === 0 && r.stored === r.sent),
    ]),
  );
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const seconds = Number(process.argv[2] ?? 30);
  const rate = Number(process.argv[3] ?? 200);
  benchCallbacks(seconds, rate).then(
    (results) => {
      process.stdout.write(`${callbackTable(results)}\n`);
      process.stdout.write(`${JSON.stringify({ bench: 'callback-latency', results })}\n`);
      process.exit(0);
    },
    (error: unknown) => {
      process.stderr.write(`bench failed: ${error instanceof Error ? error.stack : String(error)}\n`);
      process.exit(1);
    },
  );
}
