import type { CallRecordsApi, RecordFilter, RequestOptions } from '../tencent/call-records-api.js';

/**
 * The Home tab's header: the last 24 hours at a glance (calls, Interrupt, Offline), from three TotalNum counts
 * sent together (never by downloading records), cached for one minute.
 *
 * One cache serves everybody: the key is nothing but the clock's time bucket (`floor(now / ttl)`), and the window
 * counted is the 24 hours ending at the start of that bucket, so every reader in the same minute sees the same
 * numbers and the whole workspace costs at most three requests a minute. Concurrent readers of an empty bucket
 * share one computation. A failure never throws: it becomes `{ unavailable }`, one sentence the view shows instead
 * of the numbers, and is served for `failureTtlSeconds` (10 s) before Tencent is asked again.
 */

export interface GlanceCounts {
  /** All calls that started in the window. */
  calls: number;
  /** Calls that ended `Interrupt`. */
  interrupted: number;
  /** Calls that ended `Offline` (counted beside `Interrupt`, not in it). */
  offline: number;
  /** (interrupted + offline) / calls, as the daily summary counts it (0 when there were no calls). */
  rate: number;
  /** Unix seconds, inclusive. */
  from: number;
  /** Unix seconds, exclusive. */
  to: number;
}

export type GlanceResult = GlanceCounts | { unavailable: string };

export interface CallGlanceOptions {
  /** Unix seconds; default the real clock. */
  now?: () => number;
  /** How long one computation is served, and the size of the time bucket. Default 60 s. */
  ttlSeconds?: number;
  /** The window counted. Default 24 hours. */
  windowSeconds?: number;
  /** Longest wait for Tencent before the glance gives up (the view is published without it). Default 8 s. */
  timeoutMs?: number;
  /**
   * How long a failure is served before Tencent is asked again (within the same bucket), so an outage costs a few
   * requests a minute and a slow Tencent does not hold every Home view up. Default 10 s.
   */
  failureTtlSeconds?: number;
  /** Told about every failure (for the log); the glance itself only says it is unavailable. */
  onError?: (error: unknown) => void;
}

export const GLANCE_UNAVAILABLE = 'not available right now: Tencent did not give the counts.';

/** The requests one glance costs: all calls, `Interrupt`, `Offline`. */
export const GLANCE_REQUESTS = 3;

interface CacheEntry {
  bucket: number;
  value: Promise<GlanceResult>;
  /** Set when the computation failed: Unix seconds from which it is computed again. */
  retryAfter?: number;
}

export class CallGlance {
  private readonly now: () => number;
  private readonly ttlSeconds: number;
  private readonly windowSeconds: number;
  private readonly timeoutMs: number;
  private readonly onError: ((error: unknown) => void) | undefined;
  private readonly failureTtlSeconds: number;
  private cached: CacheEntry | undefined;

  constructor(
    private readonly api: Pick<CallRecordsApi, 'countRecords'>,
    options: CallGlanceOptions = {},
  ) {
    this.now = options.now ?? (() => Math.floor(Date.now() / 1000));
    this.ttlSeconds = positive(options.ttlSeconds, 60);
    this.windowSeconds = positive(options.windowSeconds, 24 * 3600);
    this.timeoutMs = positive(options.timeoutMs, 8_000);
    this.failureTtlSeconds = positive(options.failureTtlSeconds, 10);
    this.onError = options.onError;
  }

  /** The glance of the current time bucket: from the cache, or computed with `GLANCE_REQUESTS` counts. */
  get(options: RequestOptions = {}): Promise<GlanceResult> {
    const now = this.now();
    const bucket = Math.floor(now / this.ttlSeconds);
    const cached = this.cached;
    if (
      cached !== undefined &&
      cached.bucket === bucket &&
      !(cached.retryAfter !== undefined && now >= cached.retryAfter)
    ) {
      return cached.value;
    }
    const entry: CacheEntry = { bucket, value: Promise.resolve<GlanceResult>({ unavailable: GLANCE_UNAVAILABLE }) };
    entry.value = this.compute(bucket * this.ttlSeconds, options).then((result) => {
      // A failure is kept only briefly: the next reader after that asks Tencent again.
      if ('unavailable' in result) entry.retryAfter = this.now() + this.failureTtlSeconds;
      return result;
    });
    this.cached = entry;
    return entry.value;
  }

  /** Forgets the cached glance. */
  clear(): void {
    this.cached = undefined;
  }

  private async compute(to: number, options: RequestOptions): Promise<GlanceResult> {
    const from = to - this.windowSeconds;
    // Tencent's EndTime is inclusive on the call's start; `to` is exclusive.
    const window: RecordFilter = { startTime: from, endTime: to - 1 };
    const timeout = AbortSignal.timeout(this.timeoutMs);
    const signal = options.signal === undefined ? timeout : AbortSignal.any([options.signal, timeout]);
    const inner: RequestOptions = { signal, ...(options.meter === undefined ? {} : { meter: options.meter }) };
    try {
      const [calls, interrupted, offline] = await Promise.all([
        this.api.countRecords(window, inner),
        this.api.countRecords({ ...window, callResult: 'Interrupt' }, inner),
        this.api.countRecords({ ...window, callResult: 'Offline' }, inner),
      ]);
      if (![calls, interrupted, offline].every((n) => Number.isInteger(n) && n >= 0)) {
        throw new Error(`Tencent counted ${calls}, ${interrupted}, ${offline}: not counts`);
      }
      return { calls, interrupted, offline, rate: calls > 0 ? (interrupted + offline) / calls : 0, from, to };
    } catch (error) {
      try {
        this.onError?.(error);
      } catch {
        // a logging failure must not break the glance
      }
      return { unavailable: GLANCE_UNAVAILABLE };
    }
  }
}

function positive(value: number | undefined, fallback: number): number {
  return value !== undefined && Number.isFinite(value) && value > 0 ? value : fallback;
}
