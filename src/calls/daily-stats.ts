import { TZDate } from '@date-fns/tz';
import { format } from 'date-fns';
import type { CallRecord } from './records.js';

/**
 * Pure building blocks of the daily summary: the day's local hours, the chart's count blocks, and the tallies of
 * the dropped calls (Interrupt or Offline). No I/O here; `daily-summary.ts` fetches and calls these.
 */

/** One local clock hour of the day: 24 of them, or 23 / 25 on a daylight-saving day. */
export interface HourStat {
  /** Position in the day, 0-based: 0..23, or 0..22 / 0..24 on a daylight-saving day. */
  index: number;
  /** Local clock hour (0-23) at the start of this hour. */
  hour: number;
  /** Local clock time of the start, `01:00`; the repeated hour of a fall-back day reads `01:00 (2nd)`. */
  label: string;
  /** Unix seconds, inclusive. */
  from: number;
  /** Unix seconds, exclusive. */
  to: number;
  /**
   * Calls that started in this hour, or null when only the total of the hour's block is known (the normal,
   * cheap path counts calls per 3-hour block; the fallback scan knows every hour).
   */
  calls: number | null;
  /** `Interrupt` calls that started in this hour. */
  interrupted: number;
  /** `Offline` calls that started in this hour. */
  offline: number;
  /** interrupted + offline. */
  dropped: number;
}

/**
 * A run of consecutive local hours whose calls are counted with one TotalNum request: the local clock is cut at
 * 00:00, 03:00, 06:00 … 21:00, so a day has 8 blocks, and a daylight-saving day's short or long block is the one
 * holding the clock change (e.g. `00:00–03:00` has 2 or 4 real hours).
 */
export interface CallBlock {
  /** `00:00–03:00` (local clock). */
  label: string;
  /** Unix seconds, inclusive. */
  from: number;
  /** Unix seconds, exclusive. */
  to: number;
  /** Index of the block's first hour in `hourly`. */
  firstHour: number;
  /** How many real hours the block spans (usually 3). */
  hours: number;
  /** All calls that started in the block (TotalNum, or counted from the fallback scan). */
  calls: number;
  /** Interrupt + Offline calls that started in the block. */
  dropped: number;
}

export interface DroppedSplit {
  audio: number;
  video: number;
  /** 1:1 calls (`SingleCall`). */
  single: number;
  /** Group calls (`MultiCall`). */
  group: number;
}

export interface AffectedUser {
  /** Tencent user ID. */
  user: string;
  /** Dropped calls the user was in, as caller or callee. */
  count: number;
}

export const TOP_USERS = 5;
const HOUR = 3600;
const BLOCK_CLOCK_HOURS = 3;

/**
 * The local clock hours of `[from, to)`: hour-long steps of real time from the day's start, each labelled with
 * the local time it starts at. A clock hour seen a second time (fall back) is marked `(2nd)`; a skipped one
 * (spring forward) simply does not appear. The last step is shorter when the day is not whole hours long.
 */
export function localHours(from: number, to: number, timeZone: string): HourStat[] {
  const hours: HourStat[] = [];
  const seen = new Map<string, number>();
  for (let start = from, index = 0; start < to; start += HOUR, index++) {
    const local = new TZDate(start * 1000, timeZone);
    const clock = format(local, 'HH:mm');
    const times = (seen.get(clock) ?? 0) + 1;
    seen.set(clock, times);
    hours.push({
      index,
      hour: local.getHours(),
      label: times === 1 ? clock : `${clock} (${ordinal(times)})`,
      from: start,
      to: Math.min(to, start + HOUR),
      calls: null,
      interrupted: 0,
      offline: 0,
      dropped: 0,
    });
  }
  return hours;
}

/** Consecutive hours grouped by the local 3-hour block (00–03, 03–06 … 21–24) they start in. */
export function callBlocks(hours: readonly HourStat[]): CallBlock[] {
  const blocks: CallBlock[] = [];
  let key = -1;
  for (const hour of hours) {
    const hourKey = Math.floor(hour.hour / BLOCK_CLOCK_HOURS);
    const last = blocks.at(-1);
    if (last !== undefined && hourKey === key) {
      last.to = hour.to;
      last.hours += 1;
      continue;
    }
    key = hourKey;
    const startHour = hourKey * BLOCK_CLOCK_HOURS;
    blocks.push({
      label: `${pad(startHour)}:00–${pad(startHour + BLOCK_CLOCK_HOURS)}:00`,
      from: hour.from,
      to: hour.to,
      firstHour: hour.index,
      hours: 1,
      calls: 0,
      dropped: 0,
    });
  }
  return blocks;
}

/** Index of the hour a start time falls in, or -1 outside the day. */
export function hourIndexOf(hours: readonly HourStat[], startTime: number): number {
  const first = hours[0];
  const last = hours.at(-1);
  if (first === undefined || last === undefined || startTime < first.from || startTime >= last.to) return -1;
  return Math.floor((startTime - first.from) / HOUR);
}

/** Tallies of the dropped calls of a day, filled one record at a time. */
export class DroppedTally {
  interrupted = 0;
  offline = 0;
  readonly split: DroppedSplit = { audio: 0, video: 0, single: 0, group: 0 };
  private readonly users = new Map<string, number>();
  private readonly seen = new Set<string>();

  constructor(readonly hours: HourStat[]) {}

  /**
   * Counts a record when it is an `Interrupt` or `Offline` call of the day; anything else is ignored. A CallId
   * seen before is ignored too, so overlapping downloads never count a call twice. Returns whether it counted.
   */
  add(record: CallRecord): boolean {
    if (record.result !== 'Interrupt' && record.result !== 'Offline') return false;
    const index = hourIndexOf(this.hours, record.startTime);
    const hour = this.hours[index];
    if (hour === undefined || this.seen.has(record.callId)) return false;
    this.seen.add(record.callId);
    if (record.result === 'Interrupt') {
      this.interrupted += 1;
      hour.interrupted += 1;
    } else {
      this.offline += 1;
      hour.offline += 1;
    }
    hour.dropped += 1;
    // Media and call types Tencent might add later are left out of the split rather than guessed.
    if (record.mediaType === 'Audio') this.split.audio += 1;
    else if (record.mediaType === 'Video') this.split.video += 1;
    if (record.callType === 'SingleCall') this.split.single += 1;
    else if (record.callType === 'MultiCall') this.split.group += 1;
    for (const user of new Set([record.caller, ...record.callees])) {
      this.users.set(user, (this.users.get(user) ?? 0) + 1);
    }
    return true;
  }

  get dropped(): number {
    return this.interrupted + this.offline;
  }

  /** The users in the most dropped calls; ties in user-ID order (numeric IDs by value). */
  topUsers(limit = TOP_USERS): AffectedUser[] {
    return [...this.users]
      .map(([user, count]) => ({ user, count }))
      .sort((a, b) => b.count - a.count || collator.compare(a.user, b.user))
      .slice(0, limit);
  }
}

/** The hour with the most dropped calls (the earliest on a tie), or null when nothing dropped. */
export function peakHour(hours: readonly HourStat[]): HourStat | null {
  let peak: HourStat | null = null;
  for (const hour of hours) {
    if (hour.dropped > 0 && (peak === null || hour.dropped > peak.dropped)) peak = hour;
  }
  return peak;
}

const collator = new Intl.Collator('en', { numeric: true });

function pad(value: number): string {
  return String(value).padStart(2, '0');
}

function ordinal(n: number): string {
  return n === 2 ? '2nd' : n === 3 ? '3rd' : `${n}th`;
}
