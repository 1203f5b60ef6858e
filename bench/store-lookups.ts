/**
 * The call-record store on a generated store of 1,000,000 calls, on each engine (SQLite always; PostgreSQL when
 * BENCH_DATABASE_URL or TEST_DATABASE_URL is set: a fresh database is created and dropped). Prints, per engine:
 * the bulk fill rate, the ingest rate through `upsertCalls` (the sync's path) in batches of 100 and 1,000, a user
 * lookup's first page, next page and count (p50/p99, inside the store), a deep next page of a heavy user, and
 * disk bytes per call. Then one line of JSON. Target (SPEC 10): first and next page under 5 ms at p99.
 *
 *   npx tsx bench/store-lookups.ts [--calls 1000000] [--engine sqlite|postgres]
 */
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { sql } from 'kysely';
import type { CallFilter } from '../src/calls/call-store.js';
import type { CallRecord } from '../src/calls/records.js';
import { type CallStore, openCallStore } from '../src/store/open-call-store.js';
import { fillStore, type GeneratedStore, generateCalls, userId } from './lib/fill-store.js';
import { mb, percentile, round, table } from './lib/format.js';
import { describeMachine, machineFacts } from './lib/machine.js';
import { withBenchDatabase } from './lib/pg-admin.js';

const DAY = 86_400;
const PAGE = 10;
const LOOKUPS = 500;

function argument(name: string): string | undefined {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? process.argv[index + 1] : undefined;
}

function progress(text: string): void {
  process.stderr.write(`[store bench] ${text}\n`);
}

export interface StoreLookupResult {
  engine: string;
  calls: number;
  fillPerSecond: number;
  fillPerCpuSecond: number;
  upsert100PerSecond: number;
  upsert100PerCpuSecond: number;
  upsert1000PerSecond: number;
  upsert1000PerCpuSecond: number;
  firstPage: { p50: number; p99: number };
  firstPageCpu: { p50: number; p99: number };
  firstPageUnpreempted: { p50: number; p99: number; samples: number };
  nextPage: { p50: number; p99: number };
  count: { p50: number; p99: number };
  heavyUserCalls: number;
  heavyDeepNextPage: { p50: number; p99: number };
  userResultFirstPage: { p50: number; p99: number };
  diskBytesPerCall: number;
  rssMb: number;
}

/** Wall time, and this process's CPU time (which a busy machine does not stretch; PostgreSQL's own is not in it). */
async function timed<T>(work: () => Promise<T>, cpu?: number[]): Promise<[T, number]> {
  const start = process.hrtime.bigint();
  const startCpu = process.cpuUsage();
  const result = await work();
  const used = process.cpuUsage(startCpu);
  cpu?.push((used.user + used.system) / 1000);
  return [result, Number(process.hrtime.bigint() - start) / 1e6];
}

function stats(ms: number[]): { p50: number; p99: number } {
  return { p50: round(percentile(ms, 50), 3), p99: round(percentile(ms, 99), 3) };
}

async function benchEngine(
  name: 'sqlite' | 'postgres',
  count: number,
  databaseUrl?: string,
): Promise<StoreLookupResult> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'callkit-store-bench-'));
  const now = Math.floor(Date.now() / 1000);
  const spec: GeneratedStore = {
    count,
    users: 20_000,
    from: now - 30 * DAY,
    to: now - DAY,
    seed: 42,
    heavyUser: 'heavy-user',
    heavyShare: 0.01,
  };
  const store = await openCallStore({ dataDir, databaseUrl, retentionDays: 90 });
  try {
    progress(`${name}: filling ${count.toLocaleString('en-US')} calls…`);
    const fillCpu: number[] = [];
    const [, fillMs] = await timed(
      () =>
        fillStore(store, generateCalls(spec), (done) => {
          if (done % 200_000 === 0) progress(`${name}: ${done.toLocaleString('en-US')}`);
        }),
      fillCpu,
    );
    if (name === 'postgres') await sql`vacuum analyze`.execute(store.db);
    else await sql`analyze`.execute(store.db);

    progress(`${name}: upserts through upsertCalls…`);
    const upsertRate = async (batch: number, total: number, offset: number) => {
      const calls = [...generateCalls({ ...spec, count: total, from: now - DAY, to: now }, offset)];
      const cpu: number[] = [];
      const [, ms] = await timed(async () => {
        for (let i = 0; i < calls.length; i += batch) await store.upsertCalls(calls.slice(i, i + batch));
      }, cpu);
      return { wall: round((calls.length / ms) * 1000, 0), cpu: round((calls.length / (cpu[0] as number)) * 1000, 0) };
    };
    const upsert100 = await upsertRate(100, 20_000, 1);
    const upsert1000 = await upsertRate(1_000, 50_000, 2);

    progress(`${name}: lookups…`);
    const all: Omit<CallFilter, 'users'> = {
      results: [],
      callTypes: [],
      mediaTypes: [],
      from: now - 90 * DAY,
      to: now,
    };
    const first: number[] = [];
    const firstCpu: number[] = [];
    const firstUnpreempted: number[] = [];
    const next: number[] = [];
    const counts: number[] = [];
    const userResult: number[] = [];
    for (let i = 0; i < LOOKUPS; i++) {
      const filter = { ...all, users: [userId((i * 7919) % spec.users)] };
      const switches = process.resourceUsage().involuntaryContextSwitches;
      const [page, firstMs] = await timed(() => store.findCalls(filter, { limit: PAGE }), firstCpu);
      first.push(firstMs);
      // The lookups the OS did not take the CPU away from in the middle: what the store itself costs.
      if (process.resourceUsage().involuntaryContextSwitches === switches) firstUnpreempted.push(firstMs);
      const last = page.at(-1) as CallRecord | undefined;
      if (last) next.push((await timed(() => store.findCalls(filter, { limit: PAGE, after: last })))[1]);
      counts.push((await timed(() => store.countCalls(filter)))[1]);
      const dropped = { ...filter, results: ['Interrupt', 'Offline'] };
      userResult.push((await timed(() => store.findCalls(dropped, { limit: PAGE })))[1]);
    }
    const heavy = { ...all, users: [spec.heavyUser] };
    const heavyCalls = await store.countCalls(heavy);
    const deep: number[] = [];
    for (let i = 0; i < 100; i++) {
      const [anchor] = await store.findCalls(heavy, { limit: 1, offset: Math.floor(heavyCalls * (i / 100)) });
      if (anchor) deep.push((await timed(() => store.findCalls(heavy, { limit: PAGE, after: anchor })))[1]);
    }
    const totalCalls = await store.countCalls({ ...all, users: [] });
    return {
      engine: name,
      calls: totalCalls,
      fillPerSecond: round((count / fillMs) * 1000, 0),
      fillPerCpuSecond: round((count / (fillCpu[0] as number)) * 1000, 0),
      upsert100PerSecond: upsert100.wall,
      upsert100PerCpuSecond: upsert100.cpu,
      upsert1000PerSecond: upsert1000.wall,
      upsert1000PerCpuSecond: upsert1000.cpu,
      firstPage: stats(first),
      firstPageCpu: stats(firstCpu),
      firstPageUnpreempted: { ...stats(firstUnpreempted), samples: firstUnpreempted.length },
      nextPage: stats(next),
      count: stats(counts),
      heavyUserCalls: heavyCalls,
      heavyDeepNextPage: stats(deep),
      userResultFirstPage: stats(userResult),
      diskBytesPerCall: round((await diskBytes(store, dataDir)) / totalCalls, 0),
      rssMb: mb(process.memoryUsage().rss),
    };
  } finally {
    await store.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function diskBytes(store: CallStore, dataDir: string): Promise<number> {
  if (store.engine === 'sqlite') {
    await sql`pragma wal_checkpoint(truncate)`.execute(store.db);
    return readdirSync(dataDir).reduce((sum, file) => sum + statSync(path.join(dataDir, file)).size, 0);
  }
  const { rows } = await sql<{ bytes: number }>`select
    pg_total_relation_size('calls') + pg_total_relation_size('call_participants') as bytes`.execute(store.db);
  return Number(rows[0]?.bytes ?? 0);
}

/** Each engine the machine has (PostgreSQL in a fresh database on `databaseUrl`'s server). */
export async function benchStoreLookups(options: {
  calls: number;
  engines?: readonly string[];
  databaseUrl?: string;
}): Promise<StoreLookupResult[]> {
  const engines = options.engines ?? ['sqlite', 'postgres'];
  const results: StoreLookupResult[] = [];
  if (engines.includes('sqlite')) results.push(await benchEngine('sqlite', options.calls));
  const base = options.databaseUrl;
  if (engines.includes('postgres') && base !== undefined) {
    results.push(await withBenchDatabase(base, (url) => benchEngine('postgres', options.calls, url)));
  }
  return results;
}

const ms = (s: { p50: number; p99: number }) => `${s.p50} / ${s.p99}`;

/** The lookup table, its notes and the writes table. */
export function storeLookupsTables(results: readonly StoreLookupResult[]): string {
  const count = results[0]?.calls ?? 0;
  return [
    table(
      `Call-record store, ${count.toLocaleString('en-US')} generated calls: ms p50 / p99 (target: pages under 5 ms at p99)`,
      [
        'engine',
        'first page',
        '(not preempted)',
        '(its CPU here)',
        'next page',
        'count',
        'user+dropped',
        'heavy deep next',
        'bytes/call',
        'RSS MB',
      ],
      results.map((r) => [
        r.engine,
        ms(r.firstPage),
        `${ms(r.firstPageUnpreempted)} (${r.firstPageUnpreempted.samples})`,
        ms(r.firstPageCpu),
        ms(r.nextPage),
        ms(r.count),
        ms(r.userResultFirstPage),
        ms(r.heavyDeepNextPage),
        r.diskBytesPerCall,
        r.rssMb,
      ]),
    ),
    `   pages of ${PAGE}; ${LOOKUPS} users looked up (about ${Math.round((count * 2.1) / 20_000)} calls each);` +
      ` heavy user: ${results[0]?.heavyUserCalls} calls, next pages from anywhere in them.` +
      '\n   (not preempted) = first pages during which the OS did not switch this process out (how many of the' +
      ` ${LOOKUPS});` +
      "\n   (its CPU here) = this process's CPU time for the first page: a busy machine does not stretch it.",
    table(
      "\nWrites: records per second of wall time (per second of this process's CPU)",
      ['engine', 'bulk fill', 'upsertCalls of 100', 'upsertCalls of 1,000'],
      results.map((r) => [
        r.engine,
        `${r.fillPerSecond} (${r.fillPerCpuSecond})`,
        `${r.upsert100PerSecond} (${r.upsert100PerCpuSecond})`,
        `${r.upsert1000PerSecond} (${r.upsert1000PerCpuSecond})`,
      ]),
    ),
  ].join('\n');
}

async function main(): Promise<void> {
  const count = Number(argument('calls') ?? 1_000_000);
  const only = argument('engine');
  const pgBase = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL;
  console.log(describeMachine(machineFacts()));
  const results = await benchStoreLookups({
    calls: count,
    engines: only ? [only] : ['sqlite', 'postgres'],
    ...(pgBase === undefined ? {} : { databaseUrl: pgBase }),
  });
  if (!pgBase) console.log('PostgreSQL skipped: set BENCH_DATABASE_URL or TEST_DATABASE_URL');
  console.log(storeLookupsTables(results));
  console.log(
    `   load average at the end: ${machineFacts().loadAverage.join(', ')} (other work stretches wall times).`,
  );
  console.log(JSON.stringify({ storeLookups: results }));
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
