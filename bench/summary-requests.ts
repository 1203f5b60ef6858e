/**
 * Bench 4: what the daily summary costs in upstream requests for days of 1,000, 10,000 and 100,000 calls.
 * Two series over the same call volumes:
 * - `natural`: the demo mix, where about 6 % of calls end Interrupt or Offline, so dropped calls grow with the day;
 * - `fixed-dropped`: the same days with only 60 dropped calls each (the rest re-labelled as ordinary endings),
 *   which isolates the day's total: the request count must stay the same.
 * Counted at the demo server (stats.requests around collectDailySummary), and by the summary's own meter.
 */
import { collectDailySummary } from '../src/calls/daily-summary.js';
import type { WireCallRecord } from '../src/calls/records.js';
import { generateDataset } from '../src/demo/dataset.js';
import { startDemoServer } from '../src/demo/server.js';
import { TencentCallRecordsClient } from '../src/tencent/client.js';
import { round } from './lib/format.js';

export type SummarySeries = 'natural' | 'fixed-dropped';

export interface SummaryRequestsRow {
  series: SummarySeries;
  latencyMs: number;
  /** Calls per day asked of the generator. */
  targetCalls: number;
  /** Calls that actually fell in the summarised day. */
  dayCalls: number;
  interrupted: number;
  offline: number;
  /** Requests the demo server received during collectDailySummary. */
  requests: number;
  /** The summary's own count (RequestMeter). */
  upstreamRequests: number;
  /** The budget daily-summary.ts promises: 15 + ceil((interrupted + offline) / 100). */
  budget: number;
  fallbackScan: boolean;
  elapsedMs: number;
  /** The summary's totalCalls agrees with the dataset. */
  totalMatches: boolean;
}

const DAY = 86_400;
const FIXED_DROPPED = 60;
const DROPPED = new Set(['Interrupt', 'Offline']);

/** Yesterday (UTC) and the day before, each with `callsPerDay` calls. */
function twoDays(callsPerDay: number, seed: number, todayStart: number): WireCallRecord[] {
  return generateDataset({ seed, now: todayStart, days: 2, callsPerDay });
}

/** Keeps `keep` dropped calls per day, spread evenly; the others become ordinary endings. */
function limitDropped(records: WireCallRecord[], keep: number, todayStart: number): WireCallRecord[] {
  for (const dayStart of [todayStart - 2 * DAY, todayStart - DAY]) {
    const dropped = records.filter(
      (r) => DROPPED.has(r.CallResult) && r.StartTime >= dayStart && r.StartTime < dayStart + DAY,
    );
    dropped.forEach((record, j) => {
      const kept = Math.floor(((j + 1) * keep) / dropped.length) > Math.floor((j * keep) / dropped.length);
      if (!kept) record.CallResult = record.AcceptTime > 0 ? 'NormalEnd' : 'Cancel';
    });
  }
  return records;
}

export async function benchSummaryRequests(options: {
  dayCalls: readonly number[];
  latencies: readonly number[];
  maxQps?: number;
}): Promise<SummaryRequestsRow[]> {
  const now = Math.floor(Date.now() / 1000);
  const todayStart = now - (now % DAY);
  const yesterday = new Date((todayStart - DAY) * 1000).toISOString().slice(0, 10);
  const rows: SummaryRequestsRow[] = [];
  for (const series of ['natural', 'fixed-dropped'] as const) {
    for (const dayCalls of options.dayCalls) {
      let records = twoDays(dayCalls, 1000 + dayCalls, todayStart);
      if (series === 'fixed-dropped') records = limitDropped(records, FIXED_DROPPED, todayStart);
      const inYesterday = records.filter((r) => r.StartTime >= todayStart - DAY && r.StartTime < todayStart).length;
      const server = await startDemoServer({ records, maxPageSize: 100, rateLimit: 200 });
      const client = new TencentCallRecordsClient({
        sdkAppId: server.sdkAppId,
        secretKey: server.secretKey,
        adminUser: server.adminUser,
        baseUrl: server.url,
        maxQps: options.maxQps ?? 150,
      });
      records = [];
      try {
        for (const latencyMs of options.latencies) {
          server.setLatency(latencyMs);
          // Let the server's one-second window empty between runs.
          await new Promise((resolve) => setTimeout(resolve, 1100));
          server.resetStats();
          const started = performance.now();
          const summary = await collectDailySummary(client, { date: yesterday, timeZone: 'UTC' }, { now });
          const elapsedMs = performance.now() - started;
          rows.push({
            series,
            latencyMs,
            targetCalls: dayCalls,
            dayCalls: inYesterday,
            interrupted: summary.interrupted,
            offline: summary.offline,
            requests: server.stats.requests,
            upstreamRequests: summary.upstreamRequests,
            budget: 15 + Math.ceil(summary.dropped / 100),
            fallbackScan: summary.fallbackScan,
            elapsedMs: round(elapsedMs, 0),
            totalMatches: summary.totalCalls === inYesterday,
          });
        }
      } finally {
        await client.close();
        await server.close();
      }
    }
  }
  return rows;
}
