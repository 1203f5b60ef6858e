import { afterEach, describe, expect, it } from 'vitest';
import type { RequestMeter } from '../../src/calls/record-source.js';
import { TencentError } from '../../src/calls/source-errors.js';
import { captureLogger, everythingSaidBy, expectedIds, NOW_S, Resources, USERSIG_SHAPE } from './helpers.js';

const resources = new Resources();
afterEach(() => resources.closeAll());

async function failure(promise: Promise<unknown>): Promise<TencentError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(TencentError);
    return error as TencentError;
  }
  throw new Error('expected the call to fail');
}

describe('TencentCallRecordsClient over HTTP', () => {
  it('is accepted by the server (UserSig, URL, body) and returns normalised records', async () => {
    const server = await resources.server();
    const client = resources.client(server);
    const start = NOW_S - 3 * 86400;
    const page = await client.getRecordsByFilter({ startTime: start, endTime: NOW_S, page: 1, numberPerPage: 20 });
    const expected = expectedIds(server.records, start, NOW_S);
    expect(page.totalNum).toBe(expected.length);
    expect(page.records).toHaveLength(20);
    expect(page.requestId).toMatch(/^Id-/);
    for (const record of page.records) {
      expect(record.callees).not.toContain(record.caller);
      expect(typeof record.startTime).toBe('number');
    }
    expect(await client.countRecords({ startTime: start, endTime: NOW_S })).toBe(expected.length);

    const wire = server.records.at(-1);
    if (wire === undefined) throw new Error('no records');
    const one = await client.getRecordByCallId(wire.CallId);
    expect(one).toMatchObject({ callId: wire.CallId, caller: wire.Caller_Account, result: wire.CallResult });
    expect(one?.acceptTime).toBe(wire.AcceptTime === 0 ? null : wire.AcceptTime);
    expect(client.stats.requests).toBe(3);
    expect(server.stats.requests).toBe(3);
  });

  it('answers 101050 with an empty result, a zero count, or null, never an error', async () => {
    const server = await resources.server();
    const client = resources.client(server);
    // A range with no calls in it (the future).
    const empty = { startTime: NOW_S + 3600, endTime: NOW_S + 7200 };
    await expect(client.getRecordsByFilter({ ...empty, page: 1, numberPerPage: 10 })).resolves.toMatchObject({
      totalNum: 0,
      records: [],
    });
    await expect(client.countRecords(empty)).resolves.toBe(0);
    await expect(client.getRecordByCallId('no-such-call')).resolves.toBeNull();
    const scanned = [];
    for await (const record of client.scan(empty)) scanned.push(record);
    expect(scanned).toEqual([]);
    expect(server.stats.requests).toBe(4);
  });

  describe('configuration errors fail at once, after exactly one request', () => {
    it('a wrong secret key names the secret key and the SDKAppID', async () => {
      const server = await resources.server();
      const client = resources.client(server, { secretKey: 'this-is-not-the-right-key-0123456789' });
      const error = await failure(client.countRecords({}));
      expect(error.kind).toBe('auth');
      expect(error.message).toMatch(/secret key does not match the SDKAppID/);
      expect(error.details).toMatchObject({ code: 70009, attempts: 1 });
      expect(error.message).toContain(error.details.requestId);
      expect(error.retryable).toBe(false);
      expect(server.stats.requests).toBe(1);
    });

    it('a wrong SDKAppID, a non-administrator and an expired UserSig are auth errors too', async () => {
      const server = await resources.server();
      const wrongApp = resources.client(server, { sdkAppId: 1400009999 });
      expect(await failure(wrongApp.countRecords({}))).toMatchObject({ kind: 'auth', details: { code: 60006 } });
      const notAdmin = resources.client(server, { adminUser: 'alice' });
      const error = await failure(notAdmin.countRecords({}));
      expect(error).toMatchObject({ kind: 'auth', details: { code: 60010 } });
      expect(error.message).toMatch(/TENCENT_ADMIN_USER/);
      // The server's clock is two days ahead: the 24-hour UserSig has expired there.
      const future = await resources.server({ now: () => Math.floor(Date.now() / 1000) + 2 * 86400 });
      const expired = await failure(resources.client(future).countRecords({}));
      expect(expired).toMatchObject({ kind: 'auth', details: { code: 70001 } });
      expect(expired.message).toMatch(/clock/);
      expect(server.stats.requests + future.stats.requests).toBe(3);
    });
  });

  describe('transient errors are retried with backoff, a bounded number of times', () => {
    it('a burst of 101001 followed by success costs one request per attempt, meter included', async () => {
      const server = await resources.server({ faults: { internalErrorRate: 1 } });
      const logger = captureLogger((line) => {
        // Heal the server while the client waits before its third attempt.
        if ((line.obj as { attempt?: number }).attempt === 2) server.setFaults({});
      });
      const client = resources.client(server, { logger, retry: { maxAttempts: 5 } });
      const meter: RequestMeter = { requests: 0 };
      await expect(client.countRecords({}, { meter })).resolves.toBeGreaterThan(0);
      expect(server.stats.requests).toBe(3);
      expect(meter.requests).toBe(3);
      expect(client.stats).toMatchObject({ requests: 3, retries: 2 });
      expect(logger.lines.filter((l) => l.level === 'warn')).toHaveLength(2);
    });

    it('gives up on 101001 after maxAttempts with a transient error and the RequestId', async () => {
      const server = await resources.server({ faults: { internalErrorRate: 1 } });
      const client = resources.client(server, { retry: { maxAttempts: 3 } });
      const error = await failure(client.countRecords({}));
      expect(error).toMatchObject({ kind: 'transient', details: { code: 101001, attempts: 3 } });
      expect(error.details.requestId).toMatch(/^Id-/);
      expect(error.message).toMatch(/gave up after 3 attempts/);
      expect(server.stats.requests).toBe(3);
    });

    it('retries HTTP 500', async () => {
      const server = await resources.server({ faults: { http500Rate: 1 } });
      const client = resources.client(server, { retry: { maxAttempts: 4 } });
      const error = await failure(client.countRecords({}));
      expect(error).toMatchObject({ kind: 'transient', details: { httpStatus: 500, attempts: 4 } });
      expect(server.stats.requests).toBe(4);
    });

    it('retries dropped connections', async () => {
      const server = await resources.server({ faults: { dropRate: 1 } });
      const client = resources.client(server, { retry: { maxAttempts: 3 } });
      const error = await failure(client.countRecords({}));
      expect(error.kind).toBe('transient');
      expect(error.message).toMatch(/connection to Tencent was closed/);
      expect(server.stats.requests).toBe(3);
    });

    it('retries answers slower than the headers timeout, then succeeds when the server is fast again', async () => {
      const server = await resources.server({ faults: { slowRate: 1, slowMs: 5000 } });
      const slow = resources.client(server, { timeouts: { headersMs: 200 }, retry: { maxAttempts: 2 } });
      const error = await failure(slow.countRecords({}));
      // The headers timeout fired on each attempt (a 5-second answer would have succeeded).
      expect(error).toMatchObject({ kind: 'transient', details: { attempts: 2 } });
      expect(error.message).toMatch(/did not answer in time/);
      expect(server.stats.requests).toBe(2);
      server.setFaults({});
      await expect(slow.countRecords({})).resolves.toBeGreaterThan(0);
    });

    it('backs off on 60007 until the server lets it through, and reports rate-limit when it never does', async () => {
      const server = await resources.server({ rateLimit: 3 });
      // A client that ignores its own ceiling (1000/s) against a server allowing 3/s: only retries help.
      const client = resources.client(server, { retry: { maxAttempts: 8, baseDelayMs: 200, maxDelayMs: 1000 } });
      const counts = await Promise.all(Array.from({ length: 6 }, () => client.countRecords({})));
      expect(new Set(counts).size).toBe(1);
      expect(server.stats.rateLimited).toBeGreaterThan(0);
      expect(client.stats.rateLimited).toBe(server.stats.rateLimited);

      server.setRateLimit(0);
      server.resetStats();
      const error = await failure(resources.client(server, { retry: { maxAttempts: 3 } }).countRecords({}));
      expect(error).toMatchObject({ kind: 'rate-limit', details: { code: 60007, attempts: 3 } });
      expect(error.message).toMatch(/frequency/);
      expect(server.stats.requests).toBe(3);
    });
  });

  it('refuses an answer larger than maxResponseBytes at once, without reading it whole or retrying', async () => {
    // A server that honours any NumberPerPage: a page of 1,000 records is ~400 kB.
    const server = await resources.server({ maxPageSize: 10_000 });
    const client = resources.client(server, { maxResponseBytes: 64 * 1024 });
    const error = await failure(client.getRecordsByFilter({ page: 1, numberPerPage: 1000 }));
    expect(error).toMatchObject({ kind: 'invalid-response', details: { attempts: 1 } });
    expect(error.message).toMatch(/more than 0.1 MB/);
    expect(server.stats.requests).toBe(1);
    // An ordinary page still fits.
    await expect(client.getRecordsByFilter({ page: 1, numberPerPage: 100 })).resolves.toMatchObject({
      records: expect.any(Array),
    });
  });

  describe('deadline and cancellation', () => {
    it('stops at the overall deadline with a deadline error', async () => {
      const server = await resources.server({ latencyMs: 2000 });
      const client = resources.client(server, { retry: { deadlineMs: 300 } });
      const error = await failure(client.countRecords({}));
      // It gave up before the server's 2 s answer arrived (which would have been a success).
      expect(error.kind).toBe('deadline');
      expect(error.message).toMatch(/did not answer within 0.3 s/);
      expect(server.stats.requests).toBe(1);
    });

    it('does not start a backoff that would pass the deadline', async () => {
      const server = await resources.server({ faults: { internalErrorRate: 1 } });
      const logger = captureLogger();
      const client = resources.client(server, {
        logger,
        random: () => 0.99,
        retry: { maxAttempts: 10, baseDelayMs: 400, maxDelayMs: 5000, deadlineMs: 1000 },
      });
      const error = await failure(client.countRecords({}));
      expect(error.kind).toBe('deadline');
      expect(error.message).toMatch(/internal error/);
      // Delays of ~396 ms then ~792 ms: the second would end past 1 s, so the client stops after 2 attempts...
      expect(server.stats.requests).toBe(2);
      // ...without sleeping it first: only the first backoff was started (each is logged as it starts).
      const backoffs = logger.lines.filter((l) => l.msg === 'Tencent request failed; retrying');
      expect(backoffs.map((l) => (l.obj as { delayMs: number }).delayMs)).toEqual([396]);
    });

    it('is cancelled by the caller while waiting for an answer or a backoff, and sends nothing when already aborted', async () => {
      const server = await resources.server({ latencyMs: 2000 });
      const client = resources.client(server);
      const controller = new AbortController();
      setTimeout(() => controller.abort(), 50);
      const error = await failure(client.countRecords({}, { signal: controller.signal }));
      expect(error.kind).toBe('deadline');
      expect(error.message).toMatch(/cancelled/);

      server.setLatency(0);
      server.setFaults({ internalErrorRate: 1 });
      const inBackoff = new AbortController();
      const slowRetry = resources.client(server, {
        random: () => 0.99,
        retry: { baseDelayMs: 5000, maxDelayMs: 5000 },
        logger: captureLogger(() => inBackoff.abort()),
      });
      // Cancelled in the 5-second backoff: one attempt, and no second request after the backoff.
      expect(await failure(slowRetry.countRecords({}, { signal: inBackoff.signal }))).toMatchObject({
        kind: 'deadline',
        details: { attempts: 1, code: 101001 },
      });

      server.resetStats();
      const error2 = await failure(client.countRecords({}, { signal: AbortSignal.abort() }));
      expect(error2.kind).toBe('deadline');
      expect(server.stats.requests).toBe(0);
    });
  });

  it('never lets the secret key, the UserSig or a signed URL into errors or log lines', async () => {
    const server = await resources.server();
    const logger = captureLogger();
    const errors: unknown[] = [];
    const collect = (p: Promise<unknown>) => p.catch((e: unknown) => errors.push(e));
    const wrongKey = 'wrong-secret-key-that-must-never-be-printed';
    await collect(resources.client(server, { secretKey: wrongKey, logger }).countRecords({}));
    const client = resources.client(server, { logger, timeouts: { headersMs: 100 }, retry: { maxAttempts: 2 } });
    for (const faults of [
      { internalErrorRate: 1 },
      { http500Rate: 1 },
      { dropRate: 1 },
      { slowRate: 1, slowMs: 5000 },
    ]) {
      server.setFaults(faults);
      await collect(client.countRecords({}));
    }
    server.setFaults({});
    server.setLatency(1000);
    await collect(resources.client(server, { logger, retry: { deadlineMs: 100 } }).countRecords({}));
    server.setLatency(0);
    server.setRateLimit(0);
    await collect(client.countRecords({}));
    // A connection refused: the server is gone.
    const gone = resources.client(server, { logger });
    await server.close();
    await collect(gone.countRecords({}));

    expect(errors).toHaveLength(8);
    const kinds = errors.map((e) => (e as TencentError).kind);
    expect(kinds).toEqual([
      'auth',
      'transient',
      'transient',
      'transient',
      'transient',
      'deadline',
      'rate-limit',
      'transient',
    ]);
    const said = [...errors.map(everythingSaidBy), ...logger.lines.map((l) => JSON.stringify(l))].join('\n');
    expect(said).not.toContain(wrongKey);
    expect(said).not.toContain(server.secretKey);
    expect(said).not.toMatch(USERSIG_SHAPE);
    expect(said).not.toMatch(/usersig=(?!\[redacted\])/i);
    expect(said).not.toContain('/v4/call_record_http_srv/get_record_by_filter?');
    expect(JSON.stringify(client)).not.toContain(server.secretKey);
  });
});
