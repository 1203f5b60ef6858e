/**
 * Call events on each engine (SQLite always; PostgreSQL when BENCH_DATABASE_URL or TEST_DATABASE_URL is set, in a
 * fresh database dropped after):
 * 1. a call's timeline (`eventsOf` one CallId) read from a store of N calls (default 1,000,000) each with 4 events,
 *    p50/p99 over 1,000 random calls; target p99 under 5 ms;
 * 2. callbacks of all three kinds (start, member changed, end: one call's three in turn) at R a second (default
 *    600) for S seconds on the real route over keep-alive HTTP, open loop; target p99 under 20 ms.
 *
 *   npx tsx bench/call-events.ts [--calls 1000000] [--rate 600] [--seconds 20] [--engine sqlite|postgres]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { pino } from 'pino';
import { mulberry32 } from '../src/demo/prng.js';
import { type CallStore, openCallStore } from '../src/store/open-call-store.js';
import { MEMBER_CHANGED_COMMAND, START_CALL_COMMAND } from '../src/tencent/call-event-callbacks.js';
import { END_CALL_COMMAND } from '../src/tencent/callback-request.js';
import { createCallbackRoute } from '../src/tencent/callback-route.js';
import { fillStore, generateCalls, retryWhileLocked } from './lib/fill-store.js';
import { percentile, round, table, verdict } from './lib/format.js';
import { withBenchDatabase } from './lib/pg-admin.js';

const DAY = 86_400;
const TOKEN = 'BenchEventsToken_0123456789';
const SDK_APP_ID = 1400000001;

function argument(name: string): string | undefined {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? process.argv[index + 1] : undefined;
}

function progress(text: string): void {
  process.stderr.write(`[events bench] ${text}\n`);
}

async function withStore<T>(engine: 'sqlite' | 'postgres', work: (store: CallStore) => Promise<T>): Promise<T> {
  if (engine === 'postgres') {
    const base = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL;
    if (base === undefined) throw new Error('no PostgreSQL URL');
    return withBenchDatabase(base, async (url) => {
      const store = await openCallStore({ databaseUrl: url, dataDir: '.', retentionDays: 3650 });
      try {
        return await work(store);
      } finally {
        await store.close();
      }
    });
  }
  const dataDir = mkdtempSync(path.join(tmpdir(), 'callkit-bench-events-'));
  const store = await openCallStore({ dataDir, retentionDays: 3650 });
  try {
    return await work(store);
  } finally {
    await store.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

export interface TimelineResult {
  engine: string;
  calls: number;
  events: number;
  p50Ms: number;
  p99Ms: number;
  /** p99 of this process's CPU time per read. */
  cpuP99Ms: number;
}

/** Fills N calls and 4 events each (bulk, as the fill of the store bench), then reads timelines of random calls. */
export async function benchTimeline(engine: 'sqlite' | 'postgres', calls: number): Promise<TimelineResult> {
  return withStore(engine, async (store) => {
    const to = Math.floor(Date.now() / 1000);
    const spec = {
      count: calls,
      users: 50_000,
      from: to - 30 * DAY,
      to,
      seed: 11,
      heavyUser: 'user000001',
      heavyShare: 0.01,
    };
    const ids: string[] = [];
    const sample = mulberry32(5);
    let events = 0;
    const started = performance.now();
    await fillStore(store, generateCalls(spec), (done) => {
      if (done % 200_000 === 0) progress(`${engine}: ${done.toLocaleString('en-US')} calls`);
    });
    // Then the events, from the same generated calls (same seed), one transaction per 50,000 calls.
    let batch: { call_id: string; at_ms: number; user_id: string; action: string }[] = [];
    const flushEvents = async () => {
      const rows = batch;
      batch = [];
      await retryWhileLocked(() =>
        store.db.transaction().execute(async (trx) => {
          for (let i = 0; i < rows.length; i += 500) {
            await trx
              .insertInto('call_events')
              .values(rows.slice(i, i + 500))
              .execute();
          }
        }),
      );
    };
    for (const call of generateCalls(spec)) {
      if (sample() < 0.001) ids.push(call.callId);
      const t = call.startTime * 1000;
      const callee = call.callees[0] ?? 'x';
      batch.push(
        { call_id: call.callId, at_ms: t, user_id: call.caller, action: 'calling' },
        { call_id: call.callId, at_ms: t, user_id: callee, action: 'invited' },
        { call_id: call.callId, at_ms: t + 5_000, user_id: callee, action: 'accepted' },
        { call_id: call.callId, at_ms: call.endTime * 1000, user_id: callee, action: 'hung-up' },
      );
      events += 4;
      if (batch.length >= 200_000) await flushEvents();
    }
    if (batch.length > 0) await flushEvents();
    progress(
      `${engine}: filled ${calls.toLocaleString('en-US')} calls, ${events.toLocaleString('en-US')} events in ${round((performance.now() - started) / 1000, 1)} s`,
    );
    if (engine === 'postgres') await sql`analyze`.execute(store.db);
    const pick = mulberry32(9);
    const latencies: number[] = [];
    const cpu: number[] = [];
    for (let i = 0; i < 1_100; i++) {
      const id = ids[Math.floor(pick() * ids.length)] as string;
      const t0 = performance.now();
      const c0 = process.cpuUsage();
      const found = await store.eventsOf([id]);
      const ms = performance.now() - t0;
      const used = process.cpuUsage(c0);
      if ((found.get(id)?.length ?? 0) !== 4) throw new Error(`timeline of ${id} has not 4 events`);
      if (i >= 100) {
        latencies.push(ms);
        // This process's CPU time, which a busy machine does not stretch (PostgreSQL's own is not in it).
        cpu.push((used.user + used.system) / 1000);
      }
    }
    return {
      engine,
      calls,
      events,
      p50Ms: round(percentile(latencies, 50), 3),
      p99Ms: round(percentile(latencies, 99), 3),
      cpuP99Ms: round(percentile(cpu, 99), 3),
    };
  });
}

export interface EventCallbackResult {
  engine: string;
  rate: number;
  seconds: number;
  sent: number;
  non200: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  achievedRate: number;
}

/** The three callbacks of call `k`, one per request in turn: start, member accept, end. */
function body(index: number, nowMs: number): { command: string; text: string } {
  const call = Math.floor(index / 3);
  const callId = `bench-${nowMs}-${call}`;
  const caller = String(100 + (call % 500));
  const callee = String(1000 + (call % 733));
  const startMs = nowMs - 60_000;
  switch (index % 3) {
    case 0:
      return {
        command: START_CALL_COMMAND,
        text: JSON.stringify({
          CallbackCommand: START_CALL_COMMAND,
          CallInfo: { CallId: callId, MediaType: 'Video', RoomId: 'r', RoomIdType: 2 },
          UserList: [
            { User_Account: caller, Status: 'Calling' },
            { User_Account: callee, Status: 'Waiting' },
          ],
          EventTime: startMs,
        }),
      };
    case 1:
      return {
        command: MEMBER_CHANGED_COMMAND,
        text: JSON.stringify({
          CallbackCommand: MEMBER_CHANGED_COMMAND,
          CallId: callId,
          ChangedUserList: [{ User_Account: callee, ActionType: 'Accept' }],
          EventTime: startMs + 5_000,
        }),
      };
    default:
      return {
        command: END_CALL_COMMAND,
        text: JSON.stringify({
          CallbackCommand: END_CALL_COMMAND,
          CallRecord: {
            CallId: callId,
            Caller_Account: caller,
            MediaType: 'Video',
            CallType: 'SingleCall',
            StartTime: Math.floor(startMs / 1000),
            EndTime: Math.floor(nowMs / 1000) - 1,
            AcceptTime: Math.floor(startMs / 1000) + 5,
            CallResult: call % 10 === 0 ? 'Interrupt' : 'NormalEnd',
            CalleeList_Account: [caller, callee],
            RoomId: 'r',
            RoomIdType: 2,
          },
          EventTime: nowMs - 1_000,
        }),
      };
  }
}

export async function benchEventCallbacks(
  engine: 'sqlite' | 'postgres',
  rate: number,
  seconds: number,
): Promise<EventCallbackResult> {
  return withStore(engine, async (store) => {
    const route = createCallbackRoute({
      token: TOKEN,
      sdkAppId: SDK_APP_ID,
      store,
      events: store,
      logger: pino({ level: 'silent' }),
    });
    const server = createServer((req, res) => route.handler(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    const agent = new Agent({ keepAlive: true, maxSockets: 64 });
    const latencies: number[] = [];
    let non200 = 0;
    const send = ({ command, text }: { command: string; text: string }) =>
      new Promise<void>((resolve) => {
        const started = performance.now();
        const req = request(
          {
            host: '127.0.0.1',
            port,
            path: `/tencent/callback/${TOKEN}?SdkAppid=${SDK_APP_ID}&CallbackCommand=${command}&contenttype=json`,
            method: 'POST',
            agent,
            headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) },
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
        req.end(text);
      });
    const nowMs = Date.now();
    // Warm-up: connections, prepared statements, JIT.
    await Promise.all(Array.from({ length: 60 }, (_, i) => send(body(3_000_000 + i, nowMs))));
    latencies.length = 0;
    non200 = 0;
    const total = rate * seconds;
    const pending: Promise<void>[] = [];
    const started = performance.now();
    let sent = 0;
    while (sent < total) {
      const due = Math.min(total, Math.floor(((performance.now() - started) / 1000) * rate) + 1);
      while (sent < due) {
        pending.push(send(body(sent, nowMs)));
        sent += 1;
      }
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    await Promise.all(pending);
    const elapsed = (performance.now() - started) / 1000;
    agent.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    return {
      engine,
      rate,
      seconds,
      sent,
      non200,
      p50Ms: round(percentile(latencies, 50), 2),
      p99Ms: round(percentile(latencies, 99), 2),
      maxMs: round(Math.max(...latencies), 2),
      achievedRate: round(sent / elapsed, 1),
    };
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const calls = Number(argument('calls') ?? 1_000_000);
  const rate = Number(argument('rate') ?? 600);
  const seconds = Number(argument('seconds') ?? 20);
  const only = argument('engine');
  const part = argument('part');
  const engines: ('sqlite' | 'postgres')[] = ['sqlite'];
  if (process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL) engines.push('postgres');
  (async () => {
    const chosen = engines.filter((engine) => only === undefined || engine === only);
    const timelines: TimelineResult[] = [];
    const callbacks: EventCallbackResult[] = [];
    for (const engine of chosen) {
      if (part !== 'callbacks') timelines.push(await benchTimeline(engine, calls));
      if (part !== 'timeline') callbacks.push(await benchEventCallbacks(engine, rate, seconds));
    }
    if (timelines.length > 0) {
      process.stdout.write(
        `${table(
          `Call timeline read (eventsOf one call) from a store of ${calls.toLocaleString('en-US')} calls with 4 events each`,
          ['engine', 'events', 'p50 ms', 'p99 ms', 'CPU p99 ms', 'target'],
          timelines.map((r) => [r.engine, r.events, r.p50Ms, r.p99Ms, r.cpuP99Ms, verdict(r.p99Ms < 5)]),
        )}\n`,
      );
    }
    if (callbacks.length > 0) {
      process.stdout.write(
        `${table(
          `Callbacks of all three kinds at ${rate} a second for ${seconds} s (start, member changed, end in turn)`,
          ['engine', 'sent', 'rate/s', 'non-200', 'p50 ms', 'p99 ms', 'max ms', 'target'],
          callbacks.map((r) => [
            r.engine,
            r.sent,
            r.achievedRate,
            r.non200,
            r.p50Ms,
            r.p99Ms,
            r.maxMs,
            verdict(r.p99Ms < 20 && r.non200 === 0),
          ]),
        )}\n`,
      );
    }
    process.stdout.write(`${JSON.stringify({ bench: 'call-events', timelines, callbacks })}\n`);
    process.exit(0);
  })().catch((error: unknown) => {
    process.stderr.write(`bench failed: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  });
}
