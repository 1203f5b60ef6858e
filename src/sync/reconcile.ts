/**
 * The reconcile: compare Tencent's TotalNum for a bucket with the store's count (plus what earlier downloads
 * explained), and go down only into buckets that differ, downloading the small ones. Newest first, so the calls
 * people look for first are stored first.
 *
 * Quiet mode (every SYNC_INTERVAL) stops at the first bucket that agrees: nothing new costs one count request.
 * Going down, it counts the parts of a differing bucket newest first and stops once the parts seen explain the
 * whole difference: the rest agrees, as the parent would. Full mode (at start, daily) compares every hour of the
 * window even when the window agrees, which also finds differences that cancel out (one call missing here, one
 * extra there). Either way a differing bucket is downloaded whole or split further (see `isLeaf`).
 */
import type { SyncProblem } from '../calls/call-store.js';
import type { NewCallsFeed } from '../calls/new-calls.js';
import type { CallRecordsApi, RequestMeter } from '../calls/record-source.js';
import { describeUtcSpan, incompleteSyncProblem } from '../calls/sync-problem.js';
import type { LogSink } from '../shared/log-sink.js';
import { type Bucket, childrenOf, DAY, HOUR, storeFilter, tencentFilter } from './buckets.js';
import { type DownloadOutcome, downloadBucket } from './download-bucket.js';
import type { KnownDifferences } from './known-differences.js';
import type { NewestFirstProgress } from './newest-first-progress.js';
import type { SyncStore } from './sync-store.js';
import { TaskPool } from './task-pool.js';

/** A differing bucket with at most this many calls at Tencent is downloaded whole rather than split. */
export const LEAF_MAX_RECORDS = 1000;

/** Buckets downloaded at once: enough to keep the rate limit busy across round trips and store writes. */
export const DOWNLOAD_CONCURRENCY = 6;

export type ReconcileMode = 'quiet' | 'full';

export interface ReconcileOptions {
  api: CallRecordsApi;
  store: SyncStore;
  feed: NewCallsFeed;
  logger: LogSink;
  /** Differences explained by earlier downloads; kept by the syncer across passes. */
  known: KnownDifferences;
  mode: ReconcileMode;
  /** Counts every Tencent request of the pass. */
  meter: RequestMeter;
  signal?: AbortSignal;
  /** Told of every bucket found equal or downloaded, newest first (coverage and progress). */
  progress?: NewestFirstProgress;
  /** Unix seconds, for the time a problem is stamped with. */
  now: () => number;
  concurrency?: number;
  leafMaxRecords?: number;
  /** After each stored batch, with its size. */
  onStored?: (records: number) => void;
}

/** What a reconcile counts; a sync pass reports the same numbers. */
export interface ReconcileCounts {
  countRequests: number;
  bucketsDownloaded: number;
  received: number;
  inserted: number;
  updated: number;
  invalidRecords: number;
}

export function emptyCounts(): ReconcileCounts {
  return { countRequests: 0, bucketsDownloaded: 0, received: 0, inserted: 0, updated: 0, invalidRecords: 0 };
}

export interface ReconcileResult extends ReconcileCounts {
  /** Downloads that did not add up even after a retry (each also logged, and kept in `known`). */
  incomplete: SyncProblem[];
}

export async function reconcile(window: Bucket, options: ReconcileOptions): Promise<ReconcileResult> {
  const { api, store, known, mode, meter, progress } = options;
  const leafMax = options.leafMaxRecords ?? LEAF_MAX_RECORDS;
  const pool = new TaskPool(options.concurrency ?? DOWNLOAD_CONCURRENCY, options.signal);
  const result: ReconcileResult = { ...emptyCounts(), incomplete: [] };

  const countAtTencent = async (bucket: Bucket): Promise<number> => {
    result.countRequests += 1;
    return api.countRecords(tencentFilter(bucket), { meter, signal: pool.signal });
  };

  const segment = (bucket: { from: number; to: number }) => progress?.add(bucket.from, bucket.to);

  /** Compares one bucket whose Tencent count is known; returns Tencent's count minus what was expected. */
  const visit = async (bucket: Bucket, atTencent: number): Promise<number> => {
    pool.signal.throwIfAborted();
    const stored = await store.countCalls(storeFilter(bucket));
    const difference = atTencent - (stored + known.sumWithin(bucket));
    // A full pass checks every hour the store holds, even where a day agrees (differences can cancel out).
    const mustSplit = mode === 'full' && bucket.step > HOUR && stored > 0;
    if (difference === 0 && !mustSplit) {
      const done = segment(bucket);
      if (done) progress?.complete(done);
      return 0;
    }
    const children = childrenOf(bucket);
    if (isLeaf(bucket, atTencent, stored, leafMax)) {
      const done = segment(bucket);
      await pool.add(async (signal) => {
        await downloadLeaf(bucket, signal);
        if (done) progress?.complete(done);
      });
      return difference;
    }
    if (mode === 'full' || stored === 0) {
      // Every part will be looked at: ask Tencent for all their counts at once (the limiter paces them).
      const counts = await Promise.all(children.map(countAtTencent));
      for (const [i, child] of children.entries()) await visit(child, counts[i] as number);
      return difference;
    }
    let unexplained = difference;
    for (const [i, child] of children.entries()) {
      unexplained -= await visit(child, await countAtTencent(child));
      if (unexplained === 0) {
        const oldest = children.at(-1) as Bucket;
        if (i < children.length - 1) {
          const rest = segment({ from: oldest.from, to: child.from });
          if (rest) progress?.complete(rest);
        }
        break;
      }
    }
    return difference;
  };

  const downloadLeaf = async (bucket: Bucket, signal: AbortSignal): Promise<void> => {
    const context = {
      api,
      store,
      feed: options.feed,
      meter,
      signal,
      ...(options.onStored === undefined ? {} : { onStored: options.onStored }),
    };
    let outcome = await downloadBucket(bucket, context);
    if (!outcome.addsUp && bucket.step > HOUR) {
      // A day that does not add up: find the hours that do not, so a problem names an hour, not a day.
      tally(outcome, false);
      for (const child of childrenOf(bucket)) {
        const atTencent = await countAtTencent(child);
        const stored = await store.countCalls(storeFilter(child));
        if (atTencent !== stored + known.sumWithin(child)) await downloadLeaf(child, signal);
      }
      return;
    }
    if (!outcome.addsUp) {
      options.logger.warn(
        describeOutcome(outcome),
        'A bucket downloaded from Tencent did not add up; downloading it again',
      );
      outcome = await downloadBucket(bucket, context);
    }
    tally(outcome, true);
    if (outcome.invalid > 0) {
      await store.addInvalidRecords(outcome.invalid);
      options.logger.warn(
        { ...describeOutcome(outcome) },
        'Skipped Tencent call records that do not have the documented shape',
      );
    }
    if (outcome.addsUp) {
      known.record(bucket, outcome.reported - outcome.stored, undefined, outcome.invalid);
      return;
    }
    known.record(
      bucket,
      outcome.reported - outcome.stored,
      { reported: outcome.reported, received: outcome.received + outcome.invalid },
      outcome.invalid,
    );
    const problem = incompleteSyncProblem(bucket, outcome.reported, outcome.received + outcome.invalid, options.now());
    result.incomplete.push(problem);
    options.logger.error({ ...describeOutcome(outcome) }, problem.message);
  };

  /** Adds a download to the result; its invalid records only when they are final (counted in the store). */
  const tally = (outcome: DownloadOutcome, final: boolean): void => {
    result.bucketsDownloaded += 1;
    result.received += outcome.received;
    result.inserted += outcome.inserted;
    result.updated += outcome.updated;
    if (final) result.invalidRecords += outcome.invalid;
  };

  try {
    await visit(window, await countAtTencent(window));
  } catch (error) {
    // Stop the downloads already started; whichever failure came first is the one reported.
    pool.abort(error);
  }
  await pool.drain();
  options.signal?.throwIfAborted();
  return result;
}

/**
 * Download a differing bucket whole, or split it? Hours and below: when it is small, when the store holds none of
 * it (all of it must come anyway), or at a single second. A day only when it is small and the store holds none of
 * it (a quiet app's first backfill: a few pages a day instead of 24 counts and 24 scans). Never the whole window,
 * so a backfill always goes newest first.
 */
function isLeaf(bucket: Bucket, atTencent: number, stored: number, leafMax: number): boolean {
  if (bucket.step <= HOUR) return atTencent <= leafMax || stored === 0 || bucket.step === 1;
  return bucket.step === DAY && stored === 0 && atTencent <= leafMax;
}

function describeOutcome(outcome: DownloadOutcome): Record<string, unknown> {
  return {
    span: describeUtcSpan(outcome.bucket),
    reported: outcome.reported,
    received: outcome.received,
    invalid: outcome.invalid,
    stored: outcome.stored,
  };
}
