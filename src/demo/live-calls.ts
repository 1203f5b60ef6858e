/**
 * The demo server plays real calls: in demo mode it sends the app Tencent's three call callbacks (start, member
 * changes, end) for calls it generates as they happen, a few a minute, some dropping on one side, some rejected, so
 * `/calls live`, timelines and causes work with no set-up. Each call's end also becomes a record the demo API lists,
 * so the sync finds the same call the callbacks described. Seeded PRNG and an injected clock and timer: tests
 * never wait on the wall clock.
 */
import type { WireCallRecord } from '../calls/records.js';
import { USER_POOL } from './dataset.js';
import { intBetween, mulberry32, pick, type Rng, uuidFrom, weightedPicker } from './prng.js';

export const START_CALL = 'Call.CallbackAfterStartCall';
export const MEMBER_CHANGED = 'Call.CallbackAfterMemberChanged';
export const END_CALL = 'Call.CallbackAfterEndCall';

export type PlayedOutcome = 'normal' | 'callee-offline' | 'caller-offline' | 'rejected' | 'not-answered' | 'cancelled';
const OUTCOMES: readonly PlayedOutcome[] = [
  'normal',
  'callee-offline',
  'caller-offline',
  'rejected',
  'not-answered',
  'cancelled',
];
const pickOutcome = weightedPicker([50, 14, 8, 12, 10, 6]);

/** One callback of a played call: when (ms from the call's start) and what. */
export interface PlayedCallback {
  afterMs: number;
  command: string;
  body: Record<string, unknown>;
}

export interface PlayedCall {
  outcome: PlayedOutcome;
  record: WireCallRecord;
  callbacks: PlayedCallback[];
}

/** Tencent ends a call this long after a member's heartbeat expired or someone hung up. */
const END_LAG_MS = 400;
/** How long a call rings before Tencent gives up. */
const RING_TIMEOUT_MS = 30_000;

/** A call that starts at `startMs`, its callbacks in the order Tencent sends them, and the record of its end. */
export function playCall(rng: Rng, startMs: number): PlayedCall {
  const outcome = OUTCOMES[pickOutcome(rng)] as PlayedOutcome;
  const caller = pick(rng, USER_POOL);
  let callee = pick(rng, USER_POOL);
  while (callee === caller) callee = pick(rng, USER_POOL);
  const callId = uuidFrom(rng);
  const media = rng() < 0.6 ? 'Video' : 'Audio';
  const ringMs = intBetween(rng, 2, 18) * 1000 + intBetween(rng, 0, 999);
  const talkMs = intBetween(rng, 20, 240) * 1000;
  const changed = (afterMs: number, user: string, action: string): PlayedCallback => ({
    afterMs,
    command: MEMBER_CHANGED,
    body: {
      CallId: callId,
      UserList: [{ User_Account: user, Status: action }],
      ChangedUserList: [{ User_Account: user, ActionType: action }],
      EventTime: startMs + afterMs,
    },
  });
  const steps: PlayedCallback[] = [
    {
      afterMs: 0,
      command: START_CALL,
      body: {
        CallInfo: {
          CallId: callId,
          MediaType: media,
          ChatGroupId: '',
          RoomId: `demo-${callId.slice(0, 8)}`,
          RoomIdType: 2,
        },
        UserList: [
          { User_Account: caller, Status: 'Calling' },
          { User_Account: callee, Status: 'Waiting' },
        ],
        EventTime: startMs,
      },
    },
  ];
  let acceptMs: number | null = null;
  let endMs: number;
  let result: string;
  switch (outcome) {
    case 'normal':
    case 'callee-offline':
    case 'caller-offline': {
      acceptMs = ringMs;
      steps.push(changed(ringMs, callee, 'Accept'));
      const leaveMs = ringMs + talkMs;
      if (outcome === 'normal') {
        steps.push(changed(leaveMs, rng() < 0.5 ? caller : callee, 'Hangup'));
        result = 'NormalEnd';
      } else {
        steps.push(changed(leaveMs, outcome === 'callee-offline' ? callee : caller, 'Offline'));
        result = 'Interrupt';
      }
      endMs = leaveMs + END_LAG_MS;
      break;
    }
    case 'rejected':
      steps.push(changed(ringMs, callee, 'Reject'));
      endMs = ringMs + END_LAG_MS;
      result = 'Reject';
      break;
    case 'not-answered':
      steps.push(changed(RING_TIMEOUT_MS, callee, 'NotAnswer'));
      endMs = RING_TIMEOUT_MS + END_LAG_MS;
      result = 'NotAnswer';
      break;
    case 'cancelled':
      steps.push(changed(ringMs, caller, 'Hangup'));
      endMs = ringMs + END_LAG_MS;
      result = 'Cancel';
      break;
  }
  const record: WireCallRecord = {
    CallId: callId,
    Caller_Account: caller,
    MediaType: media,
    CallType: 'SingleCall',
    StartTime: Math.floor(startMs / 1000),
    EndTime: Math.floor((startMs + endMs) / 1000),
    AcceptTime: acceptMs === null ? 0 : Math.floor((startMs + acceptMs) / 1000),
    CallResult: result,
    CalleeList_Account: [caller, callee],
    RoomId: `demo-${callId.slice(0, 8)}`,
    RoomIdType: 2,
  };
  steps.push({ afterMs: endMs, command: END_CALL, body: { CallRecord: record, EventTime: startMs + endMs } });
  return { outcome, record, callbacks: steps };
}

/** A timer the player uses: runs `task` after `ms`; returns how to cancel it. */
export type Schedule = (task: () => void, ms: number) => () => void;

export interface LivePlayerOptions {
  seed?: number;
  /** Unix milliseconds. */
  nowMs?: () => number;
  schedule?: Schedule;
  /** Delivers one callback (the demo server POSTs it to the app's callback URL). */
  send(command: string, body: Record<string, unknown>): Promise<void>;
  /** Told each call's record as the call ends (the demo API then lists it). */
  onRecord?(record: WireCallRecord): void;
  /** Seconds between two call starts, at least and at most. Default 10–30 (about three a minute). */
  gapSeconds?: [number, number];
}

export interface LivePlayer {
  /** Calls started so far. */
  readonly started: number;
  stop(): void;
}

const realSchedule: Schedule = (task, ms) => {
  const timer = setTimeout(task, ms);
  timer.unref();
  return () => clearTimeout(timer);
};

export function startLivePlayer(options: LivePlayerOptions): LivePlayer {
  const rng = mulberry32(options.seed ?? 7);
  const nowMs = options.nowMs ?? (() => Date.now());
  const schedule = options.schedule ?? realSchedule;
  const [minGap, maxGap] = options.gapSeconds ?? [10, 30];
  const cancels = new Set<() => void>();
  let stopped = false;
  let started = 0;

  const later = (task: () => void, ms: number) => {
    const cancel = schedule(() => {
      cancels.delete(cancel);
      if (!stopped) task();
    }, ms);
    cancels.add(cancel);
  };

  const startOne = () => {
    const call = playCall(rng, nowMs());
    started++;
    for (const step of call.callbacks) {
      later(() => {
        if (step.command === END_CALL) options.onRecord?.(call.record);
        // A lost callback is what the sync repairs; the demo goes on.
        options.send(step.command, step.body).catch(() => {});
      }, step.afterMs);
    }
    later(startOne, intBetween(rng, minGap, maxGap) * 1000);
  };
  later(startOne, 1_000);

  return {
    get started() {
      return started;
    },
    stop() {
      stopped = true;
      for (const cancel of cancels) cancel();
      cancels.clear();
    },
  };
}

/** POSTs a callback as Tencent does: the query Tencent adds, a JSON body. */
export function postCallback(callbackUrl: string, sdkAppId: number): LivePlayerOptions['send'] {
  return async (command, body) => {
    const query = new URLSearchParams({ SdkAppid: String(sdkAppId), CallbackCommand: command, contenttype: 'json' });
    const response = await fetch(`${callbackUrl}?${query}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ CallbackCommand: command, ...body }),
      signal: AbortSignal.timeout(5_000),
    });
    await response.arrayBuffer();
  };
}
