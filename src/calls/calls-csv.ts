/**
 * Calls as a CSV file, for spreadsheets and escalations: one header row, one row per call. Written with
 * csv-stringify (quoting of commas, quotes and line breaks), plus a guard against formula injection.
 *
 * Decisions:
 * - Times are ISO 8601 with the person's UTC offset (`2026-11-20T14:05:09+08:00`; `Z` in UTC), so a spreadsheet
 *   and a person read the same instant.
 * - Result, call type and media are Tencent's own values (`Interrupt`, `SingleCall`, `Video`): they filter well.
 * - Several callees (and their names) share one cell, separated by `; `.
 * - Formula guard: a cell of text from outside (IDs, names, results, RoomIds) that starts with `=`, `+`, `-`, `@`,
 *   a tab or a carriage return gets a leading apostrophe, so no spreadsheet runs it as a formula (a user ID `-5`
 *   then reads `'-5`: the price of safety). Cells we write ourselves (times, talk seconds) are never guarded:
 *   they are never negative and never start with one of those characters, and a spreadsheet should read them
 *   as numbers and dates.
 * - A UTF-8 byte order mark leads the file, or Excel shows "José" as "JosÃ©".
 * - Cause: the one-sentence cause from the call's events (`call-cause.ts`), people as "Alice Wong (`147`)"; empty
 *   when the call has no events (nothing is guessed). Last, so the columns before it keep their places.
 */
import { tzOffset } from '@date-fns/tz';
import { stringify } from 'csv-stringify/sync';
import { callCause, causeSentence } from './call-cause.js';
import type { CallEvent } from './call-events.js';
import { type CallRecord, talkSeconds } from './records.js';
import { isValidTimeZone } from './time-range.js';
import { personText, type UserNames } from './user-names.js';

export const CSV_HEADER = [
  'Start',
  'End',
  'Talk seconds',
  'Result',
  'Call type',
  'Media',
  'Caller',
  'Callees',
  'Caller name',
  'Callee names',
  'CallId',
  'RoomId',
  'Cause',
] as const;

/** Events of the calls being written, by CallId (a call absent has none). */
export type EventsByCall = ReadonlyMap<string, readonly CallEvent[]>;
const NO_EVENTS: EventsByCall = new Map();

const FORMULA_START = /^[=+\-@\t\r]/;
const LIST_SEPARATOR = '; ';

/** Text from outside, made safe to open in a spreadsheet: a leading formula character is defused. */
export function guardCell(value: string): string {
  return FORMULA_START.test(value) ? `'${value}` : value;
}

/** `+08:00`, `-03:30`, or `Z` for UTC itself. */
function offsetText(minutes: number): string {
  if (minutes === 0) return 'Z';
  const abs = Math.abs(minutes);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${minutes < 0 ? '-' : '+'}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

const BUCKET_SECONDS = 900;

/**
 * Formats instants as ISO 8601 with the zone's offset at each instant, to the second. Asking the zone's offset
 * costs microseconds, a file asks 100,000 times, and offsets only change at a daylight-saving switch: so the
 * offset is asked once per quarter of an hour (the grain of every switch in use), and exactly for the instant in
 * a quarter that holds a switch.
 */
export function isoFormatter(timeZone: string): (unixSeconds: number) => string {
  const zone = isValidTimeZone(timeZone) ? timeZone : 'UTC';
  const byBucket = new Map<number, number>();
  return (unixSeconds) => {
    const bucket = Math.floor(unixSeconds / BUCKET_SECONDS);
    let minutes = byBucket.get(bucket);
    if (minutes === undefined) {
      const start = tzOffset(zone, new Date(bucket * BUCKET_SECONDS * 1000));
      const end = tzOffset(zone, new Date(((bucket + 1) * BUCKET_SECONDS - 1) * 1000));
      minutes = start === end ? start : Number.NaN;
      byBucket.set(bucket, minutes);
    }
    if (Number.isNaN(minutes)) minutes = tzOffset(zone, new Date(unixSeconds * 1000));
    const local = new Date((unixSeconds + minutes * 60) * 1000).toISOString().slice(0, 19);
    return `${local}${offsetText(minutes)}`;
  };
}

/** One instant as ISO 8601 in the zone (see `isoFormatter`, which a whole file shares). */
export function isoInZone(unixSeconds: number, timeZone: string): string {
  return isoFormatter(timeZone)(unixSeconds);
}

/** The callees' names in callee order (an unnamed one leaves its place empty); empty when none has a name. */
function calleeNames(callees: readonly string[], names: UserNames): string {
  const listed = callees.map((id) => names.get(id) ?? '');
  return listed.some((name) => name !== '') ? listed.join(LIST_SEPARATOR) : '';
}

/** One call as the cells of a row, in `CSV_HEADER` order. */
export function csvRow(
  record: CallRecord,
  iso: (unixSeconds: number) => string,
  names: UserNames,
  events: EventsByCall = NO_EVENTS,
): string[] {
  const cause = callCause(record, events.get(record.callId) ?? []);
  return [
    iso(record.startTime),
    iso(record.endTime),
    String(talkSeconds(record)),
    guardCell(record.result),
    guardCell(record.callType),
    guardCell(record.mediaType),
    guardCell(record.caller),
    guardCell(record.callees.join(LIST_SEPARATOR)),
    guardCell(names.get(record.caller) ?? ''),
    guardCell(calleeNames(record.callees, names)),
    guardCell(record.callId),
    guardCell(record.roomId),
    cause === null ? '' : guardCell(causeSentence(cause, (id) => personText(id, names))),
  ];
}

/** Writes a file piece by piece, so a long export never holds every row at once: the header, then rows. */
export interface CsvWriter {
  /** The byte order mark and the header row. */
  header(): string;
  /** CRLF-terminated rows for these calls, in the order given. */
  rows(records: readonly CallRecord[], names: UserNames, events?: EventsByCall): string;
}

export function csvWriter(timeZone: string): CsvWriter {
  const iso = isoFormatter(timeZone);
  return {
    header: () => stringify([[...CSV_HEADER]], { bom: true, record_delimiter: 'windows' }),
    rows: (records, names, events) =>
      records.length === 0
        ? ''
        : stringify(
            records.map((record) => csvRow(record, iso, names, events)),
            { record_delimiter: 'windows' },
          ),
  };
}

/** The whole file: BOM, header and one CRLF-terminated row per call, in the order given. */
export function writeCallsCsv(
  records: readonly CallRecord[],
  options: { timeZone: string; names: UserNames; events?: EventsByCall },
): string {
  const writer = csvWriter(options.timeZone);
  return writer.header() + writer.rows(records, options.names, options.events);
}
