/**
 * Call events: what Tencent's three call callbacks say happened in a call, member by member (who was invited,
 * accepted, rejected, did not answer, hung up, went offline), with times in milliseconds. The store keeps them
 * (`CallEventStore`); the timeline in call details and the cause sentence (`call-cause.ts`) are read from them.
 * docs/call-timelines.md has the design.
 */
import type { CallRecord } from './records.js';

/**
 * One member's step in a call. `calling`: the caller started the call (start callback, status `Calling`);
 * `invited`: a member was rung (start callback `Waiting`, or `Invite` later); `offline`: the member's heartbeat
 * expired (their app stopped answering); `ended`: the end-of-call callback (the call as a whole, no member).
 */
export const CALL_ACTIONS = [
  'calling',
  'invited',
  'accepted',
  'joined',
  'rejected',
  'not-answered',
  'invite-cancelled',
  'hung-up',
  'offline',
  'ended',
] as const;
export type CallAction = (typeof CALL_ACTIONS)[number];

export function isCallAction(value: string): value is CallAction {
  return (CALL_ACTIONS as readonly string[]).includes(value);
}

/** The user ID of the call-level `ended` event (it belongs to no member). */
export const WHOLE_CALL = '';

export interface CallEvent {
  callId: string;
  /** The member; `WHOLE_CALL` for `ended`. */
  userId: string;
  action: CallAction;
  /** Unix milliseconds (Tencent's `EventTime`). */
  atMs: number;
}

/** A call whose start callback arrived and whose end has not (yet). */
export interface StartedCall {
  callId: string;
  /** Unix milliseconds of the start callback. */
  startedAtMs: number;
  /** `Audio`, `Video`, or what Tencent sent. */
  mediaType: string;
}

/** What one callback asks the store to keep, in one transaction. */
export interface CallEventWrite {
  events: readonly CallEvent[];
  /** A start callback: the call is now in progress (unless its end is already known). */
  started?: StartedCall;
  /** An end-of-call callback: the call is no longer in progress. */
  endedCallId?: string;
}

/** A call in progress as the store knows it: its start and every event so far. */
export interface LiveCallRow extends StartedCall {
  events: CallEvent[];
}

/**
 * The store's events side. Writes are idempotent: the same event (call, member, action, time) is kept once, however
 * many times or processes it arrives through. Events for a call the store does not have are kept and show once
 * its record arrives; retention deletes them with the call.
 */
export interface CallEventStore {
  /**
   * Stores several callbacks' events (and their calls' starts and ends) in one transaction; returns how many
   * events of each write were new.
   */
  writeEvents(writes: readonly CallEventWrite[]): Promise<number[]>;
  /** Every event of these calls, each list in time order; calls without events are absent. */
  eventsOf(callIds: readonly string[]): Promise<Map<string, CallEvent[]>>;
  /**
   * Calls started at or after `sinceMs` whose end is not known (no end callback, no record yet), newest first, at
   * most `limit`.
   */
  liveCalls(sinceMs: number, limit: number): Promise<LiveCallRow[]>;
}

/** Read side only, for the surfaces. */
export type CallEventReader = Pick<CallEventStore, 'eventsOf' | 'liveCalls'>;

/**
 * When two events share a millisecond, the order a call goes through them: a member is invited before they
 * answer, and answers before they hang up.
 */
const ACTION_ORDER: Readonly<Record<CallAction, number>> = Object.fromEntries(
  CALL_ACTIONS.map((action, index) => [action, index]),
) as Record<CallAction, number>;

/** Events in time order (ties by the natural order of actions, then by user), duplicates removed. */
export function sortEvents(events: readonly CallEvent[]): CallEvent[] {
  const seen = new Set<string>();
  const unique: CallEvent[] = [];
  for (const event of events) {
    const key = `${event.atMs}\u0000${event.userId}\u0000${event.action}`;
    if (seen.has(key)) continue;
    seen.add(key);
    unique.push(event);
  }
  return unique.sort(
    (a, b) =>
      a.atMs - b.atMs ||
      ACTION_ORDER[a.action] - ACTION_ORDER[b.action] ||
      (a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : 0),
  );
}

/** One line of a timeline: an event and how far into the call it happened. */
export interface TimelineEntry extends CallEvent {
  /** Milliseconds since the call started (never negative). */
  offsetMs: number;
}

/**
 * The timeline of one call: its events in order, each with its offset from the start of the call (the caller's
 * `calling` event, else the record's StartTime, else the first event).
 */
export function buildTimeline(
  record: Pick<CallRecord, 'startTime'> | null,
  events: readonly CallEvent[],
): TimelineEntry[] {
  const sorted = sortEvents(events);
  const start = callStartMs(record, sorted);
  return sorted.map((event) => ({ ...event, offsetMs: Math.max(0, event.atMs - start) }));
}

export function callStartMs(record: Pick<CallRecord, 'startTime'> | null, sorted: readonly CallEvent[]): number {
  const calling = sorted.find((event) => event.action === 'calling');
  if (calling !== undefined) return calling.atMs;
  if (record !== null) return record.startTime * 1000;
  return sorted[0]?.atMs ?? 0;
}

/** The state of a call in progress: ringing until someone accepts or joins, then connected. */
export type LiveState = 'ringing' | 'connected';

export interface LiveMember {
  userId: string;
  /** The member's last action so far. */
  last: CallAction;
}

export interface LiveCall {
  callId: string;
  startedAtMs: number;
  mediaType: string;
  caller: string | null;
  state: LiveState;
  /** Everyone the events name, the caller first, in order of appearance. */
  members: LiveMember[];
}

/** What `/calls live` and the Home tab show of one call in progress. */
export function describeLiveCall(row: LiveCallRow): LiveCall {
  const sorted = sortEvents(row.events);
  const last = new Map<string, CallAction>();
  for (const event of sorted) if (event.userId !== WHOLE_CALL) last.set(event.userId, event.action);
  const caller = sorted.find((event) => event.action === 'calling')?.userId ?? null;
  const members = [...last].map(([userId, action]) => ({ userId, last: action }));
  if (caller !== null) members.sort((a, b) => Number(b.userId === caller) - Number(a.userId === caller));
  const connected = sorted.some((event) => event.action === 'accepted' || event.action === 'joined');
  return {
    callId: row.callId,
    startedAtMs: row.startedAtMs,
    mediaType: row.mediaType,
    caller,
    state: connected ? 'connected' : 'ringing',
    members,
  };
}

/**
 * How long a call may stay "in progress" without its end arriving. Tencent ends a call whose members all stopped
 * answering within minutes; a call still listed after this long lost its end callback (the sync then finds its
 * record, which ends it sooner).
 */
export const LIVE_CALL_LIMIT_MS = 4 * 60 * 60 * 1000;
