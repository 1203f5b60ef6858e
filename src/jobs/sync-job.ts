/**
 * The sync's schedule: exactly one process syncs, through the store's `sync` lease.
 *
 * - The holder runs a pass every SYNC_INTERVAL and renews the lease (TTL 1.5 × SYNC_INTERVAL) at each pass and every
 *   half interval while a long pass (a first backfill) runs; if a renewal finds the lease taken, the pass stops.
 * - A process without the lease asks again every half interval, so when the holder dies without releasing it
 *   (SIGKILL, network cut) the lease expires 1.5 intervals after its last renewal and is taken within two.
 * - The first pass of a new holder, and the first after a store outage, compares every hour (a full pass), so
 *   nothing is missed across a failover or an outage; a failed pass is retried with backoff.
 * The logic of a pass lives in `sync/`; this file only decides when.
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { StoreUnavailableError } from '../calls/call-store.js';
import type { NewCallsFeed } from '../calls/new-calls.js';
import type { CallRecordsApi } from '../calls/record-source.js';
import { syncProblemFrom } from '../calls/sync-problem.js';
import { backoffDelay } from '../shared/backoff.js';
import type { LogSink } from '../shared/log-sink.js';
import { KnownDifferences } from '../sync/known-differences.js';
import { emptyReport, runSyncPass, type SyncProgress, type SyncReport } from '../sync/sync-pass.js';
import type { SyncStore } from '../sync/sync-store.js';

export const SYNC_LEASE = 'sync';

export interface StartSyncOptions {
  api: CallRecordsApi;
  store: SyncStore;
  feed: NewCallsFeed;
  logger: LogSink;
  /** SYNC_INTERVAL in seconds. */
  intervalSeconds: number;
  /** RETENTION_DAYS. */
  retentionDays: number;
  /** Unix seconds; default the real clock. */
  now?: () => number;
  /** Who holds the lease; default host, pid and a random suffix. */
  holderId?: string;
  /** false: no timers; passes run only through `runOnce` (tests, `npm run sync -- --once`). Default true. */
  schedule?: boolean;
  /** How long Tencent keeps calls; default 7 days. */
  tencentRetentionSeconds?: number;
  onProgress?: (progress: SyncProgress) => void;
  /** After every pass, standby included. */
  onReport?: (report: SyncReport) => void;
  /** Buckets downloaded at once, and the size under which a differing bucket is downloaded whole. */
  tuning?: { concurrency?: number; leafMaxRecords?: number };
  /** First retry after a failed pass (default 2 s) and the shortest wait (default 1 s): short ones for tests. */
  retry?: { baseMs?: number; floorMs?: number };
}

export interface SyncStatus {
  readonly holderId: string;
  /** `syncing`: holds the lease; `standby`: another process does; `stopped` after `stop()`. */
  role: 'starting' | 'syncing' | 'standby' | 'stopped';
  running: boolean;
  lastReport: SyncReport | null;
  consecutiveFailures: number;
  progress: SyncProgress | null;
}

export interface SyncJob {
  /** Stops the schedule, cancels a pass in progress, and releases the lease. Safe to call twice. */
  stop(): Promise<void>;
  /** One tick now (after any tick in progress): take or renew the lease, then a pass; `full` compares every hour. */
  runOnce(options?: { full?: boolean }): Promise<SyncReport>;
  readonly status: SyncStatus;
}

/** First retry after a failed pass, and the longest wait between retries. */
const RETRY_BASE_MS = 2_000;
const RETRY_FLOOR_MS = 1_000;

export function leaseTtlSeconds(intervalSeconds: number): number {
  return Math.ceil(intervalSeconds * 1.5);
}

export function startSync(options: StartSyncOptions): SyncJob {
  const now = options.now ?? (() => Math.floor(Date.now() / 1000));
  const intervalMs = options.intervalSeconds * 1000;
  const ttl = leaseTtlSeconds(options.intervalSeconds);
  const known = new KnownDifferences();
  const status: SyncStatus = {
    holderId: options.holderId ?? `${hostname()}/${process.pid}/${randomBytes(3).toString('hex')}`,
    role: 'starting',
    running: false,
    lastReport: null,
    consecutiveFailures: 0,
    progress: null,
  };
  const logger = options.logger;
  // A full pass is due when this process becomes the holder, and after a store outage.
  let fullDue = true;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let current: AbortController | undefined;
  let queue: Promise<unknown> = Promise.resolve();

  const acquire = () => options.store.acquireLease(SYNC_LEASE, status.holderId, ttl);

  const tick = async (full: boolean): Promise<SyncReport> => {
    const startedAt = now();
    let held: boolean;
    try {
      held = await acquire();
    } catch (error) {
      return failed(error, startedAt);
    }
    if (!held) {
      if (status.role !== 'standby')
        logger.info({ holder: status.holderId }, 'Another process holds the sync lease; standing by');
      status.role = 'standby';
      fullDue = true;
      return emptyReport('standby', startedAt);
    }
    if (status.role !== 'syncing') logger.info({ holder: status.holderId }, 'This process now holds the sync lease');
    status.role = 'syncing';
    // stop() came while the lease was being taken: no pass (stop releases the lease once this tick ends).
    if (stopped) return emptyReport('stopped', startedAt);
    const controller = new AbortController();
    current = controller;
    // Keep the lease while a long pass runs; if it was taken (this process stalled past its TTL), stop the pass.
    const renewal = setInterval(
      () => {
        acquire().then(
          (still) => {
            if (!still) {
              logger.warn(
                { holder: status.holderId },
                'The sync lease was taken by another process; stopping this pass',
              );
              controller.abort(new Error('sync lease lost'));
            }
          },
          () => {},
        );
      },
      Math.max(1000, intervalMs / 2),
    );
    status.running = true;
    try {
      const report = await runSyncPass({
        api: options.api,
        store: options.store,
        feed: options.feed,
        logger,
        retentionDays: options.retentionDays,
        now,
        known,
        full: full || fullDue,
        signal: controller.signal,
        onProgress: (progress) => {
          status.progress = progress;
          options.onProgress?.(progress);
        },
        ...(options.tencentRetentionSeconds === undefined
          ? {}
          : { tencentRetentionSeconds: options.tencentRetentionSeconds }),
        ...options.tuning,
      });
      if (report.outcome === 'synced') {
        if (report.kind !== 'quiet') fullDue = false;
        status.consecutiveFailures = 0;
      } else if (report.outcome === 'failed') {
        status.consecutiveFailures += 1;
        if (report.error instanceof StoreUnavailableError) fullDue = true;
      }
      return report;
    } finally {
      clearInterval(renewal);
      status.running = false;
      current = undefined;
    }
  };

  const failed = (error: unknown, startedAt: number): SyncReport => {
    status.consecutiveFailures += 1;
    if (error instanceof StoreUnavailableError) fullDue = true;
    const problem = syncProblemFrom(error, startedAt);
    logger.warn({ err: error }, `The sync could not take its lease: ${problem.message}`);
    return { ...emptyReport('failed', startedAt), problem, error };
  };

  /** Ticks one at a time, whoever asks (the timer or runOnce). */
  const serialized = (full: boolean): Promise<SyncReport> => {
    const run = queue.then(() => (stopped ? emptyReport('stopped', now()) : tick(full)));
    queue = run.catch(() => {});
    return run.then((report) => {
      status.lastReport = report;
      options.onReport?.(report);
      return report;
    });
  };

  const nextDelay = (report: SyncReport): number => {
    if (report.outcome === 'standby') return intervalMs / 2;
    if (report.outcome !== 'failed') return intervalMs;
    const baseMs = options.retry?.baseMs ?? RETRY_BASE_MS;
    const ceiling = Math.max(intervalMs, baseMs);
    const delay = backoffDelay(status.consecutiveFailures, {
      maxAttempts: Number.POSITIVE_INFINITY,
      baseDelayMs: baseMs,
      maxDelayMs: ceiling,
      deadlineMs: Number.POSITIVE_INFINITY,
    });
    return Math.max(options.retry?.floorMs ?? RETRY_FLOOR_MS, delay);
  };

  const loop = (): void => {
    serialized(false).then(
      (report) => {
        if (!stopped) timer = setTimeout(loop, nextDelay(report));
      },
      (error: unknown) => {
        logger.error({ err: error }, 'The sync schedule failed unexpectedly');
        if (!stopped) timer = setTimeout(loop, intervalMs);
      },
    );
  };
  if (options.schedule ?? true) loop();

  return {
    status,
    runOnce: (runOptions = {}) => serialized(runOptions.full === true),
    async stop() {
      if (stopped) return;
      stopped = true;
      clearTimeout(timer);
      current?.abort(new Error('the sync was stopped'));
      await queue;
      const wasHolder = status.role === 'syncing';
      status.role = 'stopped';
      if (wasHolder) {
        await options.store.releaseLease(SYNC_LEASE, status.holderId).catch((error: unknown) => {
          logger.warn({ err: error }, 'Could not release the sync lease; it expires by itself');
        });
      }
    },
  };
}
