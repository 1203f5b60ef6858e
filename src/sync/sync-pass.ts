/**
 * One sync pass: read how far the store has come, pick the kind of pass, reconcile Tencent's window, then record
 * the outcome in the store's sync state (coverage, last sync, the problem or its absence) and apply retention.
 *
 * - backfill: the store has never been complete over Tencent's window (first start, or it was not synced for longer
 *   than Tencent keeps calls). Every hour is compared, newest first, and `coveredFrom` moves back as each hour is
 *   done, so today's calls are searchable within seconds.
 * - full: every hour compared (at start, once a day, after a store outage); retention runs.
 * - quiet: one count for the whole window when nothing changed (every SYNC_INTERVAL).
 * A failure never throws: it becomes the store's `syncProblem` in the words people read, and the report says so.
 */
import type { SyncProblem } from '../calls/call-store.js';
import { incompleteSyncProblem, syncProblemFrom } from '../calls/sync-problem.js';
import { RETENTION_SECONDS, retentionCutoff } from '../calls/time-range.js';
import { dropUndefined } from '../shared/drop-undefined.js';
import { backfillWindow, DAY, hoursIn, reconcileWindow } from './buckets.js';
import { NewestFirstProgress } from './newest-first-progress.js';
import { emptyCounts, type ReconcileCounts, type ReconcileOptions, reconcile } from './reconcile.js';
import type { SyncState } from './sync-store.js';

export type SyncPassKind = 'backfill' | 'full' | 'quiet';

export interface SyncProgress {
  kind: SyncPassKind;
  /** Hours of the window, and how many of them (newest first) are done; full passes only. */
  hoursTotal: number;
  hoursDone: number;
  /** Records downloaded and stored so far in this pass. */
  records: number;
  /** Tencent requests so far in this pass. */
  requests: number;
}

export interface SyncReport extends ReconcileCounts {
  /** `standby`: another process holds the sync lease; `stopped`: the pass was cancelled. */
  outcome: 'synced' | 'failed' | 'standby' | 'stopped';
  kind: SyncPassKind | null;
  /** Unix seconds. */
  startedAt: number;
  /** The span reconciled, `[from, to)`. */
  window: { from: number; to: number } | null;
  /** Tencent requests, and how many of them were counts. */
  requests: number;
  /** Calls deleted by retention. */
  deleted: number;
  /** The store's sync problem after the pass (null when it synced cleanly). */
  problem: SyncProblem | null;
  /** What failed, for the scheduler (a StoreUnavailableError asks for a full pass on recovery). */
  error?: unknown;
  durationMs: number;
}

/** What a pass hands the reconcile as it is. */
type ReconcilePlumbing = Pick<
  ReconcileOptions,
  'api' | 'store' | 'feed' | 'logger' | 'known' | 'signal' | 'concurrency' | 'leafMaxRecords'
>;

export interface SyncPassOptions extends ReconcilePlumbing {
  retentionDays: number;
  /** How long Tencent keeps calls; default 7 days. */
  tencentRetentionSeconds?: number;
  /** Unix seconds. */
  now: () => number;
  /** Compare every hour even when the daily full pass is not due (at start, after a store outage). */
  full?: boolean;
  onProgress?: (progress: SyncProgress) => void;
}

export function emptyReport(outcome: SyncReport['outcome'], startedAt: number): SyncReport {
  return {
    outcome,
    kind: null,
    startedAt,
    window: null,
    requests: 0,
    ...emptyCounts(),
    deleted: 0,
    problem: null,
    durationMs: 0,
  };
}

export async function runSyncPass(options: SyncPassOptions): Promise<SyncReport> {
  const { store, logger, known } = options;
  const startedAt = options.now();
  const started = performance.now();
  const report = emptyReport('synced', startedAt);
  const meter = { requests: 0 };
  let coverageWrites: Promise<void> = Promise.resolve();
  let coverageError: { error: unknown } | undefined;
  let previous: SyncProblem | null = null;
  try {
    const state = await store.readSyncState();
    previous = state.syncProblem;
    const retention = {
      tencentRetentionSeconds: options.tencentRetentionSeconds ?? RETENTION_SECONDS,
      retentionDays: options.retentionDays,
    };
    const hourWindow = reconcileWindow(startedAt, retention);
    const kind = passKind(state, hourWindow.from, startedAt, options.full === true);
    const window = kind === 'backfill' ? backfillWindow(startedAt, retention) : hourWindow;
    report.kind = kind;
    report.window = { from: window.from, to: window.to };
    if (kind === 'backfill' && (state.coveredFrom !== null || state.backfillDone)) {
      // Coverage is one unbroken span up to now: an interrupted backfill or a gap longer than Tencent's window
      // starts it again from the newest hour (what is stored stays, and costs only count requests to confirm).
      await store.writeSyncState({ coveredFrom: null, backfillDone: false });
    }
    known.forgetBefore(window.from);
    if (kind !== 'quiet') known.forgetIncomplete();

    let records = 0;
    const hoursTotal = hoursIn(window);
    const progress =
      kind === 'quiet'
        ? undefined
        : new NewestFirstProgress(window.to, (coveredFrom) => {
            if (kind === 'backfill') {
              coverageWrites = coverageWrites
                .then(() => store.writeSyncState({ coveredFrom }))
                .catch((error: unknown) => {
                  coverageError ??= { error };
                });
            }
            tell(hoursIn({ from: coveredFrom, to: window.to }));
          });
    const tell = (hoursDone: number): void =>
      options.onProgress?.({ kind, hoursTotal, hoursDone, records, requests: meter.requests });

    const result = await reconcile(window, {
      api: options.api,
      store,
      feed: options.feed,
      logger,
      known,
      mode: kind === 'quiet' ? 'quiet' : 'full',
      meter,
      now: options.now,
      ...dropUndefined({
        signal: options.signal,
        progress,
        concurrency: options.concurrency,
        leafMaxRecords: options.leafMaxRecords,
      }),
      onStored: (count) => {
        records += count;
        const coveredFrom = progress?.coveredFrom;
        tell(coveredFrom == null ? 0 : hoursIn({ from: coveredFrom, to: window.to }));
      },
    });
    await coverageWrites;
    if (coverageError !== undefined) throw coverageError.error;
    const { incomplete: _inKnown, ...counts } = result;
    Object.assign(report, counts);

    const stillIncomplete = known.incomplete()[0];
    report.problem =
      stillIncomplete?.incomplete === undefined
        ? null
        : since(
            previous,
            incompleteSyncProblem(
              stillIncomplete,
              stillIncomplete.incomplete.reported,
              stillIncomplete.incomplete.received,
              options.now(),
            ),
          );
    // Unreadable records still in Tencent's window, as this syncer knows them: a count that falls back to 0 once
    // they age out, instead of a running total that would warn on every answer for ever.
    const patch: Partial<SyncState> = {
      lastSyncAt: startedAt,
      syncProblem: report.problem,
      invalidRecords: known.invalidTotal(),
    };
    let coveredFrom = state.coveredFrom;
    if (kind === 'backfill') {
      coveredFrom = window.from;
      patch.backfillDone = true;
    }
    if (kind !== 'quiet') {
      patch.lastFullReconcileAt = startedAt;
      const cutoff = retentionCutoff(startedAt, options.retentionDays);
      report.deleted = await store.deleteCallsBefore(cutoff);
      if (coveredFrom !== null && coveredFrom < cutoff) coveredFrom = cutoff;
    }
    if (coveredFrom !== state.coveredFrom || kind === 'backfill') patch.coveredFrom = coveredFrom;
    await store.writeSyncState(patch);
  } catch (error) {
    await coverageWrites;
    report.error = error;
    if (options.signal?.aborted) {
      report.outcome = 'stopped';
    } else {
      report.outcome = 'failed';
      report.problem = since(previous, syncProblemFrom(error, options.now()));
      logger.warn({ kind: report.problem.kind, err: error }, `Sync failed: ${report.problem.message}`);
      // Best effort: with the store down this cannot be written, and the scheduler retries anyway.
      await store.writeSyncState({ syncProblem: report.problem }).catch(() => {});
    }
  }
  report.requests = meter.requests;
  report.durationMs = Math.round(performance.now() - started);
  return report;
}

/** A problem of the same kind that goes on keeps the time it began ("failing since"), with the newest words. */
function since(previous: SyncProblem | null, next: SyncProblem): SyncProblem {
  return previous !== null && previous.kind === next.kind ? { ...next, at: previous.at } : next;
}

function passKind(state: SyncState, windowFrom: number, now: number, fullAsked: boolean): SyncPassKind {
  const gap = state.lastSyncAt === null || state.lastSyncAt < windowFrom;
  if (!state.backfillDone || gap) return 'backfill';
  const fullDue = state.lastFullReconcileAt === null || now - state.lastFullReconcileAt >= DAY;
  return fullAsked || fullDue ? 'full' : 'quiet';
}
