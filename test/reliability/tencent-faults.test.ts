/**
 * Tencent sync and lookups under faults: what the sync and the `id:` lookup ask of Tencent (counts, pages, scans, one call)
 * goes through the real client to a demo server that injects bursts of 101001, HTTP 500s, dropped connections and
 * answers slower than the client's timeout. Every request must end in a correct result or a clear TencentError,
 * within its deadline; nothing may reject unhandled; and once the faults stop, a clean request succeeds on the
 * same client (the pool, the limiter and the process are healthy). Searches themselves read the store.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { PinnedQuery } from '../../src/calls/query.js';
import type { WireCallRecord } from '../../src/calls/records.js';
import { TencentError } from '../../src/calls/source-errors.js';
import { generateDataset } from '../../src/demo/dataset.js';
import { type DemoFaults, type DemoServer, startDemoServer } from '../../src/demo/server.js';
import { TencentCallRecordsClient } from '../../src/tencent/client.js';
import { PacedRateLimiter } from '../../src/tencent/rate-limiter.js';

const NOW = Math.floor(Date.now() / 1000);
const DAY = 86_400;
/** One client call (limiter waits and retries included) gives up after this. */
const CALL_DEADLINE_MS = 1_200;
/** One whole search (several calls) is cancelled after this. */
const QUERY_DEADLINE_MS = 3_000;
/** Settling may take a little longer than the deadline: the abort has to travel through the scan. */
const SETTLE_MARGIN_MS = 1_500;

interface Query {
  name: string;
  run(client: TencentCallRecordsClient, signal: AbortSignal): Promise<unknown>;
  /** What a correct answer is (from the dataset itself). */
  check(answer: unknown): void;
}

const records: WireCallRecord[] = generateDataset({ seed: 99, now: NOW, days: 6, callsPerDay: 250 });

function pinned(fields: Partial<PinnedQuery>): PinnedQuery {
  return {
    users: [],
    results: [],
    callTypes: [],
    mediaTypes: [],
    from: NOW - 6 * DAY,
    to: NOW + 1,
    timeZone: 'UTC',
    ...fields,
  };
}

function expectedTotal(query: PinnedQuery): number {
  return records.filter(
    (r) =>
      r.StartTime >= query.from &&
      r.StartTime < query.to &&
      (query.users.length === 0 ||
        query.users.some((u) => r.Caller_Account === u || r.CalleeList_Account.includes(u))) &&
      (query.results.length === 0 || (query.results as string[]).includes(r.CallResult)) &&
      (query.callTypes.length === 0 || (query.callTypes as string[]).includes(r.CallType)) &&
      (query.mediaTypes.length === 0 || (query.mediaTypes as string[]).includes(r.MediaType)),
  ).length;
}

/** Tencent's EndTime is inclusive on the call's start; the pinned `to` is exclusive. */
function filterOf(query: PinnedQuery) {
  return {
    startTime: query.from,
    endTime: query.to - 1,
    ...(query.results[0] === undefined ? {} : { callResult: query.results[0] }),
    ...(query.callTypes[0] === undefined ? {} : { callType: query.callTypes[0] }),
  };
}

function countQuery(name: string, query: PinnedQuery): Query {
  const total = expectedTotal(query);
  return {
    name,
    run: (client, signal) => client.countRecords(filterOf(query), { signal }),
    check: (answer) => expect(answer, name).toBe(total),
  };
}

function scanQuery(name: string, query: PinnedQuery): Query {
  const total = expectedTotal(query);
  return {
    name,
    async run(client, signal) {
      const seen = new Set<string>();
      for await (const record of client.scan(filterOf(query), { signal })) seen.add(record.callId);
      return seen.size;
    },
    check: (answer) => expect(answer, name).toBe(total),
  };
}

const someCall = records[Math.floor(records.length / 2)] as WireCallRecord;
const QUERIES: Query[] = [
  countQuery('count: the last 2 days', pinned({ from: NOW - 2 * DAY })),
  countQuery('count: one result and one type', pinned({ results: ['NotAnswer'], callTypes: ['SingleCall'] })),
  {
    name: 'page 4 of everything',
    run: (client, signal) =>
      client.getRecordsByFilter({ ...filterOf(pinned({})), page: 4, numberPerPage: 100 }, { signal }),
    check(answer) {
      expect((answer as { records: unknown[] }).records).toHaveLength(100);
    },
  },
  scanQuery('scan: the last 3 days', pinned({ from: NOW - 3 * DAY })),
  scanQuery('scan: interrupted', pinned({ results: ['Interrupt'] })),
  {
    name: 'one call by CallId',
    run: (client, signal) => client.getRecordByCallId(someCall.CallId, { signal }),
    check(answer) {
      expect((answer as { callId: string } | null)?.callId).toBe(someCall.CallId);
    },
  },
];

interface Outcome {
  query: string;
  ok: boolean;
  error?: unknown;
  elapsedMs: number;
}

describe('the real client while the Tencent server misbehaves', () => {
  let server: DemoServer;
  let client: TencentCallRecordsClient;
  const unhandled = vi.fn();

  beforeAll(async () => {
    process.on('unhandledRejection', unhandled);
    server = await startDemoServer({ records, maxPageSize: 100, rateLimit: 5_000 });
    client = new TencentCallRecordsClient({
      sdkAppId: server.sdkAppId,
      secretKey: server.secretKey,
      adminUser: server.adminUser,
      baseUrl: server.url,
      limiter: new PacedRateLimiter(1_000),
      timeouts: { connectMs: 500, headersMs: 300, bodyMs: 300 },
      retry: { maxAttempts: 4, baseDelayMs: 10, maxDelayMs: 100, deadlineMs: CALL_DEADLINE_MS },
    });
  });

  afterAll(async () => {
    process.off('unhandledRejection', unhandled);
    await client?.close();
    await server?.close();
  });

  afterEach(async () => {
    server.setFaults({});
    // Let rejections of work abandoned by a cancelled query surface before the spy is checked.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(unhandled).not.toHaveBeenCalled();
  });

  /** Every query, all at once. */
  async function runAll(): Promise<Outcome[]> {
    return Promise.all(
      QUERIES.map(async (query) => {
        const started = performance.now();
        try {
          const answer = await query.run(client, AbortSignal.timeout(QUERY_DEADLINE_MS));
          query.check(answer);
          return { query: query.name, ok: true, elapsedMs: performance.now() - started };
        } catch (error) {
          return { query: query.name, ok: false, error, elapsedMs: performance.now() - started };
        }
      }),
    );
  }

  function expectResultOrClearError(outcomes: Outcome[]): void {
    for (const outcome of outcomes) {
      expect(outcome.elapsedMs, `${outcome.query} settled late`).toBeLessThan(QUERY_DEADLINE_MS + SETTLE_MARGIN_MS);
      if (outcome.ok) continue;
      // A wrong result fails `check` with an AssertionError: that is not a "clear TencentError".
      expect(outcome.error, `${outcome.query}: ${String(outcome.error)}`).toBeInstanceOf(TencentError);
      const error = outcome.error as TencentError;
      expect(['transient', 'deadline', 'rate-limit', 'invalid-response']).toContain(error.kind);
      expect(error.message.length).toBeGreaterThan(20);
      expect(error.message).not.toMatch(/usersig=|secret/i);
      expect(error.message).not.toContain(server.secretKey);
    }
  }

  async function expectCleanQuery(): Promise<void> {
    server.setFaults({});
    const outcomes = await runAll();
    for (const outcome of outcomes) expect(outcome, outcome.query).toMatchObject({ ok: true });
  }

  it('answers correctly with no faults (the baseline the other cases are held to)', async () => {
    await expectCleanQuery();
  });

  it('rides out bursts of ErrorCode 101001', async () => {
    // Of every 5 requests the first 2 answer 101001: bursts counted in requests, so every run sees the same ones
    // however fast the machine is (the first request is in a burst).
    server.resetStats();
    server.setFaults({ internalErrorBursts: { every: 5, length: 2 } });
    expectResultOrClearError(await runAll());
    expect(server.stats.faultsInjected).toBeGreaterThan(0);
    await expectCleanQuery();
  });

  const cases: Array<[string, DemoFaults]> = [
    ['HTTP 500 answers', { http500Rate: 0.3 }],
    ['dropped connections', { dropRate: 0.3 }],
    ['answers slower than the client timeout', { slowRate: 0.3, slowMs: 2_000 }],
    [
      'a mix of every fault',
      { internalErrorRate: 0.15, http500Rate: 0.15, dropRate: 0.1, slowRate: 0.1, slowMs: 2_000 },
    ],
  ];
  for (const [name, faults] of cases) {
    it(`ends every query in a result or a TencentError under ${name}`, async () => {
      server.resetStats();
      server.setFaults(faults);
      expectResultOrClearError(await runAll());
      expect(server.stats.faultsInjected).toBeGreaterThan(0);
      await expectCleanQuery();
    });
  }

  it('fails every query with a TencentError, in time, when every request fails', async () => {
    for (const faults of [
      { internalErrorRate: 1 },
      { http500Rate: 1 },
      { dropRate: 1 },
      { slowRate: 1, slowMs: 5_000 },
    ]) {
      server.setFaults(faults);
      const outcomes = await runAll();
      expectResultOrClearError(outcomes);
      for (const outcome of outcomes)
        expect(outcome.ok, `${outcome.query} under ${JSON.stringify(faults)}`).toBe(false);
    }
    await expectCleanQuery();
  });
});
