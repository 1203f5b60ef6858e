/**
 * The sync's figures of SPEC §10, on both store engines, against the demo server in a process of its own with
 * injected latency (Tencent is remote in real life):
 *
 *   1. first backfill of N records (default 200,000) against the API bound records / 100 / TENCENT_MAX_QPS, and
 *      its ratio (targets: 1.5× on PostgreSQL, 3× on the embedded store, for 1,000,000 calls);
 *   2. steady state with nothing new: Tencent requests of a quiet pass, per minute at SYNC_INTERVAL 1m, with the
 *      daily full pass spread over the day (target: under 30 a minute).
 *
 *   npx tsx bench/sync-backfill.ts [--records 200000] [--latency 50] [--qps 150] [--engines sqlite,postgres]
 *   npx tsx bench/sync-backfill.ts --records 1000000      # the SPEC's size: several minutes per engine
 *
 * PostgreSQL runs when DATABASE_URL or TEST_DATABASE_URL is set (a fresh schema, dropped afterwards). Prints a
 * table, then one line of JSON with every figure.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { createNewCallsFeed } from '../src/calls/new-calls.js';
import { startSync } from '../src/jobs/sync-job.js';
import { type CallStore, openCallStore } from '../src/store/open-call-store.js';
import { TencentCallRecordsClient } from '../src/tencent/client.js';
import { type DemoServerProcess, startDemoServerProcess } from './lib/demo-server-process.js';
import { round, table } from './lib/format.js';
import { describeMachine, machineFacts } from './lib/machine.js';
import { adminQuery } from './lib/pg-admin.js';

const DAY = 86_400;
const QUIET_PASSES = 5;

export interface EngineResult {
  engine: string;
  records: number;
  backfillSeconds: number;
  apiBoundSeconds: number;
  ratioToBound: number;
  backfillRequests: number;
  recordsPerSecond: number;
  quietPassRequests: number;
  fullPassRequests: number;
  steadyRequestsPerMinute: number;
  peakRssMb: number;
}

function progress(text: string): void {
  process.stderr.write(`[bench] ${text}\n`);
}

async function openStore(engine: 'sqlite' | 'postgres', baseUrl: string | undefined) {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'callkit-sync-bench-'));
  if (engine === 'sqlite') {
    const store = await openCallStore({ dataDir, retentionDays: 90 });
    return { store, cleanup: async () => rmSync(dataDir, { recursive: true, force: true }) };
  }
  const schema = `sync_bench_${randomBytes(4).toString('hex')}`;
  const admin = (statement: string) => adminQuery(baseUrl as string, statement);
  await admin(`create schema ${schema}`);
  const url = new URL(baseUrl as string);
  url.searchParams.set('options', `-c search_path=${schema}`);
  const store = await openCallStore({ dataDir, retentionDays: 90, databaseUrl: url.toString() });
  return {
    store,
    cleanup: async () => {
      await admin(`drop schema ${schema} cascade`);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

async function benchEngine(
  engine: 'sqlite' | 'postgres',
  demo: DemoServerProcess,
  options: { qps: number; baseUrl: string | undefined },
): Promise<EngineResult> {
  const { store, cleanup } = await openStore(engine, options.baseUrl);
  const api = new TencentCallRecordsClient({
    sdkAppId: demo.sdkAppId,
    secretKey: demo.secretKey,
    adminUser: demo.adminUser,
    baseUrl: demo.url,
    maxQps: options.qps,
  });
  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }, 200);
  const job = startSync({
    api,
    store: store as CallStore,
    feed: createNewCallsFeed(),
    logger: pino({ level: 'warn' }, pino.destination(2)),
    intervalSeconds: 60,
    retentionDays: 90,
    schedule: false,
    onProgress: (() => {
      let last = 0;
      return (p) => {
        if (Date.now() - last < 5000) return;
        last = Date.now();
        progress(`${engine}: ${p.hoursDone}/${p.hoursTotal} hours, ${p.records} records, ${p.requests} requests`);
      };
    })(),
  });
  try {
    await demo.resetStats();
    const started = performance.now();
    const backfill = await job.runOnce();
    const backfillSeconds = (performance.now() - started) / 1000;
    if (backfill.outcome !== 'synced') throw new Error(`backfill failed: ${backfill.problem?.message}`);
    const records = backfill.received;
    const apiBoundSeconds = records / 100 / options.qps;

    let quietRequests = 0;
    for (let i = 0; i < QUIET_PASSES; i++) {
      const quiet = await job.runOnce();
      if (quiet.kind !== 'quiet') throw new Error(`expected a quiet pass, got ${quiet.kind}`);
      quietRequests += quiet.requests;
    }
    const full = await job.runOnce({ full: true });
    const quietPassRequests = quietRequests / QUIET_PASSES;
    return {
      engine,
      records,
      backfillSeconds: round(backfillSeconds, 1),
      apiBoundSeconds: round(apiBoundSeconds, 1),
      ratioToBound: round(backfillSeconds / apiBoundSeconds, 2),
      backfillRequests: backfill.requests,
      recordsPerSecond: Math.round(records / backfillSeconds),
      quietPassRequests,
      fullPassRequests: full.requests,
      // One quiet pass a minute, plus the daily full pass spread over the day's 1,440 minutes.
      steadyRequestsPerMinute: round(quietPassRequests + full.requests / (DAY / 60), 2),
      peakRssMb: Math.round(peakRss / 1024 / 1024),
    };
  } finally {
    clearInterval(sampler);
    await job.stop();
    await api.close();
    await store.close();
    await cleanup();
  }
}

export interface SyncBenchOptions {
  records: number;
  latencyMs: number;
  qps: number;
  engines: readonly ('sqlite' | 'postgres')[];
  /** PostgreSQL server URL (a fresh schema is made in it); without it PostgreSQL is skipped. */
  databaseUrl?: string;
}

/** Runs the sync bench; for `npm run bench` or this file's own command line. */
export async function benchSyncBackfill(options: SyncBenchOptions): Promise<EngineResult[]> {
  const { records, latencyMs, qps } = options;
  const engines = options.engines.filter((name) => name === 'sqlite' || options.databaseUrl !== undefined);
  const now = Math.floor(Date.now() / 1000);
  const days = 6;
  progress(`demo server with ${records.toLocaleString('en-US')} records over ${days} days, ${latencyMs} ms latency…`);
  const demo = await startDemoServerProcess({
    dataset: { seed: 31, now, days, callsPerDay: records / days },
    maxPageSize: 100,
    rateLimit: 200,
    latencyMs,
  });
  const results: EngineResult[] = [];
  try {
    for (const engine of engines) {
      progress(`${engine}: first backfill…`);
      results.push(await benchEngine(engine, demo, { qps, baseUrl: options.databaseUrl }));
    }
  } finally {
    await demo.close();
  }
  return results;
}

export function syncBenchTable(results: readonly EngineResult[], latencyMs: number, qps: number): string {
  return table(
    `Sync: first backfill (${latencyMs} ms latency, TENCENT_MAX_QPS ${qps}) and steady state with nothing new`,
    [
      'engine',
      'records',
      'backfill s',
      'API bound s',
      '× bound',
      'records/s',
      'requests',
      'quiet pass req',
      'full pass req',
      'req/min steady',
      'peak RSS MB',
    ],
    results.map((r) => [
      r.engine,
      r.records,
      r.backfillSeconds,
      r.apiBoundSeconds,
      r.ratioToBound,
      r.recordsPerSecond,
      r.backfillRequests,
      r.quietPassRequests,
      r.fullPassRequests,
      r.steadyRequestsPerMinute,
      r.peakRssMb,
    ]),
  );
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      records: { type: 'string', default: '200000' },
      latency: { type: 'string', default: '50' },
      qps: { type: 'string', default: '150' },
      engines: { type: 'string', default: 'sqlite,postgres' },
    },
  });
  const latencyMs = Number(values.latency);
  const qps = Number(values.qps);
  const databaseUrl = process.env.DATABASE_URL || process.env.TEST_DATABASE_URL || undefined;
  const engines = (values.engines as string)
    .split(',')
    .filter((name): name is 'sqlite' | 'postgres' => name === 'sqlite' || name === 'postgres');
  const results = await benchSyncBackfill({
    records: Number(values.records),
    latencyMs,
    qps,
    engines,
    ...(databaseUrl === undefined ? {} : { databaseUrl }),
  });
  const log = (text = '') => process.stdout.write(`${text}\n`);
  log(describeMachine(machineFacts()));
  log();
  log(syncBenchTable(results, latencyMs, qps));
  if (!results.some((r) => r.engine === 'postgres')) {
    log('PostgreSQL skipped: set DATABASE_URL or TEST_DATABASE_URL to include it.');
  }
  log(JSON.stringify({ syncBackfill: { latencyMs, qps, results } }));
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
