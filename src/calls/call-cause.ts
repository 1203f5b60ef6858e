/**
 * The cause of an ended call, from its result and its members' last actions: a pure rule, the table in
 * docs/call-timelines.md ("Causes"). Every surface words a cause through `causeSentence` / `causeShort`, with its
 * own way of writing a person (mrkdwn in Slack, plain text in the CSV and the CLI).
 */
import { type CallAction, type CallEvent, callStartMs, sortEvents, WHOLE_CALL } from './call-events.js';
import { formatDuration } from './describe-query.js';
import type { CallRecord } from './records.js';

/** Which side of the call the cause lies with. */
export type CauseSide = 'caller' | 'callee' | 'unknown';

export type CauseKind = 'offline' | 'left' | 'rejected' | 'busy' | 'not-answered' | 'cancelled' | 'hung-up' | 'unclear';

export interface CallCause {
  kind: CauseKind;
  side: CauseSide;
  /** The member the cause names (who went offline, rejected, hung up…); null when the events name no one. */
  actor: string | null;
  /** Members still connected when the actor went offline or left (only for `offline` and `left`). */
  stillConnected: string[];
  /** Whole seconds into the call (for a dropped call), or of ringing (rejected, not answered, cancelled). */
  seconds: number;
  /** The call's result, for `unclear`. */
  result: string;
}

/** The actions after which a member is no longer in the call. */
const LEAVING: ReadonlySet<CallAction> = new Set([
  'rejected',
  'not-answered',
  'invite-cancelled',
  'hung-up',
  'offline',
]);

type CauseRecord = Pick<CallRecord, 'caller' | 'callees' | 'result' | 'startTime' | 'endTime' | 'acceptTime'>;

/**
 * The cause of an ended call; null when the call has no member events (callbacks not configured, or the call
 * predates them): then nothing is guessed.
 */
export function callCause(record: CauseRecord, events: readonly CallEvent[]): CallCause | null {
  const sorted = sortEvents(events).filter((event) => event.userId !== WHOLE_CALL);
  if (sorted.length === 0) return null;
  const startMs = callStartMs(record, sorted);
  const last = new Map<string, CallEvent>();
  for (const event of sorted) last.set(event.userId, event);
  const sideOf = (userId: string): CauseSide =>
    userId === record.caller ? 'caller' : record.callees.includes(userId) ? 'callee' : 'unknown';
  const first = (action: CallAction) => sorted.find((event) => event.action === action);
  const untilEnd = Math.max(0, record.endTime - Math.round(startMs / 1000));
  const secondsAt = (event: CallEvent) => Math.max(0, Math.round((event.atMs - startMs) / 1000));
  const make = (kind: CauseKind, actor: string | undefined, seconds: number, stillConnected: string[] = []) => ({
    kind,
    side: actor === undefined ? ('unknown' as const) : sideOf(actor),
    actor: actor ?? null,
    stillConnected,
    seconds,
    result: record.result,
  });
  /** Members who had joined and whose last action is not a leaving one, other than `actor`. */
  const connectedBesides = (actor: string) =>
    [...last.values()]
      .filter((event) => event.userId !== actor && !LEAVING.has(event.action))
      .filter((event) =>
        sorted.some((e) => e.userId === event.userId && ['calling', 'accepted', 'joined'].includes(e.action)),
      )
      .map((event) => event.userId);

  switch (record.result) {
    case 'Interrupt':
    case 'Offline': {
      const offline = first('offline');
      if (offline !== undefined)
        return make('offline', offline.userId, secondsAt(offline), connectedBesides(offline.userId));
      const left = first('hung-up');
      if (left !== undefined) return make('left', left.userId, secondsAt(left), connectedBesides(left.userId));
      return make('unclear', undefined, untilEnd);
    }
    case 'Reject': {
      const rejected = first('rejected');
      if (rejected !== undefined) return make('rejected', rejected.userId, secondsAt(rejected));
      break;
    }
    case 'CallBusy': {
      const busy = first('rejected') ?? first('not-answered');
      if (busy !== undefined) return make('busy', busy.userId, secondsAt(busy));
      break;
    }
    case 'NotAnswer': {
      const missed = first('not-answered');
      if (missed !== undefined) return make('not-answered', missed.userId, secondsAt(missed));
      break;
    }
    case 'Cancel': {
      // Only the caller can cancel a call that never connected.
      const cancel = sorted.find((event) => event.userId === record.caller && LEAVING.has(event.action));
      return make('cancelled', record.caller, cancel === undefined ? untilEnd : secondsAt(cancel));
    }
    case 'NormalEnd': {
      const hungUp = first('hung-up');
      if (hungUp !== undefined) return make('hung-up', hungUp.userId, secondsAt(hungUp));
      break;
    }
  }
  return make('unclear', undefined, 0);
}

/** How a person is written on the surface at hand ("Alice Wong (`147`)" escaped in Slack, plain in a CSV). */
export type PersonWriter = (userId: string) => string;

function people(ids: readonly string[], person: PersonWriter): string {
  const named = ids.slice(0, 3).map(person);
  const more = ids.length > 3 ? [`${ids.length - 3} others`] : [];
  const all = [...named, ...more];
  return all.length <= 1 ? all.join('') : `${all.slice(0, -1).join(', ')} and ${all[all.length - 1]}`;
}

/**
 * The cause in one sentence: "Interrupted 2m 07s in: Bob Li (`369`)'s app stopped responding (heartbeat lost)
 * while Alice Wong (`147`) was still connected", "Rejected by Bob Li (`369`) after 6s of ringing", "Alice Wong
 * (`147`) hung up".
 */
export function causeSentence(cause: CallCause, person: PersonWriter): string {
  const actor = cause.actor === null ? 'someone' : person(cause.actor);
  const still =
    cause.stillConnected.length === 0
      ? ''
      : ` while ${people(cause.stillConnected, person)} ${cause.stillConnected.length === 1 ? 'was' : 'were'} still connected`;
  const dur = formatDuration(cause.seconds);
  switch (cause.kind) {
    case 'offline':
      return `Interrupted ${dur} in: ${actor}'s app stopped responding (heartbeat lost)${still}`;
    case 'left':
      return `Interrupted ${dur} in: ${actor} left the call${still}`;
    case 'rejected':
      return `Rejected by ${actor} after ${dur} of ringing`;
    case 'busy':
      return `${actor} was busy in another call`;
    case 'not-answered':
      return `Not answered by ${actor} after ${dur} of ringing`;
    case 'cancelled':
      return `${actor} cancelled after ${dur} of ringing`;
    case 'hung-up':
      return `${actor} hung up`;
    case 'unclear':
      return cause.result === 'Interrupt' || cause.result === 'Offline'
        ? `Interrupted ${dur} in; the events do not say whose side dropped`
        : 'The events do not say who ended the call';
  }
}

const SIDE_WORD: Readonly<Record<CauseSide, string>> = { caller: 'caller', callee: 'callee', unknown: 'member' };

/** The cause shortened for a result line, a CSV cell or a table: "callee offline (heartbeat lost)". */
export function causeShort(cause: CallCause, person: PersonWriter): string {
  const actor = cause.actor === null ? '' : person(cause.actor);
  const side = SIDE_WORD[cause.side];
  switch (cause.kind) {
    case 'offline':
      return `${side} ${actor} went offline (heartbeat lost)`;
    case 'left':
      return `${side} ${actor} left`;
    case 'rejected':
      return `rejected by ${actor}`;
    case 'busy':
      return `${actor} busy`;
    case 'not-answered':
      return `not answered by ${actor}`;
    case 'cancelled':
      return `cancelled by ${actor}`;
    case 'hung-up':
      return `${actor} hung up`;
    case 'unclear':
      return 'events name no side';
  }
}

export const NO_EVENTS_GROUP = 'no events';

/** A cause group for breakdowns of dropped calls: "the callee's app went offline". */
export function causeGroup(cause: CallCause | null): string {
  if (cause === null) return NO_EVENTS_GROUP;
  switch (cause.kind) {
    case 'offline':
      return cause.side === 'unknown' ? "a member's app went offline" : `the ${cause.side}'s app went offline`;
    case 'left':
      return cause.side === 'unknown' ? 'a member left' : `the ${cause.side} left`;
    default:
      return 'the events name no side';
  }
}

/**
 * What to say, once per answer, when calls have no events (callbacks not configured, or the calls predate them):
 * the cause is not guessed.
 */
export function noEventsNotice(scope: 'call' | 'calls'): string {
  const which = scope === 'call' ? 'This call has' : 'Some calls here have';
  return `${which} no call events, so no timeline or cause: Tencent's call callbacks were not on for ${scope === 'call' ? 'it' : 'them'}. Run \`npm run callback -- set <public URL>\` to turn them on.`;
}

/** True when some of these ended calls have no member events (so their cause is not known). */
export function someLackEvents(
  records: readonly Pick<CallRecord, 'callId'>[],
  events: ReadonlyMap<string, readonly CallEvent[]>,
): boolean {
  return records.some((record) => !(events.get(record.callId) ?? []).some((event) => event.userId !== WHOLE_CALL));
}
