import { afterEach, describe, expect, it } from 'vitest';
import { generateDataset } from '../../src/demo/dataset.js';
import { type DemoServer, type DemoServerOptions, startDemoServer } from '../../src/demo/server.js';
import { filter, post } from './helpers.js';

const RECORDS = generateDataset({ seed: 3, callsPerDay: 50 });
let server: DemoServer | undefined;
async function serve(options: DemoServerOptions = {}): Promise<DemoServer> {
  server = await startDemoServer({ records: RECORDS, ...options });
  return server;
}
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const codes = (answers: { json: { ErrorCode: number } }[]) =>
  answers.map((a) => a.json.ErrorCode).sort((a, b) => a - b);

describe('demo server: rate limit', () => {
  it('answers 60007 past the limit within one second, and admits again once the window slides', async () => {
    const s = await serve({ rateLimit: 5 });
    const burst = await Promise.all(Array.from({ length: 9 }, () => filter(s, {})));
    expect(codes(burst)).toEqual([0, 0, 0, 0, 0, 60007, 60007, 60007, 60007]);
    expect(s.stats.rateLimited).toBe(4);
    await new Promise((r) => setTimeout(r, 1050));
    expect((await filter(s, {})).json.ErrorCode).toBe(0);
  });

  it('takes a new limit at run time', async () => {
    const s = await serve({ rateLimit: 1000 });
    s.setRateLimit(2);
    const burst = await Promise.all(Array.from({ length: 4 }, () => filter(s, {})));
    expect(codes(burst)).toEqual([0, 0, 60007, 60007]);
  });
});

describe('demo server: faults', () => {
  it('answers 101001 at internalErrorRate 1, after authentication', async () => {
    const s = await serve({ faults: { internalErrorRate: 1 } });
    expect((await filter(s, {})).json).toMatchObject({ ActionStatus: 'FAIL', ErrorCode: 101001 });
    expect((await post(s, 'get_record_by_callid', { CallId: 'x' })).json.ErrorCode).toBe(101001);
    expect(s.stats.faultsInjected).toBe(2);
  });

  it('answers bursts of 101001 counted in requests: of every 3, the first 2 (again from the start after setFaults)', async () => {
    const s = await serve({ faults: { internalErrorBursts: { every: 3, length: 2 } } });
    const seen: number[] = [];
    for (let i = 0; i < 7; i++) seen.push((await filter(s, {})).json.ErrorCode);
    expect(seen).toEqual([101001, 101001, 0, 101001, 101001, 0, 101001]);
    s.setFaults({ internalErrorBursts: { every: 3, length: 2 } });
    expect((await filter(s, {})).json.ErrorCode).toBe(101001);
    expect(s.stats.faultsInjected).toBe(6);
  });

  it('answers HTTP 500 at http500Rate 1', async () => {
    const s = await serve({ faults: { http500Rate: 1 } });
    const answer = await filter(s, {});
    expect(answer.status).toBe(500);
    expect(answer.json).toBeUndefined();
  });

  it('drops the connection at dropRate 1', async () => {
    const s = await serve({ faults: { dropRate: 1 } });
    await expect(filter(s, {})).rejects.toThrow();
    expect(s.stats.faultsInjected).toBe(1);
  });

  it('delays by slowMs at slowRate 1, and by latencyMs always', async () => {
    const s = await serve({ faults: { slowRate: 1, slowMs: 250 } });
    let started = performance.now();
    expect((await filter(s, {})).json.ErrorCode).toBe(0);
    expect(performance.now() - started).toBeGreaterThanOrEqual(240);

    s.setFaults({});
    s.setLatency(120);
    s.resetStats();
    started = performance.now();
    await filter(s, {});
    expect(performance.now() - started).toBeGreaterThanOrEqual(110);
    expect(s.stats.faultsInjected).toBe(0); // the slow fault is off once cleared
  });

  it('injects a fault at about its rate', async () => {
    const s = await serve({ faults: { internalErrorRate: 0.3 } });
    const answers = await Promise.all(Array.from({ length: 150 }, () => filter(s, {})));
    const failed = answers.filter((a) => a.json.ErrorCode === 101001).length;
    expect(failed).toBeGreaterThan(20);
    expect(failed).toBeLessThan(80);
    expect(s.stats.faultsInjected).toBe(failed);
  });

  it('stops injecting once the faults are cleared', async () => {
    const s = await serve({ faults: { internalErrorRate: 1, http500Rate: 1 } });
    s.setFaults({});
    expect((await filter(s, {})).json.ErrorCode).toBe(0);
  });
});

describe('demo server: stats and lifecycle', () => {
  it('counts requests per command and the most at once', async () => {
    const s = await serve({ latencyMs: 300 });
    await Promise.all([
      ...Array.from({ length: 6 }, () => filter(s, {})),
      post(s, 'get_record_by_callid', { CallId: 'x' }),
      post(s, 'nope', {}),
    ]);
    expect(s.stats).toMatchObject({
      requests: 8,
      byCommand: { get_record_by_filter: 6, get_record_by_callid: 1, other: 1 },
      rateLimited: 0,
      faultsInjected: 0,
    });
    expect(s.stats.maxConcurrent).toBe(8);
    const stats = s.stats;
    s.resetStats();
    expect(stats).toEqual({ requests: 0, byCommand: {}, rateLimited: 0, faultsInjected: 0, maxConcurrent: 0 });
  });

  it('closes promptly with requests still waiting', async () => {
    const s = await serve({ latencyMs: 10_000 });
    const pending = filter(s, {}).catch((error: unknown) => error);
    await new Promise((r) => setTimeout(r, 50));
    const started = performance.now();
    await s.close();
    expect(performance.now() - started).toBeLessThan(1000);
    expect(await pending).toBeInstanceOf(Error);
    server = undefined;
  });

  it('gives an http origin on loopback', async () => {
    const s = await serve();
    expect(s.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(s.records).toHaveLength(RECORDS.length);
  });
});
