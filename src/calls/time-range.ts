import { TZDate, tz } from '@date-fns/tz';
import { addDays, format, startOfDay, subDays } from 'date-fns';
import { isCalendarDate } from './calendar-date.js';
import type { CallQuery, LocalDateTime, PinnedQuery, RangeSpec } from './query.js';

/**
 * The time model: a query's range made absolute (pinned) in a person's IANA time zone, and clamped to the days
 * the call-record store keeps (`RETENTION_DAYS`). All calendar arithmetic is date-fns with `@date-fns/tz`, so DST
 * days are 23 or 25 hours. Timestamps are Unix seconds; ranges are [from, to).
 */

/** Tencent keeps call records for 7 days (the store keeps them longer: `RETENTION_DAYS`). */
export const TENCENT_RETENTION_SECONDS = 7 * 24 * 3600;

/** No time filter means the last 7 days; a longer range is asked for explicitly (`last:30d`, `from:…`). */
export const DEFAULT_RANGE_SECONDS = 7 * 24 * 3600;

/** `RETENTION_DAYS` when it is not set: how many days of calls the store keeps. */
export const DEFAULT_RETENTION_DAYS = 90;

/** The store keeps calls for `retentionDays` whole days back from `now` (Unix seconds): the oldest instant kept. */
export function retentionCutoff(now: number, retentionDays: number): number {
  return now - retentionDays * 86_400;
}

export interface PinOptions {
  /** Days of calls the store keeps (`config.store.retentionDays`). Default `DEFAULT_RETENTION_DAYS`. */
  retentionDays?: number;
}

export type PinResult = { pinned: PinnedQuery; notices: string[] } | { error: string };
export type RangeResult = { from: number; to: number; notices: string[] } | { error: string };

const validZones = new Map<string, boolean>();

/** Whether `timeZone` is an IANA zone name this runtime knows (`Europe/Berlin`, `UTC`). */
export function isValidTimeZone(timeZone: string): boolean {
  if (typeof timeZone !== 'string' || timeZone === '' || timeZone.length > 64) return false;
  const cached = validZones.get(timeZone);
  if (cached !== undefined) return cached;
  let valid: boolean;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    valid = true;
  } catch {
    valid = false;
  }
  if (validZones.size < 1000) validZones.set(timeZone, valid);
  return valid;
}

function toUnix(date: Date): number {
  return Math.floor(date.getTime() / 1000);
}

function zoned(unixSeconds: number, timeZone: string): TZDate {
  return new TZDate(unixSeconds * 1000, timeZone);
}

function startOfDayIn(date: Date, timeZone: string): TZDate {
  return startOfDay(date, { in: tz(timeZone) });
}

/** The start of the calendar day `YYYY-MM-DD` in the zone (the first instant of the day, even where midnight is skipped). */
function dayStart(date: string, timeZone: string): TZDate {
  const [year, month, day] = date.split('-').map(Number);
  return startOfDayIn(new TZDate(year, month - 1, day, 12, timeZone), timeZone);
}

/**
 * The calendar day `YYYY-MM-DD` in the zone as [from, to) Unix seconds: 24 hours, or 23/25 on DST days.
 * Throws a RangeError for a date that is not a calendar day or an unknown zone (callers validate first).
 */
export function dayBounds(date: string, timeZone: string): { from: number; to: number } {
  if (!isCalendarDate(date)) throw new RangeError(`not a calendar date: ${date}`);
  if (!isValidTimeZone(timeZone)) throw new RangeError(`unknown time zone: ${timeZone}`);
  const start = dayStart(date, timeZone);
  const next = startOfDayIn(addDays(start, 1, { in: tz(timeZone) }), timeZone);
  return { from: toUnix(start), to: toUnix(next) };
}

/** `YYYY-MM-DD` of the day before `now` (Unix seconds) in the zone: the day the daily summary reports. */
export function yesterdayIn(timeZone: string, now: number): string {
  const today = startOfDayIn(zoned(now, timeZone), timeZone);
  return format(subDays(today, 1, { in: tz(timeZone) }), 'yyyy-MM-dd', { in: tz(timeZone) });
}

/** `YYYY-MM-DD` of `now` (Unix seconds) in the zone. */
export function todayIn(timeZone: string, now: number): string {
  return format(zoned(now, timeZone), 'yyyy-MM-dd', { in: tz(timeZone) });
}

/**
 * An instant as a person reads it in the zone: "Nov 20, 14:05", with the year when it is not the year of
 * `reference` (Unix seconds). A local midnight that ends a range can be shown as 24:00 by the caller.
 */
export function formatInstant(unixSeconds: number, timeZone: string, reference?: number): string {
  const date = zoned(unixSeconds, timeZone);
  const sameYear =
    reference === undefined ||
    format(date, 'yyyy', { in: tz(timeZone) }) === format(zoned(reference, timeZone), 'yyyy', { in: tz(timeZone) });
  return format(date, sameYear ? 'MMM d, HH:mm' : 'MMM d, yyyy, HH:mm', { in: tz(timeZone) });
}

interface LocalParts {
  day: string;
  time: string;
  year: string;
}

function localParts(unixSeconds: number, timeZone: string, asEnd: boolean): LocalParts {
  const date = zoned(unixSeconds, timeZone);
  if (asEnd && startOfDayIn(date, timeZone).getTime() === date.getTime()) {
    // An exclusive end at local midnight reads as 24:00 of the day before ("Nov 20, 00:00 – 24:00").
    const before = zoned(unixSeconds - 1, timeZone);
    return { day: format(before, 'MMM d'), time: '24:00', year: format(before, 'yyyy') };
  }
  return { day: format(date, 'MMM d'), time: format(date, 'HH:mm'), year: format(date, 'yyyy') };
}

/** The exclusive end of a range as read in the zone: a local midnight shows as 24:00 of the day before. */
export function formatRangeEnd(unixSeconds: number, timeZone: string, reference?: number): string {
  const end = localParts(unixSeconds, timeZone, true);
  const withYear = reference !== undefined && format(zoned(reference, timeZone), 'yyyy') !== end.year;
  return withYear ? `${end.day}, ${end.year}, ${end.time}` : `${end.day}, ${end.time}`;
}

/**
 * [from, to) as read in the zone, without the zone: "Nov 20, 09:00 – 17:00" on one day, "Nov 20, 00:00 – 24:00"
 * for a whole day, "Nov 20, 14:05 – Nov 27, 14:05" across days; years appear when they differ (from each other,
 * or from `reference`).
 */
export function formatRange(from: number, to: number, timeZone: string, reference?: number): string {
  const start = localParts(from, timeZone, false);
  const end = localParts(to, timeZone, to > from);
  const refYear = reference === undefined ? undefined : format(zoned(reference, timeZone), 'yyyy');
  const withYear = start.year !== end.year || (refYear !== undefined && refYear !== start.year);
  const startText = withYear ? `${start.day}, ${start.year}, ${start.time}` : `${start.day}, ${start.time}`;
  if (start.day === end.day && start.year === end.year) return `${startText} – ${end.time}`;
  const endText = withYear ? `${end.day}, ${end.year}, ${end.time}` : `${end.day}, ${end.time}`;
  return `${startText} – ${endText}`;
}

/** A typed bound as an instant: a date alone is the start of that day (`from`) or the start of the next (`to`). */
function resolveBound(when: LocalDateTime, edge: 'from' | 'to', now: number, timeZone: string): number {
  const date =
    when.date === 'today' ? todayIn(timeZone, now) : when.date === 'yesterday' ? yesterdayIn(timeZone, now) : when.date;
  if (when.time === undefined) {
    const bounds = dayBounds(date, timeZone);
    return edge === 'from' ? bounds.from : bounds.to;
  }
  const [year, month, day] = date.split('-').map(Number);
  const [hours, minutes] = when.time.split(':').map(Number);
  // A wall-clock time skipped by a DST jump moves forward by the jump (02:30 → 03:30), as TZDate does.
  return toUnix(new TZDate(year, month - 1, day, hours, minutes, timeZone));
}

function checkBound(when: LocalDateTime | undefined): string | undefined {
  if (when === undefined) return undefined;
  const dateOk = when.date === 'today' || when.date === 'yesterday' || isCalendarDate(when.date);
  const timeOk = when.time === undefined || /^([01]\d|2[0-3]):[0-5]\d$/.test(when.time);
  if (dateOk && timeOk) return undefined;
  return `${when.date}${when.time ? ` ${when.time}` : ''}`;
}

/**
 * Makes a range absolute at `now` (Unix seconds) in the zone and clamps it to what the store keeps: a start older
 * than `retentionDays` moves to now − retentionDays (with a notice), an end in the future is cut to now. No time
 * filter is the last 7 days.
 */
export function pinRange(range: RangeSpec, now: number, timeZone: string, options: PinOptions = {}): RangeResult {
  if (!isValidTimeZone(timeZone)) {
    return { error: `Unknown time zone "${timeZone}": use an IANA name such as Europe/Berlin or UTC.` };
  }
  if (!Number.isFinite(now)) return { error: 'The current time is not a number.' };
  now = Math.floor(now);
  const days = retentionDaysOf(options);
  const oldest = retentionCutoff(now, days);
  const when = (t: number) => formatInstant(t, timeZone, now);
  let from: number;
  let to: number;
  switch (range.kind) {
    case 'retained':
      from = Math.max(oldest, now - DEFAULT_RANGE_SECONDS);
      to = now;
      break;
    case 'relative':
      if (!(range.seconds > 0) || !Number.isFinite(range.seconds)) {
        return { error: `"last:${range.label}" is not a range: give a positive duration such as last:24h.` };
      }
      from = now - Math.ceil(range.seconds);
      to = now;
      break;
    case 'day': {
      const today = startOfDayIn(zoned(now, timeZone), timeZone);
      if (range.day === 'today') {
        from = toUnix(today);
        to = now;
      } else {
        from = toUnix(startOfDayIn(subDays(today, 1, { in: tz(timeZone) }), timeZone));
        to = toUnix(today);
      }
      break;
    }
    case 'absolute': {
      const bad = checkBound(range.from) ?? checkBound(range.to);
      if (bad !== undefined) return { error: `"${bad}" is not a date and time: use YYYY-MM-DD and HH:mm.` };
      from = range.from ? resolveBound(range.from, 'from', now, timeZone) : oldest;
      to = range.to ? resolveBound(range.to, 'to', now, timeZone) : now;
      break;
    }
  }
  const zone = `(${timeZone})`;
  // Order matters: with one bound missing (now−7d or now stands in), "in the future" and "older than what is
  // kept" explain the problem better than "starts after it ends".
  const end = formatRangeEnd(to, timeZone, now);
  if (range.kind === 'absolute' && range.from && range.to && from > to) {
    return {
      error: `The range starts after it ends: from ${when(from)} is after to ${end} ${zone}. Swap from: and to:.`,
    };
  }
  if (range.kind === 'absolute' && range.from && range.to && from === to) {
    return { error: `The range from ${when(from)} to ${end} ${zone} is empty: give a to: after the from:.` };
  }
  if (range.kind === 'day' && range.day === 'today' && from >= now) {
    return { error: `Today has only just begun ${zone}: there are no calls yet. Try yesterday or last:24h.` };
  }
  if (from >= now) {
    return { error: `The range starts ${when(from)} ${zone}, in the future: there are no calls there yet.` };
  }
  if (to <= oldest) {
    const older =
      range.kind === 'absolute' && !range.from ? `the range ending ${end}` : formatRange(from, to, timeZone, now);
    return {
      error: `Call records are kept for ${days} days; ${older} ${zone} is older: the oldest kept start ${when(oldest)}.`,
    };
  }
  if (from >= to) return { error: `The range from ${when(from)} to ${end} ${zone} is empty.` };
  const notices: string[] = [];
  if (from < oldest) {
    from = oldest;
    notices.push(`Call records are kept for ${days} days: showing calls from ${when(oldest)} ${zone}.`);
  }
  if (to > now) to = now;
  return { from, to, notices };
}

/**
 * Pins a parsed query at `now` (Unix seconds) in the person's zone, so paging later shows the same set.
 * `callId` is not part of a pinned query: a CallId lookup needs no range.
 */
export function pinQuery(query: CallQuery, now: number, timeZone: string, options: PinOptions = {}): PinResult {
  // `name:` filters are turned into users by `resolveNames` first; pinned without them, they would match everyone.
  if ((query.names?.length ?? 0) > 0) return { error: 'Searching by name is not available here: search by user ID.' };
  const range = pinRange(query.range, now, timeZone, options);
  if ('error' in range) return { error: range.error };
  return {
    pinned: {
      users: [...query.users],
      results: [...query.results],
      callTypes: [...query.callTypes],
      mediaTypes: [...query.mediaTypes],
      from: range.from,
      to: range.to,
      timeZone,
    },
    notices: range.notices,
  };
}

function retentionDaysOf(options: PinOptions): number {
  const days = options.retentionDays;
  return days !== undefined && Number.isInteger(days) && days > 0 ? days : DEFAULT_RETENTION_DAYS;
}

/** Tencent's 7 days, under its former name (the sync reads it). Retention of the store is `RETENTION_DAYS`. */
export const RETENTION_SECONDS = TENCENT_RETENTION_SECONDS;
