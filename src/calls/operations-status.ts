/**
 * What `/calls status` tells an admin, as plain data: the store, the last sync, the last hour's callbacks and
 * Tencent requests, open incidents, and the live processes. The adapters gather it; the view renders it.
 */

import { type Counts, sumCounts } from '../shared/recent-counts.js';
import type { StoreCoverage } from './call-store.js';

/** One process sharing the store, as it last said in its heartbeat. */
export interface ProcessInfo {
  id: string;
  host: string;
  pid: number;
  version: string;
  /** Unix seconds. */
  startedAt: number;
  heartbeatAt: number;
  /** The holder ID its sync job takes the lease with, or null when it runs no sync. */
  syncHolder: string | null;
  /** Its last hour: `<command> <outcome>` callbacks and `<api> <outcome>` Tencent requests. */
  stats: ProcessStats;
}

export interface ProcessStats {
  callbacks: Counts;
  tencent: Counts;
}

/** Processes heartbeat into the store; `live` are those heard from within a few heartbeats. */
export interface ProcessRegistry {
  heartbeat(process: ProcessInfo): Promise<void>;
  live(now: number): Promise<ProcessInfo[]>;
  remove(id: string): Promise<void>;
}

/** How often a process heartbeats, and how many missed heartbeats make it no longer live. */
export const HEARTBEAT_SECONDS = 30;
export const LIVE_WITHIN_SECONDS = HEARTBEAT_SECONDS * 3;

/** Callback outcomes that are not refusals. */
const ACCEPTED = new Set(['stored', 'duplicate', 'ignored']);
/** Tencent request outcomes that are not errors. */
const ANSWERED = new Set(['ok', 'not-found']);

export interface CallbackSummary {
  /** By command: how many were received. */
  byCommand: Record<string, number>;
  /** By reason: how many were refused (or could not be stored). */
  refused: Record<string, number>;
}

export function summarizeCallbacks(counts: Counts): CallbackSummary {
  const byCommand: Record<string, number> = {};
  const refused: Record<string, number> = {};
  for (const [key, count] of Object.entries(counts)) {
    const [command = '', outcome = ''] = key.split(' ');
    byCommand[command] = (byCommand[command] ?? 0) + count;
    if (!ACCEPTED.has(outcome)) refused[outcome] = (refused[outcome] ?? 0) + count;
  }
  return { byCommand, refused };
}

export interface TencentRate {
  api: string;
  requests: number;
  errors: number;
}

/** Each API's requests and errors over the hour, most requests first. */
export function tencentRates(counts: Counts): TencentRate[] {
  const byApi = new Map<string, TencentRate>();
  for (const [key, count] of Object.entries(counts)) {
    const [api = '', outcome = ''] = key.split(' ');
    const rate = byApi.get(api) ?? { api, requests: 0, errors: 0 };
    rate.requests += count;
    if (!ANSWERED.has(outcome)) rate.errors += count;
    byApi.set(api, rate);
  }
  return [...byApi.values()].sort((a, b) => b.requests - a.requests || a.api.localeCompare(b.api));
}

export interface OperationsStatus {
  /** Unix seconds. */
  now: number;
  /** Null: the store did not answer. */
  coverage: StoreCoverage | null;
  callbacks: CallbackSummary;
  tencent: TencentRate[];
  /** Null: the store did not answer. */
  openIncidents: number | null;
  /** Live processes, this one included; `holdsSyncLease` marks the one syncing. */
  processes: Array<ProcessInfo & { holdsSyncLease: boolean; self: boolean }>;
}

/** Puts the pieces together: every process's last hour is summed (on SQLite there is only this one). */
export function operationsStatus(input: {
  now: number;
  coverage: StoreCoverage | null;
  openIncidents: number | null;
  processes: readonly ProcessInfo[];
  self: ProcessInfo;
  syncLeaseHolder: string | null;
}): OperationsStatus {
  const others = input.processes.filter((p) => p.id !== input.self.id);
  const all = [input.self, ...others];
  return {
    now: input.now,
    coverage: input.coverage,
    openIncidents: input.openIncidents,
    callbacks: summarizeCallbacks(sumCounts(all.map((p) => p.stats.callbacks))),
    tencent: tencentRates(sumCounts(all.map((p) => p.stats.tencent))),
    processes: all.map((p) => ({
      ...p,
      self: p.id === input.self.id,
      holdsSyncLease: p.syncHolder !== null && p.syncHolder === input.syncLeaseHolder,
    })),
  };
}
