import { describe, expect, it } from 'vitest';
import { CallGlance, GLANCE_REQUESTS, GLANCE_UNAVAILABLE } from '../../src/calls/glance.js';
import type { RecordFilter, RequestOptions } from '../../src/tencent/call-records-api.js';

interface Counted {
  filter: RecordFilter;
  options: RequestOptions | undefined;
}

/** A countRecords over made-up start times (inclusive StartTime..EndTime, as Tencent). */
function fakeApi(calls: Array<{ start: number; result: string }>) {
  const requests: Counted[] = [];
  let fail: unknown;
  let gate: Promise<void> | undefined;
  return {
    requests,
    failWith(error: unknown) {
      fail = error;
    },
    hold() {
      let release = () => {};
      gate = new Promise<void>((resolve) => {
        release = resolve;
      });
      return () => {
        gate = undefined;
        release();
      };
    },
    api: {
      async countRecords(filter: RecordFilter, options?: RequestOptions): Promise<number> {
        requests.push({ filter, options });
        if (options?.meter) options.meter.requests += 1;
        if (gate) await gate;
        if (fail !== undefined) throw fail;
        return calls.filter(
          (c) =>
            c.start >= (filter.startTime ?? 0) &&
            c.start <= (filter.endTime ?? Number.MAX_SAFE_INTEGER) &&
            (filter.callResult === undefined || c.result === filter.callResult),
        ).length;
      },
    },
  };
}

const T = 1_800_000_000; // a multiple of 60

describe('CallGlance', () => {
  const calls = [
    { start: T - 86_400 - 1, result: 'Interrupt' }, // just before the window
    { start: T - 86_400, result: 'Interrupt' }, // first second of the window
    { start: T - 3600, result: 'NormalEnd' },
    { start: T - 120, result: 'Offline' },
    { start: T - 61, result: 'Interrupt' },
    { start: T - 1, result: 'NormalEnd' }, // last second of the window
    { start: T, result: 'Interrupt' }, // the window ends at the bucket's start: not counted
  ];

  it('counts the 24 hours ending at the start of the minute with three TotalNum requests', async () => {
    let now = T + 30;
    const fake = fakeApi(calls);
    const glance = new CallGlance(fake.api, { now: () => now });
    const result = await glance.get();
    expect(result).toEqual({ calls: 5, interrupted: 2, offline: 1, rate: (2 + 1) / 5, from: T - 86_400, to: T });
    expect(fake.requests).toHaveLength(GLANCE_REQUESTS);
    expect(fake.requests.map((r) => r.filter)).toEqual([
      { startTime: T - 86_400, endTime: T - 1 },
      { startTime: T - 86_400, endTime: T - 1, callResult: 'Interrupt' },
      { startTime: T - 86_400, endTime: T - 1, callResult: 'Offline' },
    ]);
    // The same minute costs nothing, for anybody.
    now = T + 59;
    expect(await glance.get()).toEqual(result);
    expect(fake.requests).toHaveLength(3);
    // The next minute asks again, over the window that ends at its start.
    now = T + 60;
    const next = await glance.get();
    expect(fake.requests).toHaveLength(6);
    expect(next).toMatchObject({ from: T + 60 - 86_400, to: T + 60, calls: 5, interrupted: 2 });
  });

  it('shares one computation between readers of the same minute', async () => {
    const fake = fakeApi(calls);
    const glance = new CallGlance(fake.api, { now: () => T + 1 });
    const release = fake.hold();
    const readers = Promise.all([glance.get(), glance.get(), glance.get()]);
    release();
    const results = await readers;
    expect(new Set(results.map((r) => JSON.stringify(r))).size).toBe(1);
    expect(fake.requests).toHaveLength(3);
  });

  it('rates 0 with no calls', async () => {
    const glance = new CallGlance(fakeApi([]).api, { now: () => T });
    expect(await glance.get()).toMatchObject({ calls: 0, interrupted: 0, offline: 0, rate: 0 });
  });

  it('degrades to one sentence on a failure, tells onError, and keeps the failure only briefly', async () => {
    const fake = fakeApi(calls);
    const errors: unknown[] = [];
    let now = T;
    const glance = new CallGlance(fake.api, { now: () => now, onError: (error) => errors.push(error) });
    fake.failWith(new Error('Tencent is down'));
    expect(await glance.get()).toEqual({ unavailable: GLANCE_UNAVAILABLE });
    expect(errors).toHaveLength(1);
    fake.failWith(undefined);
    // Within 10 s the failure is served as it is: an outage does not cost three requests per view.
    now = T + 9;
    expect(await glance.get()).toEqual({ unavailable: GLANCE_UNAVAILABLE });
    expect(fake.requests).toHaveLength(3);
    now = T + 10;
    expect(await glance.get()).toMatchObject({ calls: 5 });
    expect(fake.requests).toHaveLength(6);
    // A success is kept for the rest of the minute.
    now = T + 59;
    await glance.get();
    expect(fake.requests).toHaveLength(6);
  });

  it('treats an answer that is not a count as a failure', async () => {
    const glance = new CallGlance({ countRecords: async () => Number.NaN }, { now: () => T });
    expect(await glance.get()).toEqual({ unavailable: GLANCE_UNAVAILABLE });
  });

  it('gives up after timeoutMs, passing an abort signal to every request', async () => {
    const glance = new CallGlance(
      {
        countRecords: (_filter, options) =>
          new Promise<number>((_resolve, reject) => {
            options?.signal?.addEventListener('abort', () => reject(options.signal?.reason));
          }),
      },
      { now: () => T, timeoutMs: 20 },
    );
    expect(await glance.get()).toEqual({ unavailable: GLANCE_UNAVAILABLE });
  });

  it('honours a custom bucket and window', async () => {
    const fake = fakeApi(calls);
    let now = T + 5;
    const glance = new CallGlance(fake.api, { now: () => now, ttlSeconds: 10, windowSeconds: 3600 });
    expect(await glance.get()).toMatchObject({ from: T - 3600, to: T, calls: 4 });
    now = T + 10;
    await glance.get();
    expect(fake.requests).toHaveLength(6);
    glance.clear();
    await glance.get();
    expect(fake.requests).toHaveLength(9);
  });
});
