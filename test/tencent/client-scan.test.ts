import { afterEach, describe, expect, it } from 'vitest';
import type { RequestMeter } from '../../src/calls/record-source.js';
import type { CallRecord } from '../../src/calls/records.js';
import { generateDataset } from '../../src/demo/dataset.js';
import { captureLogger, expectedIds, NOW_S, Resources } from './helpers.js';

const resources = new Resources();
afterEach(() => resources.closeAll());

async function all(iterable: AsyncIterable<CallRecord>): Promise<CallRecord[]> {
  const out: CallRecord[] = [];
  for await (const record of iterable) out.push(record);
  return out;
}

function expectExactlyOnce(records: CallRecord[], expected: string[]): void {
  const ids = records.map((r) => r.callId);
  expect(ids.length).toBe(new Set(ids).size);
  expect(ids.length).toBe(expected.length);
  expect(new Set(ids)).toEqual(new Set(expected));
}

const range = { startTime: NOW_S - 6 * 86400, endTime: NOW_S };

describe('scan over HTTP', () => {
  it.each(['asc', 'desc'] as const)(
    'yields every record exactly once when the server caps pages at 7 and we ask for 100 (%s)',
    async (order) => {
      const server = await resources.server({ maxPageSize: 7, order, rateLimit: 5000 });
      const client = resources.client(server, { maxQps: 2000 });
      const meter: RequestMeter = { requests: 0 };
      const records = await all(client.scan(range, { pageSize: 100, meter }));
      const expected = expectedIds(server.records, range.startTime, range.endTime);
      expect(expected.length).toBeGreaterThan(500);
      expectExactlyOnce(records, expected);
      expect(meter.requests).toBe(Math.ceil(expected.length / 7));
      expect(server.stats.requests).toBe(meter.requests);
      expect(client.stats).toMatchObject({ duplicatesDropped: 0, scanRepairs: 0, incompleteScans: 0 });
    },
  );

  it('runs at the shared rate limit without a single 60007 when the server allows exactly maxQps', async () => {
    // 20 ms per answer: one page at a time would manage ~45 pages/s.
    const server = await resources.server({ maxPageSize: 4, rateLimit: 200, latencyMs: 20 });
    const client = resources.client(server, { maxQps: 200 });
    // Warm up (connections, lazily loaded modules), as a long-running app is, then let the server's window empty.
    await all(client.scan({ startTime: NOW_S - 3600, endTime: NOW_S }));
    await new Promise((resolve) => setTimeout(resolve, 1100));
    server.resetStats();
    const records = await all(client.scan(range, { pageSize: 100 }));
    const pages = server.stats.requests;
    expect(pages).toBeGreaterThan(250);
    expectExactlyOnce(records, expectedIds(server.records, range.startTime, range.endTime));
    expect(server.stats.rateLimited).toBe(0);
    expect(client.stats.rateLimited).toBe(0);
    // Speed against the limit is the bench's to measure; the suite asserts behaviour, not time.
    expect(server.stats.maxConcurrent).toBeGreaterThan(1);
  });

  it('fetches pages concurrently rather than one round trip at a time', async () => {
    const server = await resources.server({ maxPageSize: 25, latencyMs: 40, rateLimit: 5000 });
    const client = resources.client(server, { maxQps: 500 });
    const records = await all(client.scan(range, { pageSize: 25 }));
    const pages = server.stats.requests;
    expectExactlyOnce(records, expectedIds(server.records, range.startTime, range.endTime));
    expect(pages).toBeGreaterThan(8);
    expect(server.stats.maxConcurrent).toBeGreaterThan(4);
  });

  it('re-checks CallResult and CallType when the server ignores them', async () => {
    const server = await resources.server({ honourFilters: false, rateLimit: 5000 });
    const client = resources.client(server, { maxQps: 2000 });
    const filter = { ...range, callResult: 'Interrupt' as const, callType: 'SingleCall' as const };
    const records = await all(client.scan(filter));
    const expected = expectedIds(
      server.records,
      range.startTime,
      range.endTime,
      (r) => r.CallResult === 'Interrupt' && r.CallType === 'SingleCall',
    );
    expect(expected.length).toBeGreaterThan(0);
    expectExactlyOnce(records, expected);
    expect(client.stats.filterMismatches).toBeGreaterThan(expected.length);

    const page = await client.getRecordsByFilter({ ...filter, page: 1, numberPerPage: 50 });
    expect(page.records.every((r) => r.result === 'Interrupt' && r.callType === 'SingleCall')).toBe(true);
    expect(page.filterMismatches).toBeGreaterThan(0);
  });

  it('sends the filters so that a server honouring them does the work', async () => {
    const server = await resources.server({ rateLimit: 5000 });
    const client = resources.client(server, { maxQps: 2000 });
    const records = await all(client.scan({ ...range, callResult: 'Interrupt' }));
    const expected = expectedIds(server.records, range.startTime, range.endTime, (r) => r.CallResult === 'Interrupt');
    expectExactlyOnce(records, expected);
    expect(client.stats.filterMismatches).toBe(0);
    expect(server.stats.requests).toBe(Math.ceil(expected.length / 100));
  });

  it('still yields every record exactly once through injected faults', async () => {
    const server = await resources.server({
      maxPageSize: 20,
      rateLimit: 5000,
      faults: { internalErrorRate: 0.05, http500Rate: 0.05, dropRate: 0.03 },
    });
    const client = resources.client(server, { maxQps: 2000, retry: { maxAttempts: 8 } });
    const records = await all(client.scan(range, { pageSize: 20 }));
    expectExactlyOnce(records, expectedIds(server.records, range.startTime, range.endTime));
    expect(server.stats.faultsInjected).toBeGreaterThan(0);
    expect(client.stats.retries).toBeGreaterThan(0);
  });

  it('drops a malformed record with a warning and still pages correctly', async () => {
    const records = generateDataset({ seed: 11, now: NOW_S, days: 2, callsPerDay: 300 });
    const broken = records[100];
    if (broken === undefined) throw new Error('dataset too small');
    (broken as unknown as { Caller_Account: unknown }).Caller_Account = null;
    const server = await resources.server({ records, maxPageSize: 9, rateLimit: 5000 });
    const logger = captureLogger();
    const client = resources.client(server, { maxQps: 2000, logger });
    const scanned = await all(client.scan(range));
    const expected = expectedIds(server.records, range.startTime, range.endTime).filter((id) => id !== broken.CallId);
    expectExactlyOnce(scanned, expected);
    expect(client.stats).toMatchObject({ invalidRecords: 1, scanRepairs: 0 });
    expect(logger.lines.filter((l) => l.level === 'warn').map((l) => (l.obj as { callId?: string }).callId)).toEqual([
      broken.CallId,
    ]);
  });

  it('pins an open end so the scan covers the calls up to when it started', async () => {
    const server = await resources.server({ rateLimit: 5000 });
    const client = resources.client(server, { maxQps: 2000, now: () => NOW_S * 1000 });
    const records = await all(client.scan({ startTime: range.startTime }));
    expectExactlyOnce(records, expectedIds(server.records, range.startTime, NOW_S));
  });

  it('stops sending requests when the consumer stops early', async () => {
    const server = await resources.server({ maxPageSize: 10, rateLimit: 5000, latencyMs: 10 });
    const client = resources.client(server, { maxQps: 500 });
    let seen = 0;
    for await (const _ of client.scan(range, { pageSize: 10 })) {
      if (++seen === 15) break;
    }
    // Counted as the client sends (not as the server receives: a request in transit on a loaded machine arrives
    // late), so a request sent after the consumer stopped is what would move this number.
    const sent = client.stats.requests;
    expect(sent).toBeLessThan(40);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(client.stats.requests).toBe(sent);
  });

  it('never fetches more than its window of pages ahead of the consumer (bounded memory, no page buffering)', async () => {
    const records = generateDataset({ seed: 3, now: NOW_S, days: 7, callsPerDay: 600 });
    const server = await resources.server({ records, rateLimit: 100_000, maxPageSize: 10 });
    const window = 4;
    const client = resources.client(server, { maxQps: 20_000, scan: { maxPagesInFlight: window } });
    const meter: RequestMeter = { requests: 0 };
    const scanned = { startTime: NOW_S - 7 * 86400 + 60, endTime: NOW_S };
    let count = 0;
    let ahead = 0;
    for await (const _ of client.scan(scanned, { pageSize: 10, meter })) {
      count++;
      // Pages asked for beyond the one the consumer is reading: what memory holds, whatever the machine's speed.
      ahead = Math.max(ahead, meter.requests - Math.ceil(count / 10));
      if (count % 25 === 0) await new Promise((resolve) => setImmediate(resolve)); // a consumer that takes its time
    }
    expect(count).toBe(expectedIds(server.records, scanned.startTime, scanned.endTime).length);
    expect(count).toBeGreaterThan(3_000);
    expect(ahead).toBeGreaterThan(0);
    expect(ahead).toBeLessThanOrEqual(window);
  });
});
