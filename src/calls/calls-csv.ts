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
 */
import { TZDate } from '@date-fns/tz';
import { stringify } from 'csv-stringify/sync';
import { format } from 'date-fns';
import { type CallRecord, talkSeconds } from './records.js';
import type { UserNames } from './user-names.js';

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
] as const;

const FORMULA_START = /^[=+\-@\t\r]/;
const LIST_SEPARATOR = '; ';

/** Text from outside, made safe to open in a spreadsheet: a leading formula character is defused. */
export function guardCell(value: string): string {
  return FORMULA_START.test(value) ? `'${value}` : value;
}

/** An instant as ISO 8601 with the zone's offset at that instant, to the second. */
export function isoInZone(unixSeconds: number, timeZone: string): string {
  return format(new TZDate(unixSeconds * 1000, timeZone), "yyyy-MM-dd'T'HH:mm:ssXXX");
}

/** The callees' names in callee order (an unnamed one leaves its place empty); empty when none has a name. */
function calleeNames(callees: readonly string[], names: UserNames): string {
  const listed = callees.map((id) => names.get(id) ?? '');
  return listed.some((name) => name !== '') ? listed.join(LIST_SEPARATOR) : '';
}

/** One call as the cells of a row, in `CSV_HEADER` order. */
export function csvRow(record: CallRecord, timeZone: string, names: UserNames): string[] {
  return [
    isoInZone(record.startTime, timeZone),
    isoInZone(record.endTime, timeZone),
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
  ];
}

/** The whole file: BOM, header and one CRLF-terminated row per call, in the order given. */
export function writeCallsCsv(records: readonly CallRecord[], options: { timeZone: string; names: UserNames }): string {
  const rows = records.map((record) => csvRow(record, options.timeZone, options.names));
  return stringify([[...CSV_HEADER], ...rows], { bom: true, record_delimiter: 'windows' });
}
