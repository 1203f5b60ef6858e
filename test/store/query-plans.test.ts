/**
 * Every search shape is an index range scan, newest first, on both engines: what keeps a user lookup fast at
 * a million calls. SQLite's plan must never SCAN a table; PostgreSQL's (after ANALYZE, on enough rows that a
 * sequential scan would win if no index fitted) must show no Seq Scan.
 */
import { CompiledQuery, type RawBuilder } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import type { CallFilter, FindCallsOptions } from '../../src/calls/call-store.js';
import type { CallRecord } from '../../src/calls/records.js';
import { countCallsQuery, findCallsQuery } from '../../src/store/call-queries.js';
import type { CallStore } from '../../src/store/open-call-store.js';
import { aCall, anyCall } from '../support/call-records.js';
import { storeEngines } from '../support/store-engines.js';

const DAY = 86_400;
const T0 = 1_790_000_000;
const CALLS = 30_000; // 30 days, 1,000 calls a day, 300 users
const RESULTS = [
  'NormalEnd',
  'NormalEnd',
  'NormalEnd',
  'NormalEnd',
  'Cancel',
  'Reject',
  'NotAnswer',
  'Interrupt',
  'Offline',
];

const lastDay = { from: T0 + 29 * DAY, to: T0 + 30 * DAY };
const key = { startTime: T0 + 29 * DAY + DAY / 2, callId: 'call-m' };

/** Which index each shape must be read through (SQLite: the plan's words; PostgreSQL: the index name). */
const SHAPES: {
  name: string;
  filter: Partial<CallFilter>;
  options?: Partial<FindCallsOptions>;
  sqlite: RegExp;
  postgres: RegExp;
}[] = [
  {
    name: 'no filter',
    filter: {},
    sqlite: /calls_by_start \(start_time>\? AND start_time<\?\)/,
    postgres: /calls_by_start/,
  },
  {
    name: 'user',
    filter: { users: ['u7'] },
    sqlite: /SEARCH p USING PRIMARY KEY \(user_id=\? AND start_time>\? AND start_time<\?\)/,
    postgres: /call_participants_by_user/,
  },
  {
    name: 'two users',
    filter: { users: ['u7', 'u8'] },
    sqlite: /SEARCH p USING PRIMARY KEY \(user_id=\? AND start_time>\? AND start_time<\?\)/,
    postgres: /call_participants_by_user/,
  },
  {
    name: 'result',
    filter: { results: ['Interrupt'] },
    sqlite: /calls_by_result \(result=\? AND start_time>\? AND start_time<\?\)/,
    postgres: /calls_by_result/,
  },
  {
    name: 'two results',
    filter: { results: ['Interrupt', 'Offline'] },
    sqlite: /calls_by_result \(result=\? AND start_time>\? AND start_time<\?\)/,
    postgres: /calls_by_result/,
  },
  {
    name: 'user and result',
    filter: { users: ['u7'], results: ['Interrupt', 'Offline'] },
    sqlite: /SEARCH p USING PRIMARY KEY \(user_id=\? AND start_time>\? AND start_time<\?\)/,
    postgres: /call_participants_by_user/,
  },
  {
    name: 'keyset next page',
    filter: {},
    options: { after: key },
    sqlite: /calls_by_start \(start_time>\? AND start_time<\?\)/,
    postgres: /calls_by_start/,
  },
  {
    name: 'keyset next page of a user',
    filter: { users: ['u7'] },
    options: { after: key },
    sqlite: /SEARCH p USING PRIMARY KEY \(user_id=\? AND start_time>\? AND start_time<\?\)/,
    postgres: /call_participants_by_user/,
  },
  {
    name: 'keyset previous page of a result',
    filter: { results: ['Interrupt'] },
    options: { before: key },
    sqlite: /calls_by_result \(result=\? AND start_time>\? AND start_time<\?\)/,
    postgres: /calls_by_(result|start)/,
  },
];

function sampleCalls(): CallRecord[] {
  return Array.from({ length: CALLS }, (_, i) =>
    aCall({
      startTime: T0 + Math.floor((i * 30 * DAY) / CALLS),
      caller: `u${i % 300}`,
      callees: [`u${(i * 7 + 1) % 300}`],
      result: RESULTS[i % RESULTS.length] as string,
    }),
  );
}

async function planOf(store: CallStore, query: RawBuilder<unknown>): Promise<string> {
  const compiled = query.compile(store.db);
  const explain = store.engine === 'sqlite' ? 'explain query plan ' : 'explain ';
  const { rows } = await store.db.executeQuery<Record<string, string>>(
    CompiledQuery.raw(explain + compiled.sql, [...compiled.parameters]),
  );
  return rows.map((row) => (store.engine === 'sqlite' ? row.detail : row['QUERY PLAN'])).join('\n');
}

describe.each(storeEngines())('$name store: every search is an index range scan', (engine) => {
  let store: CallStore;
  beforeAll(async () => {
    store = await engine.open();
    await store.upsertCalls(sampleCalls());
    await store.db.executeQuery(CompiledQuery.raw('analyze'));
  }, 60_000);

  describe.each(SHAPES)('$name', (shape) => {
    const filter = anyCall({ ...lastDay, ...shape.filter });
    const expectedIndex = engine.name === 'sqlite' ? shape.sqlite : shape.postgres;

    it('finds a page through its index, with no table scan', async () => {
      const query = findCallsQuery(filter, { limit: 25, ...shape.options });
      if (!query) throw new Error('no query');
      const plan = await planOf(store, query);
      expect(plan).toMatch(expectedIndex);
      assertNoTableScan(engine.name, plan);
    });

    it('counts through its index, with no table scan', async () => {
      const plan = await planOf(store, countCallsQuery(filter));
      expect(plan).toMatch(engine.name === 'sqlite' ? expectedIndex : /Index/);
      assertNoTableScan(engine.name, plan);
    });
  });
});

function assertNoTableScan(engine: string, plan: string): void {
  if (engine === 'sqlite') {
    // `SCAN b0` reads a branch's own (already cut) result; a SCAN of c or p would read a whole table.
    const scans = plan.split('\n').filter((line) => /^SCAN /.test(line) && !/^SCAN b\d+$/.test(line));
    expect(scans, plan).toEqual([]);
  } else {
    expect(plan).not.toMatch(/Seq Scan/);
  }
}
