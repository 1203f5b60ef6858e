/**
 * What collecting metrics costs (target: under 1% of request time): the real callback route storing into a real
 * SQLite store, fed sequentially over a keep-alive connection, with metrics on (callkit_callbacks_total and
 * callkit_store_query_duration_seconds recorded, as the app does) and off, in alternating rounds of the same run,
 * on ONE server and ONE store (two stores side by side differ by more than 10% from each other alone: the first
 * opened was slower in an A/A run). Off, the recorder is switched to do nothing; Kysely's timing hook (one
 * performance.now() a query) stays in both. Two figures:
 *   - the A/B ratio of the median request time, on over off (noisy on a shared machine: rounds alternate so that
 *     drift hits both sides alike);
 *   - the recording work of one such request alone (one callback count, its store queries timed), measured in a tight
 *     loop, as a share of the median request time: the steadier figure.
 *
 *   npx tsx bench/metrics-overhead.ts [requests-per-round] [rounds]     (defaults 1500 and 6; npm run bench too)
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { createNewCallsFeed } from '../src/calls/new-calls.js';
import { Metrics } from '../src/shared/metrics.js';
import { openCallStore } from '../src/store/open-call-store.js';
import { END_CALL_COMMAND } from '../src/tencent/callback-request.js';
import { createCallbackRoute } from '../src/tencent/callback-route.js';
import { percentile, round, table, verdict } from './lib/format.js';
import { runMain } from './lib/run-main.js';

const TOKEN = 'BenchMetricsToken_0123456789';
const SDK_APP_ID = 1400000001;
export const METRICS_OVERHEAD_TARGET_PERCENT = 1;

export interface MetricsOverheadResult {
  requestsPerRound: number;
  rounds: number;
  medianOffMs: number;
  medianOnMs: number;
  /** Median request time with metrics on, over off. */
  ratio: number;
  /** Microseconds of recording work per request (measured alone). */
  recordingUs: number;
  /** recordingUs as a share of the median request time with metrics off. */
  recordingPercent: number;
  storeQueriesPerRequest: number;
}

function body(index: number, now: number): string {
  return JSON.stringify({
    CallbackCommand: END_CALL_COMMAND,
    CallRecord: {
      CallId: `bench-m-${now}-${index}-${randomBytes(4).toString('hex')}`,
      Caller_Account: String(100 + (index % 500)),
      MediaType: 'Audio',
      CallType: 'SingleCall',
      StartTime: now - 120,
      EndTime: now - 2,
      AcceptTime: now - 115,
      CallResult: 'NormalEnd',
      CalleeList_Account: [String(100 + (index % 500)), String(1000 + (index % 733))],
      RoomId: `room-${index}`,
      RoomIdType: 2,
    },
    EventTime: now * 1000,
  });
}

/** The recordings the callback route and the store make, switched on and off between rounds. */
class SwitchedRecorder {
  on = true;
  constructor(readonly metrics: Metrics) {}
  callback(command: string, outcome: string): void {
    if (this.on) this.metrics.callback(command, outcome);
  }
  storeQuery(operation: string, seconds: number): void {
    if (this.on) this.metrics.storeQuery(operation, seconds);
  }
}

async function startSide(metrics: SwitchedRecorder) {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'callkit-bench-metrics-'));
  const store = await openCallStore({
    dataDir,
    retentionDays: 90,
    queryTimer: metrics,
  });
  const route = createCallbackRoute({
    token: TOKEN,
    sdkAppId: SDK_APP_ID,
    store,
    feed: createNewCallsFeed(),
    logger: pino({ level: 'silent' }),
    metrics,
  });
  const server = createServer((req, res) => route.handler(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const pathWithQuery = `/tencent/callback/${TOKEN}?SdkAppid=${SDK_APP_ID}&CallbackCommand=${END_CALL_COMMAND}&contenttype=json`;
  let index = 0;
  const send = (text: string) =>
    new Promise<number>((resolve, reject) => {
      const started = performance.now();
      const req = request(
        {
          host: '127.0.0.1',
          port,
          path: pathWithQuery,
          method: 'POST',
          agent,
          headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) },
        },
        (res) => {
          res.resume();
          res.once('end', () =>
            res.statusCode === 200 ? resolve(performance.now() - started) : reject(new Error(`${res.statusCode}`)),
          );
        },
      );
      req.once('error', reject);
      req.end(text);
    });
  return {
    async round(count: number): Promise<number[]> {
      const now = Math.floor(Date.now() / 1000);
      const times: number[] = [];
      for (let i = 0; i < count; i += 1) {
        index += 1;
        times.push(await send(body(index, now)));
      }
      return times;
    },
    async close() {
      agent.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await store.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export async function benchMetricsOverhead(
  options: { requestsPerRound?: number; rounds?: number } = {},
): Promise<MetricsOverheadResult> {
  const requestsPerRound = options.requestsPerRound ?? 1500;
  const rounds = options.rounds ?? 6;
  const metrics = new Metrics();
  const recorder = new SwitchedRecorder(metrics);
  const side = await startSide(recorder);
  try {
    await side.round(200);
    const queriesBefore = countQueries(await metrics.registry.getMetricsAsJSON());
    const onTimes: number[] = [];
    const offTimes: number[] = [];
    for (let r = 0; r < rounds; r += 1) {
      // Alternate which goes first, so that neither always runs on a warmer (or busier) machine, or store.
      for (const on of r % 2 === 0 ? [true, false] : [false, true]) {
        recorder.on = on;
        (on ? onTimes : offTimes).push(...(await side.round(requestsPerRound)));
      }
    }
    recorder.on = true;
    const queries = countQueries(await metrics.registry.getMetricsAsJSON()) - queriesBefore;
    const storeQueriesPerRequest = queries / (rounds * requestsPerRound);
    const medianOnMs = percentile(onTimes, 50);
    const medianOffMs = percentile(offTimes, 50);
    const recordingUs = recordingCost(Math.ceil(storeQueriesPerRequest));
    return {
      requestsPerRound,
      rounds,
      medianOffMs,
      medianOnMs,
      ratio: medianOnMs / medianOffMs,
      recordingUs,
      recordingPercent: (recordingUs / 1000 / medianOffMs) * 100,
      storeQueriesPerRequest,
    };
  } finally {
    await side.close();
  }
}

function countQueries(json: Array<{ name: string; values: Array<{ metricName?: string; value: number }> }>): number {
  const family = json.find((m) => m.name === 'callkit_store_query_duration_seconds');
  return (family?.values ?? [])
    .filter((v) => v.metricName === 'callkit_store_query_duration_seconds_count')
    .reduce((sum, v) => sum + v.value, 0);
}

/** Microseconds to record what one callback records: its count and `queries` timed store queries. */
function recordingCost(queries: number): number {
  const metrics = new Metrics({ processMetrics: false });
  const loops = 200_000;
  const run = () => {
    const started = performance.now();
    for (let i = 0; i < loops; i += 1) {
      metrics.callback(END_CALL_COMMAND, 'stored');
      for (let q = 0; q < queries; q += 1) metrics.storeQuery('insert', 0.0004);
    }
    return ((performance.now() - started) * 1000) / loops;
  };
  run();
  return Math.min(run(), run(), run());
}

export function metricsOverheadTable(result: MetricsOverheadResult): string {
  return table(
    `Metrics overhead: callbacks into SQLite, ${result.rounds} alternating rounds of ${result.requestsPerRound} each side`,
    ['figure', 'value', `target < ${METRICS_OVERHEAD_TARGET_PERCENT}%`],
    [
      ['median request, metrics off', `${round(result.medianOffMs, 3)} ms`, ''],
      ['median request, metrics on', `${round(result.medianOnMs, 3)} ms`, ''],
      ['ratio on / off', round(result.ratio, 3), verdict(result.ratio < 1 + METRICS_OVERHEAD_TARGET_PERCENT / 100)],
      [
        `recording work per request (${round(result.storeQueriesPerRequest, 1)} store queries timed)`,
        `${round(result.recordingUs, 2)} µs = ${round(result.recordingPercent, 2)}%`,
        verdict(result.recordingPercent < METRICS_OVERHEAD_TARGET_PERCENT),
      ],
    ],
  );
}

if (import.meta.url === `file://${process.argv[1]}`) {
  runMain('metrics-overhead', async () => {
    const result = await benchMetricsOverhead({
      requestsPerRound: Number(process.argv[2] ?? 1500),
      rounds: Number(process.argv[3] ?? 6),
    });
    process.stdout.write(`${metricsOverheadTable(result)}\n${JSON.stringify({ bench: 'metrics-overhead', result })}\n`);
  });
}
