/**
 * Child process of bench 3: scans every record of the demo server given in BENCH_SCAN_MEMORY (JSON) with the real
 * client, and measures its own memory: RSS sampled every 50 ms, RSS when 25/50/75/100 % of the records have
 * arrived, and the kernel's peak (resourceUsage().maxRSS). Only the client runs here, so the demo server's
 * dataset (in the parent) does not count. Prints one JSON line on stdout.
 */
import { TencentCallRecordsClient } from '../src/tencent/client.js';
import { runMain } from './lib/run-main.js';

interface ChildInput {
  url: string;
  sdkAppId: number;
  secretKey: string;
  adminUser: string;
  maxQps: number;
  expected: number;
  startTime: number;
  endTime: number;
}

export interface ScanMemoryChildOutput {
  recordsSeen: number;
  requests: number;
  rateLimited: number;
  elapsedMs: number;
  /** Bytes. */
  baselineRss: number;
  peakRssSampled: number;
  maxRssKernel: number;
  /** RSS (bytes) when 25, 50, 75 and 100 % of the records had arrived. */
  atProgress: Array<{ percent: number; rss: number; heapUsed: number }>;
  samples: number;
}

async function main(): Promise<void> {
  const input = JSON.parse(process.env.BENCH_SCAN_MEMORY ?? '{}') as ChildInput;
  const client = new TencentCallRecordsClient({
    sdkAppId: input.sdkAppId,
    secretKey: input.secretKey,
    adminUser: input.adminUser,
    baseUrl: input.url,
    maxQps: input.maxQps,
  });
  const filter = { startTime: input.startTime, endTime: input.endTime };
  // Warm-up request: UserSig, one connection, the JIT.
  await client.countRecords(filter);
  const baselineRss = process.memoryUsage.rss();

  let peak = baselineRss;
  let samples = 0;
  const sampler = setInterval(() => {
    samples += 1;
    peak = Math.max(peak, process.memoryUsage.rss());
  }, 50);

  const marks = [25, 50, 75, 100];
  const atProgress: ScanMemoryChildOutput['atProgress'] = [];
  const requestsBefore = client.stats.requests;
  const started = performance.now();
  let seen = 0;
  for await (const _record of client.scan(filter, { pageSize: 100 })) {
    seen += 1;
    const mark = marks[atProgress.length];
    if (mark !== undefined && seen * 100 >= mark * input.expected) {
      const usage = process.memoryUsage();
      peak = Math.max(peak, usage.rss);
      atProgress.push({ percent: mark, rss: usage.rss, heapUsed: usage.heapUsed });
    }
  }
  const elapsedMs = performance.now() - started;
  clearInterval(sampler);
  peak = Math.max(peak, process.memoryUsage.rss());
  await client.close();

  const output: ScanMemoryChildOutput = {
    recordsSeen: seen,
    requests: client.stats.requests - requestsBefore,
    rateLimited: client.stats.rateLimited,
    elapsedMs,
    baselineRss,
    peakRssSampled: peak,
    maxRssKernel: process.resourceUsage().maxRSS * 1024,
    atProgress,
    samples,
  };
  process.stdout.write(`${JSON.stringify(output)}\n`);
}

runMain('scan-memory child', main);
