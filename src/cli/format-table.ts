import { TZDate } from '@date-fns/tz';
import { format } from 'date-fns';
import { callCause, causeSentence, causeShort, noEventsNotice } from '../calls/call-cause.js';
import { buildTimeline, type CallAction, type CallEvent } from '../calls/call-events.js';
import { CALL_TYPE_LABELS, describeQuery, formatDuration, resultLabel, resultVerb } from '../calls/describe-query.js';
import { QUERY_EXAMPLES, QUERY_SYNTAX } from '../calls/query-aliases.js';
import { type CallRecord, type CallType, ringSeconds, talkSeconds } from '../calls/records.js';
import type { SearchPage } from '../calls/search-page.js';
import type { UserNames } from '../calls/user-names.js';

/** Callees listed in a table row before "+N more". */
const MAX_CALLEES_SHOWN = 3;
/** A cell longer than this is cut with "…" (the CallId column is never cut: it must stay copyable). */
const MAX_CELL = 48;

/** A Unix time as `2026-11-20 14:05:09` in the zone. */
export function formatLocalTime(unixSeconds: number, timeZone: string): string {
  return format(new TZDate(unixSeconds * 1000, timeZone), 'yyyy-MM-dd HH:mm:ss');
}

function media(record: CallRecord): string {
  return record.mediaType === 'Audio' ? 'audio' : record.mediaType === 'Video' ? 'video' : record.mediaType;
}

function callType(record: CallRecord): string {
  return record.callType in CALL_TYPE_LABELS ? CALL_TYPE_LABELS[record.callType as CallType] : record.callType;
}

function cut(text: string, max = MAX_CELL): string {
  const chars = Array.from(text);
  return chars.length > max ? `${chars.slice(0, max - 1).join('')}…` : text;
}

/** A user in the terminal: `Alice Wong (147)`, or `147` without a known name. */
export function personPlain(userId: string, names?: UserNames): string {
  const name = names?.get(userId);
  return name === undefined ? userId : `${name} (${userId})`;
}

/** `147 → 369, 3423, 10001 +4 more`, with names where known: `Alice Wong (147) → 369`. */
export function formatParticipants(record: CallRecord, maxCallees = MAX_CALLEES_SHOWN, names?: UserNames): string {
  const shown = record.callees.slice(0, maxCallees);
  const more = record.callees.length - shown.length;
  const callees = shown.length === 0 ? '(nobody)' : shown.map((id) => personPlain(id, names)).join(', ');
  return `${personPlain(record.caller, names)} → ${callees}${more > 0 ? ` +${more} more` : ''}`;
}

/** Control characters from upstream data must not move the terminal's cursor. */
function clean(text: string): string {
  return text.replace(/[\p{Cc}\p{Cf}]/gu, '?');
}

function alignColumns(rows: string[][]): string[] {
  const widths: number[] = [];
  for (const row of rows) {
    row.forEach((cell, i) => {
      widths[i] = Math.max(widths[i] ?? 0, Array.from(cell).length);
    });
  }
  return rows.map((row) =>
    row
      .map((cell, i) => (i === row.length - 1 ? cell : cell + ' '.repeat((widths[i] ?? 0) - Array.from(cell).length)))
      .join('  ')
      .trimEnd(),
  );
}

/**
 * One page of a search as a plain-text table, then "page X of Y, N calls", the query in words and the notices.
 * Times are shown in `timeZone`.
 */
export function formatCallTable(
  page: SearchPage,
  timeZone: string,
  names?: UserNames,
  events?: ReadonlyMap<string, readonly CallEvent[]>,
): string {
  const lines: string[] = [];
  const person = (id: string) => personPlain(id, names);
  const causeOf = (record: CallRecord) => {
    const cause = events === undefined ? null : callCause(record, events.get(record.callId) ?? []);
    return cause === null ? '-' : cut(clean(causeShort(cause, person)), 2 * MAX_CELL);
  };
  if (page.records.length > 0) {
    const header = [`Start (${timeZone})`, 'Result', 'Media', 'Type', 'Caller → callees', 'Talk'];
    if (events !== undefined) header.push('Cause');
    header.push('CallId');
    const rows = page.records.map((record) => [
      formatLocalTime(record.startTime, timeZone),
      cut(clean(resultLabel(record.result)), 20),
      cut(clean(media(record)), 12),
      cut(clean(callType(record)), 12),
      cut(clean(formatParticipants(record, MAX_CALLEES_SHOWN, names)), names === undefined ? MAX_CELL : 2 * MAX_CELL),
      record.acceptTime === null ? '-' : formatDuration(talkSeconds(record)),
      ...(events === undefined ? [] : [causeOf(record)]),
      clean(record.callId),
    ]);
    lines.push(...alignColumns([header, ...rows]), '');
  } else {
    lines.push('No calls match.', '');
  }
  const calls = `${page.total} call${page.total === 1 ? '' : 's'}`;
  lines.push(`page ${page.page} of ${page.pageCount}, ${calls}: ${clean(describeQuery(page.query, names))}`);
  for (const notice of page.notices) lines.push(`note: ${notice}`);
  if (page.page < page.pageCount) lines.push(`next: add --page ${page.page + 1}`);
  return lines.join('\n');
}

/** One call with every detail, for `id:<CallId>`; with `events`, its cause and timeline too. */
export function formatCallDetail(
  record: CallRecord,
  timeZone: string,
  names?: UserNames,
  events?: readonly CallEvent[],
): string {
  const time = (t: number | null) => (t === null ? 'never connected' : `${formatLocalTime(t, timeZone)} (${timeZone})`);
  const roomType = record.roomIdType === 1 ? 'numeric' : record.roomIdType === 2 ? 'string' : 'unknown type';
  const rows: [string, string][] = [
    ['CallId', record.callId],
    [
      'Summary',
      `${media(record)} ${callType(record)} call from ${record.caller}: ${resultVerb(record.result, record)}`,
    ],
    ['Result', record.result],
    ['Media', media(record)],
    ['Type', callType(record)],
    ['Caller', personPlain(record.caller, names)],
    [
      'Callees',
      record.callees.length === 0 ? '(nobody)' : record.callees.map((id) => personPlain(id, names)).join(', '),
    ],
    ['Started', time(record.startTime)],
    ['Connected', time(record.acceptTime)],
    ['Ended', time(record.endTime)],
    ['Ring time', formatDuration(ringSeconds(record))],
    ['Talk time', record.acceptTime === null ? '-' : formatDuration(talkSeconds(record))],
    ['RoomId', `${record.roomId} (${roomType})`],
  ];
  const person = (id: string) => personPlain(id, names);
  const cause = events === undefined ? null : callCause(record, events);
  if (cause !== null) rows.push(['Cause', causeSentence(cause, person)]);
  const width = Math.max(...rows.map(([label]) => label.length));
  const lines = rows.map(([label, value]) => `${label.padEnd(width)}  ${clean(value)}`);
  if (events === undefined) return lines.join('\n');
  if (cause === null) return [...lines, '', `note: ${noEventsNotice('call')}`].join('\n');
  lines.push('', 'Timeline');
  for (const entry of buildTimeline(record, events)) {
    const who = entry.userId === '' ? 'the call' : person(entry.userId);
    const at = `${formatLocalTime(Math.floor(entry.atMs / 1000), timeZone)} (+${formatDuration(entry.offsetMs / 1000)})`;
    lines.push(`  ${at}  ${clean(who)} ${TIMELINE_WORDS[entry.action]}`);
  }
  return lines.join('\n');
}

const TIMELINE_WORDS: Readonly<Record<CallAction, string>> = {
  calling: 'called',
  invited: 'was invited',
  accepted: 'accepted',
  joined: 'joined',
  rejected: 'rejected the call',
  'not-answered': 'did not answer',
  'invite-cancelled': 'was no longer invited',
  'hung-up': 'hung up',
  offline: 'went offline (heartbeat lost)',
  ended: 'ended',
};

/** Usage of `calls`, with the query grammar and examples. */
export function callsUsage(): string {
  const width = Math.max(...QUERY_SYNTAX.map((s) => s.token.length));
  const exampleWidth = Math.max(...QUERY_EXAMPLES.map((e) => e.query.length));
  return [
    'usage: npm run calls -- "<query>" [--page N] [--json] [--csv] [--tz Zone]',
    '',
    '  --page N   page of the results to show (default 1; 10 calls a page, newest first)',
    '  --json     print the result page as JSON',
    '  --csv      print every call of the search (up to 50,000, newest first) as CSV, from the call-record store',
    '  --tz Zone  IANA time zone for dates and times (default DEFAULT_TIMEZONE, else UTC)',
    '',
    'query:',
    ...QUERY_SYNTAX.map((s) => `  ${s.token.padEnd(width)}  ${s.meaning}`),
    '',
    'examples:',
    ...QUERY_EXAMPLES.map((e) => `  ${e.query.padEnd(exampleWidth)}  ${e.meaning}`),
  ].join('\n');
}
