/**
 * `/calls user:<id> last:7d` end to end on a generated store (default 1,000,000 calls), on each engine (SQLite
 * always; PostgreSQL when BENCH_DATABASE_URL or TEST_DATABASE_URL is set: a fresh database, dropped after).
 * The real app (startTestApp, sync off, the store marked as covering its whole span) answers signed slash commands;
 * latency = command sent → reply received at the local response_url. Sequential commands, then bursts at once.
 * Target (SPEC 10): under 100 ms at p99.
 *
 *   npx tsx bench/calls-end-to-end.ts [--calls 1000000] [--engine sqlite|postgres]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { sql } from 'kysely';
import { startTestApp } from '../test/support/test-app.js';
import { fillStore, type GeneratedStore, generateCalls, userId } from './lib/fill-store.js';
import { mb, percentile, round, table } from './lib/format.js';
import { describeMachine, machineFacts } from './lib/machine.js';
import { withBenchDatabase } from './lib/pg-admin.js';

const DAY = 86_400;
const USERS = 20_000;

export interface EndToEndResult {
  engine: 'sqlite' | 'postgres';
  calls: number;
  fillSeconds: number;
  sequential: { samples: number; p50: number; p99: number; max: number };
  burst: { size: number; samples: number; p50: number; p99: number; max: number };
  unanswered: number;
  /** Replies that do not name the user (an error or a notice instead of calls). */
  withoutCalls: number;
  rssMb: number;
}

export interface EndToEndOptions {
  calls: number;
  sequential: number;
  burstSize: number;
  bursts: number;
  progress?: (text: string) => void;
}

function stats(ms: number[]) {
  return {
    samples: ms.length,
    p50: round(percentile(ms, 50), 1),
    p99: round(percentile(ms, 99), 1),
    max: round(Math.max(...ms), 1),
  };
}

async function benchEngine(
  engine: 'sqlite' | 'postgres',
  options: EndToEndOptions,
  databaseUrl?: string,
): Promise<EndToEndResult> {
  const progress = options.progress ?? (() => {});
  const dataDir = mkdtempSync(path.join(tmpdir(), 'callkit-e2e-bench-'));
  const app = await startTestApp({
    sync: 'off',
    logLevel: 'warn',
    env: { DATA_DIR: dataDir, DATABASE_URL: databaseUrl, RETENTION_DAYS: '90' },
  });
  try {
    const store = app.backend.store;
    const now = Math.floor(Date.now() / 1000);
    const spec: GeneratedStore = {
      count: options.calls,
      users: USERS,
      from: now - 30 * DAY,
      to: now - 60,
      seed: 43,
      heavyUser: 'heavyuser',
      heavyShare: 0.01,
    };
    progress(`${engine}: filling ${options.calls.toLocaleString('en-US')} calls…`);
    const fillStarted = performance.now();
    await fillStore(store, generateCalls(spec), (done) => {
      if (done % 250_000 === 0) progress(`${engine}: ${done.toLocaleString('en-US')}`);
    });
    const fillSeconds = round((performance.now() - fillStarted) / 1000, 1);
    await (engine === 'postgres' ? sql`vacuum analyze` : sql`analyze`).execute(store.db);
    await store.writeSyncState({ coveredFrom: spec.from, backfillDone: true, lastSyncAt: now });

    let unanswered = 0;
    let withoutCalls = 0;
    const ask = async (): Promise<number | undefined> => {
      const user = userId(Math.floor(Math.random() * USERS));
      const target = app.responses.create();
      const sentAt = Date.now();
      await app.command(`user:${user} last:7d`, { responseUrl: target });
      try {
        const [post] = await app.responses.waitForPosts(target.id, { timeoutMs: 30_000 });
        // A reply that does not show the user's calls (an error, a notice) would make the figure meaningless.
        if (!JSON.stringify(post?.body).includes(user)) withoutCalls += 1;
        return (post?.at ?? Date.now()) - sentAt;
      } catch {
        unanswered += 1;
        return undefined;
      }
    };
    const keep = (values: (number | undefined)[]) => values.filter((v): v is number => v !== undefined);

    progress(`${engine}: warm-up, then ${options.sequential} sequential /calls…`);
    for (let i = 0; i < 10; i++) await ask();
    unanswered = 0;
    withoutCalls = 0;
    const sequential: (number | undefined)[] = [];
    for (let i = 0; i < options.sequential; i++) sequential.push(await ask());
    progress(`${engine}: ${options.bursts} bursts of ${options.burstSize} at once…`);
    const burst: (number | undefined)[] = [];
    for (let i = 0; i < options.bursts; i++) {
      burst.push(...(await Promise.all(Array.from({ length: options.burstSize }, ask))));
    }
    const problems = app.blockKitErrors();
    if (problems.length > 0) throw new Error(`replies with invalid blocks: ${problems[0]}`);
    return {
      engine,
      calls: options.calls,
      fillSeconds,
      sequential: stats(keep(sequential)),
      burst: { size: options.burstSize, ...stats(keep(burst)) },
      unanswered,
      withoutCalls,
      rssMb: mb(process.memoryUsage().rss),
    };
  } finally {
    await app.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** Each engine the machine has (PostgreSQL from `databaseUrl`, a fresh database in it). */
export async function benchCallsEndToEnd(
  options: EndToEndOptions & { engines?: readonly string[]; databaseUrl?: string },
): Promise<EndToEndResult[]> {
  const engines = options.engines ?? ['sqlite', 'postgres'];
  const results: EndToEndResult[] = [];
  if (engines.includes('sqlite')) results.push(await benchEngine('sqlite', options));
  const url = options.databaseUrl;
  if (engines.includes('postgres') && url !== undefined) {
    results.push(await withBenchDatabase(url, (db) => benchEngine('postgres', options, db)));
  }
  return results;
}

export function endToEndTable(results: readonly EndToEndResult[]): string {
  const calls = results[0]?.calls ?? 0;
  return table(
    `/calls user:<id> last:7d end to end on a store of ${calls.toLocaleString('en-US')} calls ` +
      '(command sent → reply at the response_url, ms; target p99 < 100)',
    [
      'engine',
      'fill s',
      'seq n',
      'seq p50',
      'seq p99',
      'seq max',
      'burst',
      'burst p50',
      'burst p99',
      'unanswered',
      'no calls',
      'RSS MB',
    ],
    results.map((r) => [
      r.engine,
      r.fillSeconds,
      r.sequential.samples,
      r.sequential.p50,
      r.sequential.p99,
      r.sequential.max,
      `${r.burst.samples} (${r.burst.size} at once)`,
      r.burst.p50,
      r.burst.p99,
      r.unanswered,
      r.withoutCalls,
      r.rssMb,
    ]),
  );
}

export const END_TO_END_NOTE =
  '   the real app in this process (startTestApp: Bolt HTTP receiver, signed requests, sync off, store marked\n' +
  '   covered); users drawn at random among 20,000 (about 25 calls each in 7 days); times in whole ms (the\n' +
  '   response_url server stamps arrival). RSS = this process: the app, its store and the load generator.';

async function main(): Promise<void> {
  const argument = (name: string) => {
    const index = process.argv.indexOf(`--${name}`);
    return index >= 0 ? process.argv[index + 1] : undefined;
  };
  const only = argument('engine');
  const databaseUrl = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL;
  const results = await benchCallsEndToEnd({
    calls: Number(argument('calls') ?? 1_000_000),
    sequential: 200,
    burstSize: 20,
    bursts: 5,
    engines: only ? [only] : ['sqlite', 'postgres'],
    ...(databaseUrl === undefined ? {} : { databaseUrl }),
    progress: (text) => process.stderr.write(`[e2e bench] ${text}\n`),
  });
  console.log(describeMachine(machineFacts()));
  console.log(endToEndTable(results));
  console.log(END_TO_END_NOTE);
  console.log(JSON.stringify({ callsEndToEnd: results }));
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
