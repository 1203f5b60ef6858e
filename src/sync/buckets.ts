/**
 * The time buckets a reconcile compares. A pass starts from one window (Tencent's retained days, as far as the
 * store keeps them) and splits a bucket that differs along a fixed grid: days (UTC), hours, 10 minutes, a minute,
 * 10 seconds, a second. Every bucket below the window is aligned on its grid, so two buckets are either nested or
 * disjoint, which is what lets known differences be summed over any bucket.
 *
 * Buckets are `[from, to)` on a call's StartTime in Unix seconds; Tencent's filter is inclusive on both ends, so
 * a bucket is asked as `StartTime = from, EndTime = to - 1` (the convention of the rest of the client's callers).
 */
import type { CallFilter } from '../calls/call-store.js';
import type { RecordFilter } from '../calls/record-source.js';
import { retentionCutoff } from '../calls/time-range.js';

export const HOUR = 3600;
export const DAY = 86_400;

/** The grid, coarsest first: a bucket splits into buckets of the next step. */
export const GRID_STEPS = [DAY, HOUR, 600, 60, 10, 1] as const;

/**
 * Margin kept from the edge of Tencent's retention: a bucket Tencent is about to clamp would count fewer calls
 * than the store holds (the store keeps them), so the window starts a little later, on the next whole hour.
 */
export const RETENTION_EDGE_MARGIN = 600;

export interface Bucket {
  from: number;
  /** Exclusive. */
  to: number;
  /** Width of the grid this bucket is aligned on; Infinity for the whole window. */
  step: number;
}

/**
 * Margin a backfill keeps from the edge of Tencent's retention, for clock skew between us and Tencent and for the
 * edge moving while the oldest bucket is counted and downloaded (seconds apart).
 */
export const BACKFILL_EDGE_MARGIN = 120;

/** The whole span a pass reconciles at `now`: from the later of Tencent's and the store's retention, up to now. */
export function reconcileWindow(
  now: number,
  options: { tencentRetentionSeconds: number; retentionDays: number },
): Bucket {
  const oldest = Math.max(
    now - options.tencentRetentionSeconds + RETENTION_EDGE_MARGIN,
    retentionCutoff(now, options.retentionDays),
  );
  const from = Math.min(Math.ceil(oldest / HOUR) * HOUR, floorTo(now, HOUR));
  return { from, to: now + 1, step: Number.POSITIVE_INFINITY };
}

/**
 * The span a backfill fetches: as `reconcileWindow`, but reaching back to Tencent's edge instead of the next whole
 * hour. The calls of that last part of an hour are about to age out of Tencent for good: a backfill is the only pass
 * that can still fetch them (later passes find them stored when they were new). Later passes keep the whole-hour
 * window, so the oldest bucket does not move with every pass and a quiet pass stays one count.
 */
export function backfillWindow(
  now: number,
  options: { tencentRetentionSeconds: number; retentionDays: number },
): Bucket {
  const oldest = Math.max(
    now - options.tencentRetentionSeconds + BACKFILL_EDGE_MARGIN,
    now - options.retentionDays * DAY,
  );
  const from = Math.min(oldest, reconcileWindow(now, options).from);
  return { from, to: now + 1, step: Number.POSITIVE_INFINITY };
}

/** The next grid step below `step`, or undefined at a second. */
function finerStep(step: number): number | undefined {
  return GRID_STEPS.find((candidate) => candidate < step);
}

/** The bucket's parts on the next finer grid, newest first; empty for a one-second bucket. */
export function childrenOf(bucket: Bucket): Bucket[] {
  const step = finerStep(bucket.step);
  if (step === undefined) return [];
  const children: Bucket[] = [];
  let to = bucket.to;
  while (to > bucket.from) {
    const from = Math.max(bucket.from, floorTo(to - 1, step));
    children.push({ from, to, step });
    to = from;
  }
  return children;
}

/** The whole hours of a bucket (partial ones counted), for progress. */
export function hoursIn(bucket: { from: number; to: number }): number {
  return Math.ceil((bucket.to - bucket.from) / HOUR);
}

/** Tencent's filter for a bucket: both ends inclusive. */
export function tencentFilter(bucket: { from: number; to: number }): RecordFilter {
  return { startTime: bucket.from, endTime: bucket.to - 1 };
}

/** The store's filter for a bucket: every call that started in it. */
export function storeFilter(bucket: { from: number; to: number }): CallFilter {
  return { users: [], results: [], callTypes: [], mediaTypes: [], from: bucket.from, to: bucket.to };
}

function floorTo(t: number, step: number): number {
  return Math.floor(t / step) * step;
}
