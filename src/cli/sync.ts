/**
 * `npm run sync -- [--once]`: the store's sync in the foreground, for a first backfill or a scheduler. It takes the
 * same `sync` lease as the app, so it refuses (exit 1) while another process syncs the store. `--once` reconciles
 * the retained window, comparing every hour, and exits; without it the sync keeps running every SYNC_INTERVAL
 * until SIGINT/SIGTERM.
 */

import { describeUtcSpan } from '../calls/sync-problem.js';
import type { Config } from '../config/index.js';
import { redactText } from '../shared/logger.js';
import type { CallStore } from '../store/open-call-store.js';
import type { SyncReport } from '../sync/sync-pass.js';
import type { CallRecordsBackend } from '../wiring/backend.js';
import { DEMO_BANNER } from './calls.js';
import { type CliCommand, type CliIo, EXIT_FAILED, EXIT_OK } from './io.js';
import { parseFlags } from './parse-flags.js';
import { cliLogger, loadCliConfig } from './setup.js';
import { progressView } from './sync-progress.js';

const OPTIONS = { once: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } as const;

export const LEASE_HELD_MESSAGE =
  'sync: another process is syncing this store (it holds the sync lease), so there is nothing to do here; ' +
  'stop that process first to sync from here.';

export function syncUsage(): string {
  return [
    'usage: npm run sync -- [--once]',
    '',
    "Reconciles the call-record store with Tencent's call records (a first backfill, then every SYNC_INTERVAL).",
    '  --once   reconcile the retained window once, comparing every hour, and exit',
    '',
    'Uses the same configuration as the app (DATABASE_URL or DATA_DIR, RETENTION_DAYS, SYNC_INTERVAL, TENCENT_*);',
    'without TENCENT_SDKAPPID it syncs from the built-in demo API server. Refuses while another process syncs.',
    'Exit codes: 0 synced (without --once: stopped by Ctrl-C after the first pass), 1 failed, refused or',
    'interrupted before a pass finished, 2 bad arguments.',
  ].join('\n');
}

export const runSyncCli: CliCommand = async (argv, io) => {
  const values = parseFlags('sync', argv, OPTIONS, syncUsage, io);
  if (typeof values === 'number') return values;
  const config = loadCliConfig(io);
  if (config === undefined) return EXIT_FAILED;
  const logger = cliLogger(io, config);

  let backend: CallRecordsBackend | undefined;
  try {
    const { startSync } = await import('../jobs/sync-job.js');
    // The backend opens the store and the client; the sync runs here, in the foreground, not in the backend.
    const createBackend = io.createBackend ?? (await import('../wiring/backend.js')).createCallRecordsBackend;
    backend = await createBackend(config, { logger, sync: 'off' });
    const store = backend.store;
    if (backend.demo) io.stderr(DEMO_BANNER);
    io.stdout(`Syncing ${describeStore(config, store)} with ${backend.demo ? 'the demo API server' : 'Tencent'}…`);

    const view = progressView(io.stdout, io.terminal);
    // Without --once the job's own schedule runs it (standby, backoff, lease renewal), as in the app.
    const reports = reportQueue();
    const job = startSync({
      api: backend.api,
      store,
      feed: backend.feed,
      logger,
      intervalSeconds: config.store.syncIntervalSeconds,
      retentionDays: config.store.retentionDays,
      schedule: !values.once,
      onProgress: (progress) => view.update(progress),
      onReport: reports.push,
    });
    // Ctrl-C (or SIGTERM from a scheduler) stops the pass in progress cleanly: what is stored stays.
    const interrupted = whenSignalled();
    try {
      const first = await Promise.race([
        values.once ? job.runOnce({ full: true }) : reports.next(),
        interrupted.promise,
      ]);
      view.stop();
      if (first === 'signal') {
        io.stderr(
          'sync: stopped before the pass finished; what was stored stays, and the next run goes on from there.',
        );
        return EXIT_FAILED;
      }
      if (first.outcome === 'standby') {
        io.stderr(LEASE_HELD_MESSAGE);
        return EXIT_FAILED;
      }
      if (values.once) {
        if (first.outcome !== 'synced') {
          io.stderr(`sync: ${first.problem?.message ?? 'the sync was stopped.'}`);
          return EXIT_FAILED;
        }
        io.stdout(describeReport(first));
        return EXIT_OK;
      }
      printReport(first, io);
      io.stdout(`Syncing every ${config.store.syncIntervalSeconds} s; stop with Ctrl-C.`);
      for (;;) {
        const report = await Promise.race([reports.next(), interrupted.promise]);
        if (report === 'signal') break;
        printReport(report, io);
      }
      io.stdout('Stopped.');
      return EXIT_OK;
    } finally {
      interrupted.dispose();
      view.stop();
      await job.stop();
    }
  } catch (error) {
    io.stderr(`sync: ${describeFailure(error)}`);
    return EXIT_FAILED;
  } finally {
    await backend?.close();
  }
};

/** A line for each pass that changed something or failed; quiet passes with nothing new stay quiet. */
function printReport(report: SyncReport, io: CliIo): void {
  if (report.outcome === 'standby') io.stderr(LEASE_HELD_MESSAGE.replace('so there is nothing to do here', 'now'));
  else if (report.outcome === 'failed') io.stderr(`sync: ${report.problem?.message ?? 'the pass failed.'}`);
  else if (report.outcome === 'synced' && (report.received > 0 || report.deleted > 0 || report.kind !== 'quiet')) {
    io.stdout(describeReport(report));
  }
}

/** Reports as they come, one at a time. */
function reportQueue(): { push: (report: SyncReport) => void; next: () => Promise<SyncReport> } {
  const queued: SyncReport[] = [];
  let waiting: ((report: SyncReport) => void) | undefined;
  return {
    push(report) {
      if (waiting === undefined) queued.push(report);
      else {
        waiting(report);
        waiting = undefined;
      }
    },
    next() {
      const report = queued.shift();
      if (report !== undefined) return Promise.resolve(report);
      return new Promise((resolve) => {
        waiting = resolve;
      });
    },
  };
}

/** Resolves with 'signal' at the first SIGINT or SIGTERM (the process then stops by itself, cleanly). */
function whenSignalled(): { promise: Promise<'signal'>; dispose(): void } {
  let onSignal: () => void = () => {};
  const promise = new Promise<'signal'>((resolve) => {
    onSignal = () => resolve('signal');
  });
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  return {
    promise,
    dispose() {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}

function describeStore(config: Config, store: CallStore): string {
  return store.engine === 'postgres'
    ? 'the PostgreSQL call-record store'
    : `the embedded call-record store in ${config.store.dataDir}`;
}

/** One line: what the pass reconciled and what it cost. */
export function describeReport(report: SyncReport): string {
  const n = (value: number) => value.toLocaleString('en-US');
  const span =
    report.window === null ? '' : ` of ${describeUtcSpan({ from: report.window.from, to: report.window.to - 1 })}`;
  const parts = [
    `${n(report.received)} calls downloaded (${n(report.inserted)} new, ${n(report.updated)} changed)`,
    `${n(report.requests)} Tencent requests`,
    `${(report.durationMs / 1000).toFixed(1)} s`,
  ];
  if (report.invalidRecords > 0) parts.push(`${n(report.invalidRecords)} invalid records skipped`);
  if (report.deleted > 0) parts.push(`${n(report.deleted)} calls past retention deleted`);
  const problem = report.problem === null ? '' : ` ${report.problem.message}`;
  return `Synced (${report.kind} pass${span}): ${parts.join(', ')}.${problem}`;
}

function describeFailure(error: unknown): string {
  const text = redactText(error instanceof Error ? error.message : String(error));
  return text
    .replace(/postgres(?:ql)?:\/\/\S+/gi, 'the database')
    .replace(/\s+/g, ' ')
    .trim();
}
