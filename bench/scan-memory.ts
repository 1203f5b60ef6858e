/**
 * Bench 3: memory while scanning 200,000 records. Two child processes: the demo server (and its dataset) in one,
 * the scan in the other (bench/scan-memory-child.ts), which measures its own RSS, so only the client's memory
 * counts. The scan child runs as `npm start` runs the app: plain node on compiled JavaScript (lib/compile.ts);
 * tsx's loader alone would add about 60 MB of RSS that production never has. If esbuild cannot be loaded, the
 * child runs through tsx and the output says so.
 * To keep the run short the demo server allows 2,000 requests per second and the client 1,000 (the real ceiling
 * is 200 and 150): memory does not depend on the rate, since the scan's window of pages in flight is capped
 * (128 pages) whatever the rate.
 */
import { fileURLToPath } from 'node:url';
import type { DemoChildOptions } from './demo-server-child.js';
import { compileEntry } from './lib/compile.js';
import { startDemoServerProcess } from './lib/demo-server-process.js';
import { mb, round } from './lib/format.js';
import { runJsonChild } from './lib/json-child.js';
import type { ScanMemoryChildOutput } from './scan-memory-child.js';

export interface ScanMemoryResult {
  records: number;
  latencyMs: number;
  serverRateLimit: number;
  clientMaxQps: number;
  /** How the scan child ran: `node (compiled)` or `node --import tsx`. */
  runtime: string;
  recordsSeen: number;
  requests: number;
  rateLimited: number;
  elapsedMs: number;
  baselineRssMb: number;
  peakRssMb: number;
  /** The kernel's peak RSS of the child (start-up included). */
  maxRssKernelMb: number;
  /** RSS at 25/50/75/100 % of the scan. */
  rssAtProgressMb: Record<string, number>;
  heapUsedAtProgressMb: Record<string, number>;
  /** (RSS at 100 %) − (RSS at 25 %): flat means small. */
  growthMb: number;
}

const CHILD_SOURCE = fileURLToPath(new URL('./scan-memory-child.ts', import.meta.url));
const CHILD_TIMEOUT_MS = 120_000;

export async function benchScanMemory(options: {
  dataset: DemoChildOptions['dataset'];
  startTime: number;
  endTime: number;
  latencyMs: number;
  serverRateLimit?: number;
  clientMaxQps?: number;
}): Promise<ScanMemoryResult> {
  const serverRateLimit = options.serverRateLimit ?? 2000;
  const clientMaxQps = options.clientMaxQps ?? 1000;
  const [compiled, server] = await Promise.all([
    compileEntry(CHILD_SOURCE),
    startDemoServerProcess({
      dataset: options.dataset,
      maxPageSize: 100,
      rateLimit: serverRateLimit,
      latencyMs: options.latencyMs,
    }),
  ]);
  try {
    const input = {
      url: server.url,
      sdkAppId: server.sdkAppId,
      secretKey: server.secretKey,
      adminUser: server.adminUser,
      maxQps: clientMaxQps,
      expected: server.records,
      startTime: options.startTime,
      endTime: options.endTime,
    };
    const args = compiled === undefined ? ['--import', 'tsx', CHILD_SOURCE] : [compiled];
    const output = await runJsonChild<ScanMemoryChildOutput>(
      'scan-memory',
      args,
      {
        BENCH_SCAN_MEMORY: JSON.stringify(input),
      },
      CHILD_TIMEOUT_MS,
    );
    const serverStats = await server.stats();
    const byPercent = (pick: (p: ScanMemoryChildOutput['atProgress'][number]) => number) =>
      Object.fromEntries(output.atProgress.map((p) => [`${p.percent}%`, mb(pick(p))]));
    const first = output.atProgress[0];
    const last = output.atProgress[output.atProgress.length - 1];
    return {
      records: server.records,
      latencyMs: options.latencyMs,
      serverRateLimit,
      clientMaxQps,
      runtime: compiled === undefined ? 'node --import tsx (esbuild unavailable)' : 'node (compiled)',
      recordsSeen: output.recordsSeen,
      requests: output.requests,
      rateLimited: serverStats.rateLimited,
      elapsedMs: round(output.elapsedMs, 0),
      baselineRssMb: mb(output.baselineRss),
      peakRssMb: mb(output.peakRssSampled),
      maxRssKernelMb: mb(output.maxRssKernel),
      rssAtProgressMb: byPercent((p) => p.rss),
      heapUsedAtProgressMb: byPercent((p) => p.heapUsed),
      growthMb: first && last ? mb(last.rss - first.rss) : Number.NaN,
    };
  } finally {
    await server.close();
  }
}
