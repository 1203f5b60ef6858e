/**
 * Counters of calls by the minute they ENDED (migration 007), written in the same transaction as the calls they
 * count, and the window count the incident check reads from them.
 *
 * Writing: a call counts once, when its insert went in (a duplicate inserts nothing, so counts nothing); a stored
 * call that changes what is counted (its end minute, result, start time, or the participants of a dropped call) is
 * taken out of its old counters and put in its new ones; the retention delete takes deleted calls out. Counter
 * rows are changed in key order, so two PostgreSQL writers wait for each other rather than deadlock. The earliest
 * StartTime of a (minute, result) cannot be decremented: where a call left one, it is read again from that
 * minute's calls (one minute, through `calls_by_end`).
 *
 * Reading: a window `[from, to)` is its whole minutes from the counters (at most ALERT_WINDOW / 60 rows per result)
 * plus its partial first and last minute read exactly from the calls (at most two minutes of calls), so a check
 * costs the same however many calls the window holds, and gives the same numbers as counting every call.
 */
import { type Kysely, type RawBuilder, sql } from 'kysely';
import { type DropWindow, rankAffectedUsers, type WindowCounts } from '../calls/incident-rule.js';
import { type CallRecord, DROPPED_RESULTS, isDropped } from '../calls/records.js';
import { participantsOf } from './call-rows.js';
import type { Database, EngineName } from './database.js';

export const MINUTE_SECONDS = 60;

export interface CallEndMinutesTable {
  /** Unix seconds of the minute's start (a multiple of 60). */
  minute: number;
  result: string;
  calls: number;
  first_start: number;
}

export interface CallEndMinuteUsersTable {
  minute: number;
  user_id: string;
  dropped: number;
}

export function minuteOf(time: number): number {
  return Math.floor(time / MINUTE_SECONDS) * MINUTE_SECONDS;
}

/** Whether a stored call changing from `before` to `after` changes any counter. */
export function countsChange(before: CallRecord, after: CallRecord): boolean {
  if (minuteOf(before.endTime) !== minuteOf(after.endTime) || before.result !== after.result) return true;
  if (before.startTime !== after.startTime) return true;
  return isDropped(after.result) && participantsOf(before).join('\n') !== participantsOf(after).join('\n');
}

const NO_START = Number.MAX_SAFE_INTEGER;

/** Adds `added` to the counters and takes `removed` out, inside the caller's transaction. */
export async function applyEndMinuteCounts(
  trx: Kysely<Database>,
  engine: EngineName,
  added: readonly CallRecord[],
  removed: readonly CallRecord[],
): Promise<void> {
  if (added.length === 0 && removed.length === 0) return;
  const minutes = new Map<string, { minute: number; result: string; delta: number; firstStart: number }>();
  const users = new Map<string, { minute: number; user: string; delta: number }>();
  const touched = new Map<string, { minute: number; result: string }>();
  const count = (call: CallRecord, sign: 1 | -1) => {
    const minute = minuteOf(call.endTime);
    const key = `${String(minute).padStart(16, '0')}\u0000${call.result}`;
    const slot = minutes.get(key) ?? { minute, result: call.result, delta: 0, firstStart: NO_START };
    slot.delta += sign;
    if (sign === 1) slot.firstStart = Math.min(slot.firstStart, call.startTime);
    else touched.set(key, { minute, result: call.result });
    minutes.set(key, slot);
    if (!isDropped(call.result)) return;
    for (const user of participantsOf(call)) {
      const userKey = `${String(minute).padStart(16, '0')}\u0000${user}`;
      const entry = users.get(userKey) ?? { minute, user, delta: 0 };
      entry.delta += sign;
      users.set(userKey, entry);
    }
  };
  for (const call of removed) count(call, -1);
  for (const call of added) count(call, 1);

  const least = engine === 'sqlite' ? 'min' : 'least';
  const minuteRows = sortedValues(minutes).filter((slot) => slot.delta !== 0 || slot.firstStart !== NO_START);
  for (const chunk of chunks(minuteRows, 400)) {
    const values = chunk.map((slot) => sql`(${slot.minute}, ${slot.result}, ${slot.delta}, ${slot.firstStart})`);
    await sql`insert into call_end_minutes (minute, result, calls, first_start) values ${sql.join(values)}
      on conflict (minute, result) do update set calls = call_end_minutes.calls + excluded.calls,
        first_start = ${sql.raw(least)}(call_end_minutes.first_start, excluded.first_start)`.execute(trx);
  }
  const userRows = sortedValues(users).filter((entry) => entry.delta !== 0);
  for (const chunk of chunks(userRows, 400)) {
    const values = chunk.map((entry) => sql`(${entry.minute}, ${entry.user}, ${entry.delta})`);
    await sql`insert into call_end_minute_users (minute, user_id, dropped) values ${sql.join(values)}
      on conflict (minute, user_id) do update set dropped = call_end_minute_users.dropped + excluded.dropped`.execute(
      trx,
    );
  }
  if (removed.length === 0) return;
  // A call left these counters: their earliest start is read again from the minute's calls, and empty rows go.
  for (const { minute, result } of sortedValues(touched)) {
    await sql`update call_end_minutes set first_start = coalesce((select min(start_time) from calls
        where end_time >= ${minute} and end_time < ${minute + MINUTE_SECONDS} and result = ${result}), first_start)
      where minute = ${minute} and result = ${result}`.execute(trx);
  }
  const emptied = [...new Set([...touched.values()].map((slot) => slot.minute))];
  for (const chunk of chunks(emptied, 400)) {
    await sql`delete from call_end_minutes where calls <= 0 and minute in (${sql.join(chunk)})`.execute(trx);
    await sql`delete from call_end_minute_users where dropped <= 0 and minute in (${sql.join(chunk)})`.execute(trx);
  }
}

/**
 * `[from, to)` as its whole minutes (null: none) and the partial minutes at its edges, each inside one minute (a
 * window inside one minute is one edge).
 */
export function splitWindow(from: number, to: number): { whole: [number, number] | null; edges: [number, number][] } {
  const firstWhole = Math.ceil(from / MINUTE_SECONDS) * MINUTE_SECONDS;
  const endWhole = minuteOf(to);
  if (firstWhole > endWhole) return { whole: null, edges: from < to ? [[from, to]] : [] };
  const edges: [number, number][] = [];
  if (from < firstWhole) edges.push([from, firstWhole]);
  if (endWhole < to) edges.push([endWhole, to]);
  return { whole: firstWhole < endWhole ? [firstWhole, endWhole] : null, edges };
}

function sortedValues<T>(map: ReadonlyMap<string, T>): T[] {
  return [...map].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, value]) => value);
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * The calls that ENDED in `[from, to)`, counted: whole minutes from the counters, the partial minutes at either
 * edge from the calls themselves. The same numbers as counting every call of the window.
 */
export async function countEndedCalls(
  db: Kysely<Database>,
  from: number,
  to: number,
  options: { topUsers: number },
): Promise<WindowCounts> {
  const { whole, edges } = splitWindow(from, to);

  const edgeRange = (column: string): RawBuilder<unknown> =>
    edges.length === 0
      ? sql`false`
      : sql.join(
          edges.map(([a, b]) => sql`(${sql.ref(column)} >= ${a} and ${sql.ref(column)} < ${b})`),
          sql` or `,
        );
  const dropped = sql.join(DROPPED_RESULTS.map((result) => sql.lit(result)));

  const [wholeCounts, wholeUsers, edgeCounts, edgeDropped] = await Promise.all([
    whole === null
      ? { rows: [] }
      : sql<{ result: string; n: number; first_start: number | null }>`
          select result, sum(calls) as n, min(first_start) as first_start from call_end_minutes
          where minute >= ${whole[0]} and minute < ${whole[1]} group by result`.execute(db),
    whole === null
      ? { rows: [] }
      : sql<{ user_id: string; n: number }>`
          select user_id, sum(dropped) as n from call_end_minute_users
          where minute >= ${whole[0]} and minute < ${whole[1]} group by user_id having sum(dropped) > 0`.execute(db),
    sql<{ result: string; n: number; first_start: number | null }>`
      select result, count(*) as n, min(start_time) as first_start from calls
      where ${edgeRange('end_time')} group by result`.execute(db),
    sql<{ caller: string; callees: string }>`
      select caller, callees from calls where (${edgeRange('end_time')}) and result in (${dropped})`.execute(db),
  ]);

  let ended = 0;
  let interrupted = 0;
  let offline = 0;
  let firstDroppedStart: number | null = null;
  for (const row of [...wholeCounts.rows, ...edgeCounts.rows]) {
    const n = Number(row.n);
    ended += n;
    if (!isDropped(row.result)) continue;
    if (row.result === 'Interrupt') interrupted += n;
    else offline += n;
    const start = row.first_start === null ? null : Number(row.first_start);
    if (n > 0 && start !== null && (firstDroppedStart === null || start < firstDroppedStart)) firstDroppedStart = start;
  }

  const perUser = new Map<string, number>();
  for (const row of wholeUsers.rows) perUser.set(row.user_id, Number(row.n));
  for (const row of edgeDropped.rows) {
    for (const user of participantsOf({ caller: row.caller, callees: parseCallees(row.callees) })) {
      perUser.set(user, (perUser.get(user) ?? 0) + 1);
    }
  }
  const topUsers = rankAffectedUsers(perUser, options.topUsers);

  return { from, to, ended, interrupted, offline, topUsers, firstDroppedStart };
}

function parseCallees(json: string): string[] {
  try {
    const value: unknown = JSON.parse(json);
    return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
  } catch {
    return [];
  }
}

/**
 * The window's counts and, for its chart, ended and dropped calls per bucket of `bucketSeconds` (whole minutes) on
 * the clock's minute grid: the first bucket starts at `from`, the last ends at `to`, both possibly shorter. Whole
 * minutes come from the counters, the partial minutes at the edges from the calls: bounded like the check.
 */
export async function measureEndedCallsByMinute(
  db: Kysely<Database>,
  from: number,
  to: number,
  options: { topUsers: number; bucketSeconds: number },
): Promise<DropWindow> {
  const { bucketSeconds } = options;
  const grid = minuteOf(from);
  const { whole: wholeMinutes, edges } = splitWindow(from, to);
  const count = Math.max(0, Math.ceil((to - grid) / bucketSeconds));
  const buckets = Array.from({ length: count }, (_, i) => ({
    at: Math.max(from, grid + i * bucketSeconds),
    ended: 0,
    dropped: 0,
  }));
  const add = (time: number, result: string, n: number) => {
    const slot = buckets[Math.floor((time - grid) / bucketSeconds)];
    if (slot === undefined) return;
    slot.ended += n;
    if (isDropped(result)) slot.dropped += n;
  };

  const [counts, whole, ...edgeRows] = await Promise.all([
    countEndedCalls(db, from, to, options),
    wholeMinutes === null
      ? { rows: [] }
      : sql<{ minute: number; result: string; calls: number }>`
          select minute, result, calls from call_end_minutes
          where minute >= ${wholeMinutes[0]} and minute < ${wholeMinutes[1]}`.execute(db),
    ...edges.map(([a, b]) =>
      sql<{ result: string; n: number }>`
        select result, count(*) as n from calls where end_time >= ${a} and end_time < ${b} group by result`.execute(db),
    ),
  ]);
  for (const row of whole.rows) add(Number(row.minute), row.result, Number(row.calls));
  edgeRows.forEach((rows, i) => {
    const start = (edges[i] as [number, number])[0];
    for (const row of rows.rows) add(start, row.result, Number(row.n));
  });
  return { ...counts, buckets, bucketSeconds };
}
