import type { CallEventReader } from './call-events.js';
import type { CallFilter, CallReader } from './call-store.js';
import { type CauseCount, causeBreakdown } from './cause-breakdown.js';
import {
  type AffectedUser,
  type DroppedSplit,
  DroppedTally,
  type HourStat,
  localHours,
  peakHour,
} from './daily-stats.js';
import { type CallRecord, DROPPED_RESULTS } from './records.js';
import { coverageNotices, historyStartOf } from './store-notices.js';
import { dayBounds, formatInstant, todayIn } from './time-range.js';

export type { AffectedUser, DroppedSplit, HourStat } from './daily-stats.js';

/**
 * The daily interrupted-call summary, read from the call-record store.
 *
 * Words used throughout: a call is *dropped* when it ended `Interrupt` (the network broke it) or `Offline` (the
 * server saw a heartbeat expire): `DROPPED_RESULTS`. `interrupted` and `offline` count each result on its own;
 * `dropped` is their sum, and every share, split, ranking and chart of the summary is about dropped calls.
 *
 * Every number is exact: calls per local hour are one bucketed count in the store, the dropped calls are read
 * whole (keyset pages of the store), and the day before is three counts. No Tencent request: that the day was
 * reconciled with Tencent first is the sync's work; the summary says when the store cannot vouch for the day
 * (before stored history, the first backfill not there yet, a failing sync, unreadable records).
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
  /** The day before in the same zone; null when it starts before stored history (its numbers would be wrong). */
  previousDay: PreviousDay | null;
  /** The dropped count against the previous day's; null when `previousDay` is null. */
  change: DayChange | null;
  /** The dropped calls by media type and by call type (types Tencent may add later are in neither). */
  split: DroppedSplit;
  /** The users in the most dropped calls, as caller or callee: at most 5, most affected first. */
  topUsers: AffectedUser[];
  /** The local hour with the most dropped calls (the earliest on a tie); null when nothing dropped. */
  peakHour: HourStat | null;
  /** Every local hour of the day in order: 24, or 23 / 25 on a daylight-saving day; `calls` add up to `totalCalls`. */
  hourly: HourStat[];
  /**
   * The dropped calls by cause and side, from their events (most first); empty when nothing dropped or the store
   * keeps no events.
   */
  causes?: CauseCount[];
  /** Plain sentences for the reader: the day is not over yet, it starts before stored history, the sync fails… */
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

export interface DailySummaryOptions {
  /** The current time in Unix seconds; default the real clock. */
  now?: number;
}

/** Dropped calls read from the store per round trip. */
const READ_BATCH = 1_000;

/**
 * Collects the summary of one calendar day in a zone from the store. Throws a RangeError for a date that is not a
 * calendar day or an unknown zone, and the store's StoreUnavailableError.
 */
export async function collectDailySummary(
  store: CallReader & Partial<Pick<CallEventReader, 'eventsOf'>>,
  day: { date: string; timeZone: string },
  options: DailySummaryOptions = {},
): Promise<DailySummary> {
  const now = Math.floor(options.now ?? Date.now() / 1000);
  const { from, to } = dayBounds(day.date, day.timeZone);
  // The local date of the day's first instant minus one second. (Parsing `${date}T12:00` would read it in the
  // host's zone: on a host at UTC+13 or +14 that is the day before, and the "previous day" two days before.)
  const previousDate = todayIn(day.timeZone, from - 1);
  const previousBounds = dayBounds(previousDate, day.timeZone);
  const coverage = await store.coverage();
  const historyStart = historyStartOf(coverage, now);

  const hourly = localHours(from, to, day.timeZone);
  const all = everyCall(from, to);
  const [perHour, droppedRecords, previousCounts] = await Promise.all([
    store.countCallsByBucket(all, 3600),
    readAll(store, { ...all, results: [...DROPPED_RESULTS] }),
    previousBounds.from >= historyStart
      ? Promise.all([
          store.countCalls(everyCall(previousBounds.from, previousBounds.to)),
          ...DROPPED_RESULTS.map((result) =>
            store.countCalls({ ...everyCall(previousBounds.from, previousBounds.to), results: [result] }),
          ),
        ])
      : Promise.resolve(null),
  ]);
  hourly.forEach((hour, i) => {
    hour.calls = perHour[i] ?? 0;
  });
  const tally = new DroppedTally(hourly);
  for (const record of droppedRecords) tally.add(record);
  const causes =
    store.eventsOf === undefined || droppedRecords.length === 0
      ? []
      : causeBreakdown(droppedRecords, await store.eventsOf(droppedRecords.map((record) => record.callId)));
  // A call stored between the counts and the read can make the read outgrow them; never show a share above 1.
  const totalCalls = Math.max(
    hourly.reduce((sum, hour) => sum + hour.calls, 0),
    tally.dropped,
  );

  let previousDay: PreviousDay | null = null;
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

  const when = (t: number) => `${formatInstant(t, day.timeZone, now)} (${day.timeZone})`;
  const notices: string[] = [];
  if (to > now) notices.push('This day is not over yet: the numbers cover it up to now.');
  if (coverage.backfillDone && from < historyStart) {
    notices.push(
      to <= historyStart
        ? `Stored history starts ${when(historyStart)}: this day is before it, so nothing is left to count.`
        : `Stored history starts ${when(historyStart)}: the start of this day is before it, so the numbers are partial.`,
    );
  }
  notices.push(...coverageNotices({ coverage, now, when }, { from, to }));

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
    causes,
    notices,
  };
}

export function dayChange(dropped: number, previousDropped: number): DayChange {
  const absolute = dropped - previousDropped;
  return { absolute, relative: previousDropped === 0 ? null : absolute / previousDropped };
}

function everyCall(from: number, to: number): CallFilter {
  return { users: [], results: [], callTypes: [], mediaTypes: [], from, to };
}

/** Every call of a filter, newest first, in keyset pages. */
async function readAll(store: CallReader, filter: CallFilter): Promise<CallRecord[]> {
  const records: CallRecord[] = [];
  for (;;) {
    const last = records.at(-1);
    const batch = await store.findCalls(filter, {
      limit: READ_BATCH,
      ...(last === undefined ? {} : { after: { startTime: last.startTime, callId: last.callId } }),
    });
    records.push(...batch);
    if (batch.length < READ_BATCH) return records;
  }
}
