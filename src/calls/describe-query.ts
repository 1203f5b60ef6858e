import type { PinnedQuery } from './query.js';
import type { CallRecord, CallResult, CallType, MediaType } from './records.js';
import { CALL_TYPES, KNOWN_CALL_RESULTS, MEDIA_TYPES } from './records.js';
import { formatRange } from './time-range.js';
import { personText, type UserNames } from './user-names.js';

/**
 * Plain sentences about queries and calls, shared by Slack views, the Home tab and the CLI.
 * No Slack markup: only backticks around user IDs, which read well in Slack and in a terminal.
 */

/** What happened to a call, as a past-tense phrase ("the call … interrupted"). */
export const RESULT_LABELS: Readonly<Record<CallResult, string>> = {
  NormalEnd: 'ended normally',
  Cancel: 'cancelled',
  Reject: 'rejected',
  NotAnswer: 'not answered',
  CallBusy: 'busy',
  Interrupt: 'interrupted',
  Offline: 'went offline',
};

/** A result as an adjective before "calls" ("interrupted or offline video calls"). */
export const RESULT_ADJECTIVES: Readonly<Record<CallResult, string>> = {
  NormalEnd: 'normally ended',
  Cancel: 'cancelled',
  Reject: 'rejected',
  NotAnswer: 'unanswered',
  CallBusy: 'busy',
  Interrupt: 'interrupted',
  Offline: 'offline',
};

export const CALL_TYPE_LABELS: Readonly<Record<CallType, string>> = { SingleCall: '1:1', MultiCall: 'group' };
export const MEDIA_TYPE_LABELS: Readonly<Record<MediaType, string>> = { Audio: 'audio', Video: 'video' };

const MAX_USERS_LISTED = 10;

function isKnown<T extends string>(list: readonly T[], value: string): value is T {
  return (list as readonly string[]).includes(value);
}

/** The label of a result; an unknown result (Tencent may add some) is shown as it came. */
export function resultLabel(result: string): string {
  return isKnown(KNOWN_CALL_RESULTS, result) ? RESULT_LABELS[result] : result;
}

/** "2m 05s", "1h 02m", "45s"; negative or non-finite input reads "0s". */
export function formatDuration(seconds: number): string {
  const total = Number.isFinite(seconds) && seconds > 0 ? Math.round(seconds) : 0;
  if (total < 60) return `${total}s`;
  const pad = (n: number) => String(n).padStart(2, '0');
  if (total < 3600) return `${Math.floor(total / 60)}m ${pad(total % 60)}s`;
  return `${Math.floor(total / 3600)}h ${pad(Math.floor((total % 3600) / 60))}m`;
}

/**
 * The end of a call as a verb phrase that completes "Video call from `147` to `369` …":
 * "interrupted after 2m 10s", "cancelled after ringing 12s", "not answered (rang 30s)".
 * Without timings, the bare phrase ("interrupted").
 */
export function resultVerb(result: string, timing?: Pick<CallRecord, 'startTime' | 'endTime' | 'acceptTime'>): string {
  if (timing === undefined) {
    if (result === 'CallBusy') return 'rejected: line busy';
    return isKnown(KNOWN_CALL_RESULTS, result) ? RESULT_LABELS[result] : `ended with result "${result}"`;
  }
  const connected = timing.acceptTime !== null;
  const talk = formatDuration(connected ? timing.endTime - (timing.acceptTime ?? timing.endTime) : 0);
  const ring = formatDuration((timing.acceptTime ?? timing.endTime) - timing.startTime);
  switch (result) {
    case 'NormalEnd':
      return connected ? `ended normally after ${talk}` : 'ended normally';
    case 'Cancel':
      return `cancelled after ringing ${ring}`;
    case 'Reject':
      return `rejected after ringing ${ring}`;
    case 'NotAnswer':
      return `not answered (rang ${ring})`;
    case 'CallBusy':
      return 'rejected: line busy';
    case 'Interrupt':
      return connected ? `interrupted after ${talk}` : `interrupted before connecting (rang ${ring})`;
    case 'Offline':
      return connected ? `went offline after ${talk}` : `went offline before connecting (rang ${ring})`;
    default:
      return connected ? `ended with result "${result}" after ${talk}` : `ended with result "${result}"`;
  }
}

/** "a", "a or b", "a, b or c". */
function joinOr(items: string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} or ${items[items.length - 1]}`;
}

/**
 * The users of a query as "`147`", "`147` or `369`", "`1`, `2`, … or 5 more"; with `names`, "Alice Wong (`147`)".
 */
export function describeUsers(users: readonly string[], names?: UserNames): string {
  const quoted = users.map((u) => personText(u, names));
  if (quoted.length <= MAX_USERS_LISTED) return joinOr(quoted);
  return `${quoted.slice(0, MAX_USERS_LISTED).join(', ')} or ${quoted.length - MAX_USERS_LISTED} more`;
}

/** The filters of a query without its range: "interrupted or offline video calls of `147`", "all calls". */
export function describeFilters(
  query: Pick<PinnedQuery, 'users' | 'results' | 'callTypes' | 'mediaTypes'>,
  names?: UserNames,
): string {
  const words: string[] = [];
  const results = KNOWN_CALL_RESULTS.filter((r) => query.results.includes(r));
  if (results.length > 0 && results.length < KNOWN_CALL_RESULTS.length) {
    words.push(joinOr(results.map((r) => RESULT_ADJECTIVES[r])));
  }
  const types = CALL_TYPES.filter((t) => query.callTypes.includes(t));
  if (types.length === 1) words.push(CALL_TYPE_LABELS[types[0]]);
  const media = MEDIA_TYPES.filter((m) => query.mediaTypes.includes(m));
  if (media.length === 1) words.push(MEDIA_TYPE_LABELS[media[0]]);
  const subject = words.length === 0 ? 'all calls' : `${words.join(' ')} calls`;
  return query.users.length > 0 ? `${subject} of ${describeUsers(query.users, names)}` : subject;
}

/** A pinned range in its zone: "Nov 20, 09:00 – 17:00 (Asia/Shanghai)". */
export function describeRange(query: Pick<PinnedQuery, 'from' | 'to' | 'timeZone'>): string {
  return `${formatRange(query.from, query.to, query.timeZone)} (${query.timeZone})`;
}

/**
 * What the bot understood, for the reader to check:
 * "interrupted or offline video calls of `147`, Nov 20, 00:00 – 24:00 (Asia/Shanghai)".
 */
export function describeQuery(query: PinnedQuery, names?: UserNames): string {
  return `${describeFilters(query, names)}, ${describeRange(query)}`;
}
