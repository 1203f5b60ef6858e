/**
 * Bench 1: a scan of 20,000 records through the real client against the demo server (100 records a page,
 * 200 requests per second, the latency setting), at maxQps 150, and the same records read by a plain
 * one-page-at-a-time loop over getRecordsByFilter with the same client. The demo server runs in a child process
 * (Tencent is remote in real life), so only the client shares this event loop.
 */

import type { RecordFilter } from '../src/calls/record-source.js';
import { TencentCallRecordsClient } from '../src/tencent/client.js';
import { PacedRateLimiter, type RateLimiter } from '../src/tencent/rate-limiter.js';
import type { DemoChildOptions } from './demo-server-child.js';
import { startDemoServerProcess } from './lib/demo-server-process.js';
import { round } from './lib/format.js';

export interface ScanThroughputResult {
  latencyMs: number;
  records: number;
  maxQps: number;
  /** Concurrent scan (client.scan): the median of the runs, by elapsed time. */
  scan: {
    recordsSeen: number;
    requests: number;
    elapsedMs: number;
    /** requests / elapsed, first page's round trip and the last answers included. */
    overallQps: number;
    /** Rate of the permits from page 2 to the last one: the steady state the limiter reached. */
    sustainedQps: number;
    /** sustainedQps / maxQps (above 1 on a short scan: the limiter's start-up catch-up burst is counted in). */
    sustainedRatio: number;
    overallRatio: number;
    /** Most permits in any 1-second window: the rate the scan reached (the server counts per second). */
    busiestSecond: number;
    /** busiestSecond / maxQps (target >= 0.9 when latency allows; the limiter's own cap is 0.96). */
    busiestRatio: number;
    /** 60007 answers from the demo server (target 0). */
    rateLimited: number;
    /** Most requests the server had in flight at once. */
    maxConcurrent: number;
  };
  /** Every concurrent run (`scan` is the median one), to show the spread on a busy machine. */
  runs: Array<ScanThroughputResult['scan']>;
  /** Plain loop: page after page, each waiting for the one before. */
  plain: { recordsSeen: number; requests: number; elapsedMs: number; qps: number };
  /** plain elapsed / scan elapsed. */
  speedUp: number;
}

/** The shared limiter's behaviour, plus the time of every permit it grants. */
class RecordingLimiter implements RateLimiter {
  readonly grants: number[] = [];
  readonly #inner: PacedRateLimiter;

  constructor(inner: PacedRateLimiter) {
    this.#inner = inner;
  }

  get maxQps(): number {
    return this.#inner.maxQps;
  }

  async acquire(signal?: AbortSignal): Promise<void> {
    await this.#inner.acquire(signal);
    this.grants.push(performance.now());
  }
}

type ScanRun = ScanThroughputResult['scan'];

export async function benchScanThroughput(options: {
  dataset: DemoChildOptions['dataset'];
  /** The range the records cover (Unix seconds). */
  filter: Required<Pick<RecordFilter, 'startTime' | 'endTime'>>;
  latencyMs: number;
  maxQps?: number;
  /** Concurrent scans to run; the median (by elapsed time) is reported. Default 3. */
  runs?: number;
}): Promise<ScanThroughputResult> {
  const maxQps = options.maxQps ?? 150;
  const server = await startDemoServerProcess({
    dataset: options.dataset,
    maxPageSize: 100,
    rateLimit: 200,
    latencyMs: options.latencyMs,
  });
  const limiter = new RecordingLimiter(new PacedRateLimiter(maxQps));
  const client = new TencentCallRecordsClient({
    sdkAppId: server.sdkAppId,
    secretKey: server.secretKey,
    adminUser: server.adminUser,
    baseUrl: server.url,
    limiter,
  });
  const settle = () => new Promise((resolve) => setTimeout(resolve, 1100)); // the server's 1 s window empties
  try {
    // Warm up: the UserSig, one connection, the JIT on both sides.
    await client.countRecords(options.filter);

    const runs: ScanRun[] = [];
    for (let run = 0; run < (options.runs ?? 3); run++) {
      await settle();
      await server.resetStats();
      limiter.grants.length = 0;
      const started = performance.now();
      let seen = 0;
      for await (const _record of client.scan(options.filter, { pageSize: 100 })) seen += 1;
      const elapsed = performance.now() - started;
      const stats = await server.stats();
      // Page 1 goes alone (it tells the total); pages 2..n go concurrently within the limiter.
      const steady = limiter.grants.slice(1);
      const sustainedQps =
        steady.length >= 2
          ? ((steady.length - 1) * 1000) / ((steady[steady.length - 1] as number) - (steady[0] as number))
          : Number.NaN;
      const overallQps = (stats.requests * 1000) / elapsed;
      let busiestSecond = 0;
      for (let i = 0, j = 0; i < limiter.grants.length; i++) {
        while (j < limiter.grants.length && (limiter.grants[j] as number) < (limiter.grants[i] as number) + 1000) j++;
        busiestSecond = Math.max(busiestSecond, j - i);
      }
      runs.push({
        recordsSeen: seen,
        requests: stats.requests,
        elapsedMs: round(elapsed, 0),
        overallQps: round(overallQps, 1),
        sustainedQps: round(sustainedQps, 1),
        sustainedRatio: round(sustainedQps / maxQps, 3),
        overallRatio: round(overallQps / maxQps, 3),
        busiestSecond,
        busiestRatio: round(busiestSecond / maxQps, 3),
        rateLimited: stats.rateLimited,
        maxConcurrent: stats.maxConcurrent,
      });
    }
    const median = [...runs].sort((a, b) => a.elapsedMs - b.elapsedMs)[Math.floor(runs.length / 2)] as ScanRun;

    await settle();
    await server.resetStats();
    const started = performance.now();
    let plainSeen = 0;
    for (let page = 1; ; page++) {
      const result = await client.getRecordsByFilter({ ...options.filter, page, numberPerPage: 100 });
      plainSeen += result.records.length;
      if (result.records.length === 0 || plainSeen >= result.totalNum) break;
    }
    const plainElapsed = performance.now() - started;
    const plainRequests = (await server.stats()).requests;

    return {
      latencyMs: options.latencyMs,
      records: server.records,
      maxQps,
      scan: median,
      runs,
      plain: {
        recordsSeen: plainSeen,
        requests: plainRequests,
        elapsedMs: round(plainElapsed, 0),
        qps: round((plainRequests * 1000) / plainElapsed, 1),
      },
      speedUp: round(plainElapsed / median.elapsedMs, 1),
    };
  } finally {
    await client.close();
    await server.close();
  }
}
