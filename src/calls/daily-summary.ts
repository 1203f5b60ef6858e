import type { CallRecordsApi, RecordFilter, RequestMeter, RequestOptions } from '../tencent/call-records-api.js';
import { allOrAbort } from './all-or-abort.js';
import {
  type AffectedUser,
  type CallBlock,
  callBlocks,
  type DroppedSplit,
  DroppedTally,
  type HourStat,
  hourIndexOf,
  localHours,
  peakHour,
} from './daily-stats.js';
import type { CallResult } from './records.js';
import { dayBounds, RETENTION_SECONDS, todayIn } from './time-range.js';

export type { AffectedUser, CallBlock, DroppedSplit, HourStat } from './daily-stats.js';

/**
 * The daily interrupted-call summary (SPEC §8).
 *
 * Words used throughout: a call is *dropped* when it ended `Interrupt` (the network broke it) or `Offline` (the
 * server saw a heartbeat expire). `interrupted` and `offline` count each result on its own; `dropped` is their
 * sum, and every share, split, ranking and chart of the summary is about dropped calls.
 *
 * REQUEST BUDGET. A day with N calls, I `Interrupt` and O `Offline` must cost no more than
 * 15 + ceil((I + O) / 100) requests, whatever N is (only dropped calls may be downloaded):
 *   - 8 counts (TotalNum, time filter only) of the calls in each local 3-hour block 00–03 … 21–24. They feed the
 *     chart, and their sum is the day's total, so the total costs nothing more. A daylight-saving day still has
 *     8 blocks; the block holding the clock change spans 2 or 4 real hours. (An hourly count would be 24
 *     requests, over the budget on its own; the chart says its call bars are 3-hour averages.)
 *   - 2 counts of the day's Interrupt and Offline calls: they say whether the API honours the CallResult filter
 *     before anything is downloaded, and they are checked against what the downloads bring.
 *   - 3 counts of the previous day: all calls, Interrupt, Offline (none when that day is past Tencent's 7 days).
 *   - the Interrupt and the Offline records of the day, 100 a page: ceil(I/100) + ceil(O/100) pages, at most
 *     ceil((I+O)/100) + 1; none for a result that counted 0.
 * Total: at most 13 + ceil(I/100) + ceil(O/100) <= 14 + ceil((I+O)/100) (plus any re-read the client's scan makes
 * when the listing shifts under it). With the usual Offline share (O <= 200) this also fits 15 + ceil(I/100).
 * Hourly interruptions are exact (they come from the downloaded records); hourly totals are known per 3-hour block.
 *
 * FALLBACK. When the API does not honour the CallResult filter (the counts say Interrupt + Offline > all calls,
 * or a filtered download brings fewer records than its TotalNum because the client dropped records of other
 * results), the whole day and the whole previous day are scanned without a result filter and counted here, a
 * warning is logged and `fallbackScan` is set. The numbers stay exact (and hourly totals become exact too); the
 * cost then grows with the day's calls, which the warning says.
 */
export interface DailySummary {
  /** `YYYY-MM-DD`, a calendar day in `timeZone`. */
  date: string;
  /** IANA zone that defines the day. */
  timeZone: string;
  /** Unix seconds, inclusive: local midnight. */
  from: number;
  /** Unix seconds, exclusive: the next local midnight (23 or 25 hours later on a daylight-saving day). */
  to: number;
  /** Every call that started in the day, whatever its result. */
  totalCalls: number;
  /** Calls that ended `Interrupt`. */
  interrupted: number;
  /** Calls that ended `Offline`. */
  offline: number;
  /** interrupted + offline. */
  dropped: number;
  /** dropped / totalCalls, 0..1; 0 when there were no calls. Interrupt and Offline together, over all calls. */
  interruptedShare: number;
  /** The day before in the same zone; null when it is past Tencent's 7-day retention (numbers would be wrong). */
  previousDay: PreviousDay | null;
  /** The dropped count against the previous day's; null when `previousDay` is null. */
  change: DayChange | null;
  /** The dropped calls by media type and by call type (types Tencent may add later are in neither). */
  split: DroppedSplit;
  /** The users in the most dropped calls, as caller or callee: at most 5, most affected first. */
  topUsers: AffectedUser[];
  /** The local hour with the most dropped calls (the earliest on a tie); null when nothing dropped. */
  peakHour: HourStat | null;
  /** Every local hour of the day in order: 24, or 23 / 25 on a daylight-saving day. */
  hourly: HourStat[];
  /** All calls per local 3-hour block (see the request budget above); their `calls` add up to `totalCalls`. */
  blocks: CallBlock[];
  /** True when the API was found not to honour the CallResult filter and the days were scanned whole. */
  fallbackScan: boolean;
  /** Upstream requests this summary cost. */
  upstreamRequests: number;
  /** Plain sentences for the reader: the day is not over yet, or is partly past Tencent's 7 days. */
  notices: string[];
}

export interface PreviousDay {
  date: string;
  totalCalls: number;
  interrupted: number;
  offline: number;
  dropped: number;
}

export interface DayChange {
  /** dropped − previous dropped. */
  absolute: number;
  /** absolute / previous dropped (0.25 = +25%); null when the previous day had none. */
  relative: number | null;
}

/** What the summary logs; a pino logger fits. */
export interface SummaryLogger {
  warn(obj: object, msg: string): void;
}

export interface DailySummaryOptions extends RequestOptions {
  logger?: SummaryLogger;
  /** The current time in Unix seconds, for Tencent's 7-day retention; default the real clock. */
  now?: number;
}

/** Slack for the few seconds between deciding and Tencent applying its own clamp. */
const RETENTION_MARGIN_SECONDS = 60;
const PAGE_SIZE = 100;
const DROPPED_RESULTS = ['Interrupt', 'Offline'] as const satisfies readonly CallResult[];

/**
 * Collects the summary of one calendar day in a zone. Throws a RangeError for a date that is not a calendar day or
 * an unknown zone, and the client's TencentError when Tencent fails.
 */
export async function collectDailySummary(
  api: CallRecordsApi,
  day: { date: string; timeZone: string },
  options: DailySummaryOptions = {},
): Promise<DailySummary> {
  const { logger, now: nowOption, ...rest } = options;
  const meter: RequestMeter = rest.meter ?? { requests: 0 };
  const requestsBefore = meter.requests;
  const request: RequestOptions = { signal: rest.signal, meter };
  const now = Math.floor(nowOption ?? Date.now() / 1000);
  const oldestRetained = now - RETENTION_SECONDS + RETENTION_MARGIN_SECONDS;

  const { from, to } = dayBounds(day.date, day.timeZone);
  // The local date of the day's first instant minus one second. (Parsing `${date}T12:00` would read it in the
  // host's zone: on a host at UTC+13 or +14 that is the day before, and the "previous day" two days before.)
  const previousDate = todayIn(day.timeZone, from - 1);
  const previousBounds = dayBounds(previousDate, day.timeZone);
  const previousRetained = previousBounds.from >= oldestRetained;

  const hourly = localHours(from, to, day.timeZone);
  const blocks = callBlocks(hourly);
  const range = (f: number, t: number): RecordFilter => ({ startTime: f, endTime: t - 1 }); // EndTime is inclusive
  const count = (filter: RecordFilter) => api.countRecords(filter, request);

  // Every count at once: the client's shared limiter paces them.
  const [blockCounts, dayByResult, previousCounts] = await Promise.all([
    Promise.all(blocks.map((block) => count(range(block.from, block.to)))),
    Promise.all(DROPPED_RESULTS.map((callResult) => count({ ...range(from, to), callResult }))),
    previousRetained
      ? Promise.all([
          count(range(previousBounds.from, previousBounds.to)),
          ...DROPPED_RESULTS.map((callResult) =>
            count({ ...range(previousBounds.from, previousBounds.to), callResult }),
          ),
        ])
      : Promise.resolve(null),
  ]);
  blocks.forEach((block, i) => {
    block.calls = blockCounts[i] ?? 0;
  });
  const countedTotal = blocks.reduce((sum, block) => sum + block.calls, 0);
  const [countedInterrupt = 0, countedOffline = 0] = dayByResult;

  const filtered = new DroppedTally(hourly);
  let fallbackReason: string | null = null;
  if (countedInterrupt + countedOffline > countedTotal) {
    fallbackReason = `the day counted ${countedInterrupt} Interrupt and ${countedOffline} Offline calls among ${countedTotal} calls`;
  } else {
    const downloaded = await allOrAbort(
      request.signal,
      DROPPED_RESULTS.map((callResult, i) => async (signal) => {
        if ((dayByResult[i] ?? 0) === 0) return 0;
        let n = 0;
        const filter = { ...range(from, to), callResult };
        for await (const record of api.scan(filter, { ...request, signal, pageSize: PAGE_SIZE })) {
          if (record.result === callResult && filtered.add(record)) n += 1;
        }
        return n;
      }),
    );
    const short = DROPPED_RESULTS.flatMap((result, i) =>
      (downloaded[i] ?? 0) < (dayByResult[i] ?? 0)
        ? [`a ${result} download brought ${downloaded[i]} of ${dayByResult[i]} records`]
        : [],
    );
    if (short.length > 0) fallbackReason = short.join('; ');
  }

  let tally = filtered;
  let totalCalls = countedTotal;
  let previousDay: PreviousDay | null = null;
  if (fallbackReason === null) {
    if (previousCounts !== null) {
      const [previousTotal = 0, previousInterrupt = 0, previousOffline = 0] = previousCounts;
      previousDay = {
        date: previousDate,
        totalCalls: previousTotal,
        interrupted: previousInterrupt,
        offline: previousOffline,
        dropped: previousInterrupt + previousOffline,
      };
    }
  } else {
    logger?.warn(
      { date: day.date, timeZone: day.timeZone, reason: fallbackReason },
      'Tencent did not honour the CallResult filter; scanning whole days for the daily summary (cost grows with calls)',
    );
    const [whole, previous] = await allOrAbort(request.signal, [
      (signal) => scanWholeDay(api, from, to, day.timeZone, { ...request, signal }),
      async (signal) =>
        previousRetained
          ? scanWholeDay(api, previousBounds.from, previousBounds.to, day.timeZone, { ...request, signal })
          : null,
    ]);
    tally = whole.tally;
    totalCalls = whole.totalCalls;
    for (const block of blocks) {
      block.calls = sumHours(tally.hours, block, (hour) => hour.calls ?? 0);
    }
    if (previous !== null) {
      previousDay = {
        date: previousDate,
        totalCalls: previous.totalCalls,
        interrupted: previous.tally.interrupted,
        offline: previous.tally.offline,
        dropped: previous.tally.dropped,
      };
    }
  }

  for (const block of blocks) block.dropped = sumHours(tally.hours, block, (hour) => hour.dropped);
  // A call that ended after the counts were taken can make a download outgrow them; never show a share above 1.
  totalCalls = Math.max(totalCalls, tally.dropped);

  return {
    date: day.date,
    timeZone: day.timeZone,
    from,
    to,
    totalCalls,
    interrupted: tally.interrupted,
    offline: tally.offline,
    dropped: tally.dropped,
    interruptedShare: totalCalls === 0 ? 0 : tally.dropped / totalCalls,
    previousDay,
    change: previousDay === null ? null : dayChange(tally.dropped, previousDay.dropped),
    split: tally.split,
    topUsers: tally.topUsers(),
    peakHour: peakHour(tally.hours),
    hourly: tally.hours,
    blocks,
    fallbackScan: fallbackReason !== null,
    upstreamRequests: meter.requests - requestsBefore,
    notices: notices(from, to, now),
  };
}

export function dayChange(dropped: number, previousDropped: number): DayChange {
  const absolute = dropped - previousDropped;
  return { absolute, relative: previousDropped === 0 ? null : absolute / previousDropped };
}

/** Every call of a day downloaded (no result filter), counted per hour and tallied. */
async function scanWholeDay(
  api: CallRecordsApi,
  from: number,
  to: number,
  timeZone: string,
  request: RequestOptions,
): Promise<{ tally: DroppedTally; totalCalls: number }> {
  const hours = localHours(from, to, timeZone);
  for (const hour of hours) hour.calls = 0;
  const tally = new DroppedTally(hours);
  const seen = new Set<string>();
  for await (const record of api.scan({ startTime: from, endTime: to - 1 }, { ...request, pageSize: PAGE_SIZE })) {
    const hour = hours[hourIndexOf(hours, record.startTime)];
    if (hour === undefined || seen.has(record.callId)) continue;
    seen.add(record.callId);
    hour.calls = (hour.calls ?? 0) + 1;
    tally.add(record);
  }
  return { tally, totalCalls: seen.size };
}

function sumHours(hours: readonly HourStat[], block: CallBlock, value: (hour: HourStat) => number): number {
  return hours.slice(block.firstHour, block.firstHour + block.hours).reduce((sum, hour) => sum + value(hour), 0);
}

function notices(from: number, to: number, now: number): string[] {
  const list: string[] = [];
  if (to > now) list.push('This day is not over yet: the numbers cover it up to now.');
  if (from < now - RETENTION_SECONDS) {
    list.push(
      to <= now - RETENTION_SECONDS
        ? 'Tencent keeps call records for 7 days: this day is past that, so nothing is left to count.'
        : 'Tencent keeps call records for 7 days: the start of this day is past that, so the numbers are partial.',
    );
  }
  return list;
}
