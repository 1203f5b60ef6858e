/**
 * `Call.CallbackAfterStartCall` and `Call.CallbackAfterMemberChanged`, checked at the edge and turned into call
 * events. Pure: the route (`callback-route.ts`) stores them. Everything a real call could not send is refused
 * (docs/call-timelines.md, "What a callback may carry"); the reason never echoes the body.
 */
import { z } from 'zod';
import type { CallAction, CallEvent, CallEventWrite } from '../calls/call-events.js';

export const START_CALL_COMMAND = 'Call.CallbackAfterStartCall';
export const MEMBER_CHANGED_COMMAND = 'Call.CallbackAfterMemberChanged';

/** TUICallKit group calls hold at most 9 people; a body naming more members than this is not a real call. */
export const MAX_CALLBACK_MEMBERS = 100;
/** Longest CallId and user ID kept (Tencent's are UUIDs and at most 32-byte accounts). */
const MAX_ID_LENGTH = 256;
/** No call event predates TUICallKit's v4 callbacks: an EventTime before this is not a real one (2020-01-01). */
export const EVENT_TIME_FLOOR_MS = Date.UTC(2020, 0, 1);
/** An EventTime further ahead of our clock than this is refused (clock skew is minutes, not a day). */
export const EVENT_MAX_FUTURE_MS = 86_400_000;

/** Control characters (NUL included) never occur in IDs: such an ID is refused, not cleaned. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const CONTROL = /[\u0000-\u001f\u007f]/;

const id = z
  .union([z.string(), z.number().int().nonnegative().transform(String)])
  .pipe(z.string().trim().min(1).max(MAX_ID_LENGTH))
  .refine((value) => !CONTROL.test(value), 'control characters');

/** EventTime in milliseconds (a number or a string of digits); a value in seconds is converted. */
const eventTime = z
  .union([
    z.number().int().nonnegative(),
    z
      .string()
      .regex(/^\d{1,16}$/)
      .transform(Number),
  ])
  .transform((n) => (n < 1e11 ? n * 1000 : n));

const shortText = z.string().max(64);

const startSchema = z.object({
  CallInfo: z.object({
    CallId: id,
    MediaType: z.union([shortText, z.number().int()]).optional(),
    CallMediaType: z.union([shortText, z.number().int()]).optional(),
  }),
  UserList: z.array(z.object({ User_Account: id, Status: shortText.optional() })).max(MAX_CALLBACK_MEMBERS),
  EventTime: eventTime,
});

const memberChangedSchema = z.object({
  CallId: id,
  UserList: z
    .array(z.object({ User_Account: id, Status: shortText.optional() }))
    .max(MAX_CALLBACK_MEMBERS)
    .optional(),
  ChangedUserList: z.array(z.object({ User_Account: id, ActionType: shortText })).max(MAX_CALLBACK_MEMBERS),
  EventTime: eventTime,
});

/** Every spelling Tencent's docs show, compared without case, spaces and underscores. */
const ACTION_BY_KEY: ReadonlyMap<string, CallAction> = new Map([
  ['accept', 'accepted'],
  ['answer', 'accepted'],
  ['reject', 'rejected'],
  ['notanswer', 'not-answered'],
  ['hangup', 'hung-up'],
  ['join', 'joined'],
  ['offline', 'offline'],
  ['invite', 'invited'],
  ['invited', 'invited'],
  ['cancelinvite', 'invite-cancelled'],
  ['canncelinvite', 'invite-cancelled'],
]);

/** The action an `ActionType` names, or undefined for one no doc shows. */
export function actionOf(actionType: string): CallAction | undefined {
  return ACTION_BY_KEY.get(actionType.toLowerCase().replace(/[\s_-]/g, ''));
}

const MEDIA_BY_KEY: ReadonlyMap<string, string> = new Map([
  ['audio', 'Audio'],
  ['video', 'Video'],
  ['1', 'Audio'],
  ['2', 'Video'],
]);

export type EventBodyResult =
  | { ok: true; write: CallEventWrite; callId: string; skipped: number }
  | { ok: false; detail: string };

function fieldsOf(error: z.ZodError): string {
  return [...new Set(error.issues.map((issue) => issue.path.filter((p) => typeof p === 'string').join('.') || 'body'))]
    .slice(0, 5)
    .join(', ');
}

function checkTime(atMs: number, nowMs: number): string | undefined {
  if (atMs < EVENT_TIME_FLOOR_MS) return 'EventTime is before 2020';
  if (atMs > nowMs + EVENT_MAX_FUTURE_MS) return 'EventTime is more than a day ahead';
  return undefined;
}

/** A start callback: the caller (`Calling`) and everyone rung (`Waiting`), and the call is now in progress. */
export function parseStartCall(json: unknown, nowMs: number): EventBodyResult {
  const body = startSchema.safeParse(json);
  if (!body.success) return { ok: false, detail: `invalid field(s): ${fieldsOf(body.error)}` };
  const { CallInfo, UserList, EventTime } = body.data;
  const late = checkTime(EventTime, nowMs);
  if (late !== undefined) return { ok: false, detail: late };
  if (UserList.length === 0) return { ok: false, detail: 'UserList is empty' };
  const callId = CallInfo.CallId;
  const events: CallEvent[] = UserList.map((user) => ({
    callId,
    userId: user.User_Account,
    action: user.Status?.trim().toLowerCase() === 'calling' ? 'calling' : 'invited',
    atMs: EventTime,
  }));
  const media = String(CallInfo.MediaType ?? CallInfo.CallMediaType ?? '').trim();
  return {
    ok: true,
    callId,
    skipped: 0,
    write: {
      events,
      started: { callId, startedAtMs: EventTime, mediaType: MEDIA_BY_KEY.get(media.toLowerCase()) ?? media },
    },
  };
}

/** A member-changed callback: one event per changed member (ActionTypes no doc shows are skipped and counted). */
export function parseMemberChanged(json: unknown, nowMs: number): EventBodyResult {
  const body = memberChangedSchema.safeParse(json);
  if (!body.success) return { ok: false, detail: `invalid field(s): ${fieldsOf(body.error)}` };
  const { CallId: callId, ChangedUserList, EventTime } = body.data;
  const late = checkTime(EventTime, nowMs);
  if (late !== undefined) return { ok: false, detail: late };
  const events: CallEvent[] = [];
  let skipped = 0;
  for (const change of ChangedUserList) {
    const action = actionOf(change.ActionType);
    if (action === undefined) skipped++;
    else events.push({ callId, userId: change.User_Account, action, atMs: EventTime });
  }
  return { ok: true, callId, skipped, write: { events } };
}
