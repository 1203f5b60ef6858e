/**
 * The in-process daily schedule (SUMMARY_TIME): a croner job at that local time in SUMMARY_TIMEZONE posts
 * yesterday's summary to SUMMARY_CHANNEL once a day.
 *
 * - Croner keeps the wall-clock time across daylight-saving changes (a time skipped in spring runs when the clock
 *   has jumped; a repeated time in autumn runs once).
 * - One run at a time: croner's `protect` skips a scheduled run while the last one is still busy, and the job
 *   itself refuses to start a second run (croner's `trigger()` does not check `protect`).
 * - A run that fails is logged and never crashes the process; the next day runs as usual.
 * - Every process running the app fires; the post it is given (src/wiring/service.ts) claims the day in the store first, so
 *   one of them, or `npm run summary`, posts it. A sleeping dyno does not fire.
 */
import { Cron } from 'croner';
import { formatInstant, isValidTimeZone, yesterdayIn } from '../calls/time-range.js';
import type { LogSink } from '../shared/log-sink.js';

/** One run's work: summarise and post `day` (the wiring passes the Slack post, so jobs/ knows nothing of Slack). */
export type PostSummary<T> = (run: {
  day: { date: string; timeZone: string };
  /** Unix seconds at the start of the run. */
  now: number;
  /** Aborted when the schedule stops and the run overstays its grace period. */
  signal: AbortSignal;
}) => Promise<T>;

export interface SummaryScheduleOptions<T = unknown> {
  /** `HH:mm`, 24-hour (SUMMARY_TIME). */
  time: string;
  /** IANA zone of the time and of "yesterday" (SUMMARY_TIMEZONE). */
  timeZone: string;
  /** SUMMARY_CHANNEL (for the log lines). */
  channel: string;
  post: PostSummary<T>;
  logger: LogSink;
  /** Unix seconds; default the real clock. Decides which day is "yesterday". */
  now?: () => number;
  /**
   * After a failed run, the same day is tried again after each of these delays in turn until it is posted (the
   * store's claim makes the retries of several processes post once). Default: none.
   */
  retryDelaysMs?: readonly number[];
}

/** The app's retries of a failed daily summary: 5 minutes, 30 minutes, then 2 hours later. */
export const SUMMARY_RETRY_DELAYS_MS: readonly number[] = [5 * 60_000, 30 * 60_000, 2 * 3_600_000];

export type SummaryRunOutcome<T = unknown> =
  | { status: 'posted'; date: string; posted: T }
  | { status: 'failed'; date: string; error: unknown }
  | { status: 'skipped'; reason: 'busy' | 'stopped' };

export interface SummarySchedule<T = unknown> {
  /** The croner job (pattern, zone, `trigger()`, `nextRun()`). */
  readonly job: Cron;
  /** Croner pattern: `m H * * *`. */
  readonly pattern: string;
  readonly timeZone: string;
  readonly channel: string;
  /** The next scheduled post, or null once stopped. */
  nextRun(): Date | null;
  /** Whether a run is in progress. */
  busy(): boolean;
  /** Runs now as the schedule would: yesterday's summary, unless a run is in progress. Never rejects. */
  runNow(): Promise<SummaryRunOutcome<T>>;
  /**
   * No more runs. A run in progress may finish for up to `timeoutMs` (default 25 s), then its Tencent requests are
   * aborted. Safe to call more than once.
   */
  stop(options?: { timeoutMs?: number }): Promise<void>;
}

const TIME_RE = /^([01]\d|2[0-3]):([0-5]\d)$/;
const ABORT_GRACE_MS = 2_000;

/** Whether `promise` settles within `ms` (it never rejects here). */
async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise.then(
        () => true,
        () => true,
      ),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(false), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

function formatDelay(ms: number): string {
  return ms >= 3_600_000 ? `${ms / 3_600_000} h` : ms >= 60_000 ? `${ms / 60_000} min` : `${ms} ms`;
}

/** `HH:mm` → croner's 5-part pattern `m H * * *` (seconds 0). Throws a RangeError for anything else. */
export function summaryCronPattern(time: string): string {
  const match = TIME_RE.exec(time);
  if (!match) throw new RangeError(`SUMMARY_TIME must be HH:mm in 24-hour time, not "${time.slice(0, 20)}"`);
  return `${Number(match[2])} ${Number(match[1])} * * *`;
}

/** Starts the daily job. Logs when the next post is. */
export function startSummarySchedule<T>(options: SummaryScheduleOptions<T>): SummarySchedule<T> {
  const { timeZone, channel, logger } = options;
  if (!isValidTimeZone(timeZone)) throw new RangeError(`unknown time zone: ${timeZone}`);
  const pattern = summaryCronPattern(options.time);
  const now = options.now ?? (() => Math.floor(Date.now() / 1000));
  const post = options.post;

  const retryDelays = options.retryDelaysMs ?? [];

  let stopped = false;
  let current: Promise<SummaryRunOutcome<T>> | undefined;
  let controller: AbortController | undefined;
  let retryTimer: NodeJS.Timeout | undefined;

  /** After the `attempt`-th failed run of `date`, the next try, if any is left. */
  const retryLater = (date: string, attempt: number) => {
    const delay = retryDelays[attempt];
    if (delay === undefined || stopped) return;
    clearTimeout(retryTimer);
    logger.info({ channel, date, retryInMs: delay }, `daily summary of ${date}: trying again in ${formatDelay(delay)}`);
    retryTimer = setTimeout(() => {
      retryTimer = undefined;
      void start({ date, attempt: attempt + 1 });
    }, delay);
    retryTimer.unref();
  };

  const run = async (retry?: { date: string; attempt: number }): Promise<SummaryRunOutcome<T>> => {
    const date = retry?.date ?? yesterdayIn(timeZone, now());
    controller = new AbortController();
    try {
      const posted = await post({ day: { date, timeZone }, now: now(), signal: controller.signal });
      return { status: 'posted', date, posted };
    } catch (error) {
      logger.error(
        { err: error, channel, date, timeZone },
        `daily summary of ${date} not posted: ${error instanceof Error ? error.message : String(error)}`,
      );
      retryLater(date, retry?.attempt ?? 0);
      return { status: 'failed', date, error };
    } finally {
      controller = undefined;
    }
  };

  const start = (retry?: { date: string; attempt: number }): Promise<SummaryRunOutcome<T>> => {
    if (stopped) return Promise.resolve({ status: 'skipped', reason: 'stopped' });
    if (current !== undefined) {
      logger.warn({ channel }, 'daily summary: the previous run is still going; this one is skipped');
      return Promise.resolve({ status: 'skipped', reason: 'busy' });
    }
    const running = run(retry).finally(() => {
      current = undefined;
      if (!stopped) logNext('next daily summary');
    });
    current = running;
    return running;
  };
  const runNow = () => start();

  const job = new Cron(
    pattern,
    {
      timezone: timeZone,
      mode: '5-part',
      protect: () => logger.warn({ channel }, 'daily summary: the previous run is still going; this one is skipped'),
      // A backstop: runNow never rejects.
      catch: (error) => logger.error({ err: error, channel }, 'daily summary: the scheduled run failed'),
    },
    async () => {
      await runNow();
    },
  );

  const logNext = (what: string) => {
    const next = job.nextRun();
    logger.info(
      { channel, summaryTime: options.time, timeZone, pattern, nextRun: next?.toISOString() ?? null },
      next === null
        ? `${what}: none scheduled`
        : `${what}: ${formatInstant(Math.floor(next.getTime() / 1000), timeZone)} ${timeZone} (${options.time} daily, yesterday's calls to ${channel})`,
    );
  };
  logNext('daily summary scheduled');

  let stopping: Promise<void> | undefined;
  return {
    job,
    pattern,
    timeZone,
    channel,
    nextRun: () => (stopped ? null : job.nextRun()),
    busy: () => current !== undefined,
    runNow,
    stop({ timeoutMs = 25_000 } = {}) {
      stopping ??= (async () => {
        stopped = true;
        job.stop();
        clearTimeout(retryTimer);
        const inFlight = current;
        if (inFlight === undefined) return;
        if (await settlesWithin(inFlight, timeoutMs)) return;
        logger.warn({ channel }, 'daily summary: stopping; the run in progress is aborted');
        controller?.abort();
        // A Slack call in flight ends within the WebClient's own timeout.
        await settlesWithin(inFlight, ABORT_GRACE_MS);
      })();
      return stopping;
    },
  };
}
