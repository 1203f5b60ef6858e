import type { CallFilter, CallReader, StoreCoverage } from './call-store.js';
import { DROPPED_RESULTS } from './records.js';

/**
 * The Home tab's header: the last 24 hours at a glance (calls, Interrupt, Offline), three counts in the store, and
 * the store's coverage for the tab's footer (last sync, unreadable records). Counting in the store costs no Tencent
 * request and a few milliseconds, so nothing is cached. A failure never throws: it becomes `{ unavailable }`, one
 * sentence the view shows instead of the numbers.
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
  /** What the store has reconciled, for the footer. */
  coverage: StoreCoverage;
}

export type GlanceResult = GlanceCounts | { unavailable: string };

export interface CallGlanceOptions {
  /** Unix seconds; default the real clock. */
  now?: () => number;
  /** The window counted. Default 24 hours. */
  windowSeconds?: number;
  /** Told about every failure (for the log); the glance itself only says it is unavailable. */
  onError?: (error: unknown) => void;
}

export const GLANCE_UNAVAILABLE = 'not available right now: the call-record store did not answer.';

export class CallGlance {
  private readonly now: () => number;
  private readonly windowSeconds: number;
  private readonly onError: ((error: unknown) => void) | undefined;

  constructor(
    private readonly store: Pick<CallReader, 'countCalls' | 'coverage'>,
    options: CallGlanceOptions = {},
  ) {
    this.now = options.now ?? (() => Math.floor(Date.now() / 1000));
    this.windowSeconds = positive(options.windowSeconds, 24 * 3600);
    this.onError = options.onError;
  }

  /** The last `windowSeconds` up to now, counted in the store. */
  async get(): Promise<GlanceResult> {
    const to = this.now();
    const from = to - this.windowSeconds;
    const window: CallFilter = { users: [], results: [], callTypes: [], mediaTypes: [], from, to };
    try {
      const [calls, [interrupted = 0, offline = 0], coverage] = await Promise.all([
        this.store.countCalls(window),
        Promise.all(DROPPED_RESULTS.map((result) => this.store.countCalls({ ...window, results: [result] }))),
        this.store.coverage(),
      ]);
      return { calls, interrupted, offline, rate: calls > 0 ? (interrupted + offline) / calls : 0, from, to, coverage };
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
