/**
 * Tencent's end-of-call callback, checked at the edge: the secret path, the SdkAppid in the query, an
 * optional Chat-style `Sign`, then the JSON body, whose `CallRecord` goes through the same normalisation as the
 * record APIs. Pure: the route (`callback-route.ts`) does the HTTP, the storing and the logging.
 *
 * Tencent documents no signature for Call callbacks, so the path itself is the secret; see
 * docs/tencent-callback.md for the reasoning.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { type CallEventWrite, WHOLE_CALL } from '../calls/call-events.js';
import type { CallRecord } from '../calls/records.js';
import {
  EVENT_MAX_FUTURE_MS,
  MEMBER_CHANGED_COMMAND,
  parseMemberChanged,
  parseStartCall,
  START_CALL_COMMAND,
} from './call-event-callbacks.js';
import { normalizeRecord } from './normalize-record.js';

export const CALLBACK_PATH_PREFIX = '/tencent/callback/';
/** What a TENCENT_CALLBACK_TOKEN may be: it is a URL path segment. */
export const CALLBACK_TOKEN_PATTERN = /^[A-Za-z0-9_-]{16,128}$/;
/** How the path appears in logs and messages: the token never does. */
export const REDACTED_CALLBACK_PATH = `${CALLBACK_PATH_PREFIX}[redacted]`;
/** Real callbacks are well under 2 KB; a body past this is refused without being read further. */
export const MAX_CALLBACK_BODY_BYTES = 64 * 1024;
/** `RequestTime` may be this far from our clock, either way. */
export const SIGN_MAX_SKEW_SECONDS = 5 * 60;
export const END_CALL_COMMAND = 'Call.CallbackAfterEndCall';
/** What Tencent expects back (it ignores the result). */
export const CALLBACK_OK = Object.freeze({ ActionStatus: 'OK', ErrorInfo: '', ErrorCode: 0 });

export type CallbackRejection =
  | 'wrong-token'
  | 'wrong-method'
  | 'wrong-sdkappid'
  | 'missing-sign'
  | 'bad-sign'
  | 'stale-sign'
  | 'too-large'
  | 'slow-body'
  | 'not-json'
  | 'command-mismatch'
  | 'invalid-record'
  | 'invalid-event';

/** The HTTP status each rejection gets. A wrong token looks exactly like a path that does not exist. */
export const REJECTION_STATUS: Readonly<Record<CallbackRejection, number>> = {
  'wrong-token': 404,
  'wrong-method': 405,
  'wrong-sdkappid': 403,
  'missing-sign': 401,
  'bad-sign': 401,
  'stale-sign': 401,
  'too-large': 413,
  'slow-body': 408,
  'not-json': 400,
  'command-mismatch': 400,
  'invalid-record': 400,
  'invalid-event': 400,
};

export type Checked<T> = ({ ok: true } & T) | { ok: false; reason: CallbackRejection; detail?: string };

function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

/** Constant-time equality of two strings of any length (both are hashed first, so lengths leak nothing). */
export function secretEquals(expected: string, given: string): boolean {
  return timingSafeEqual(digest(expected), digest(given));
}

/** The path segment after `/tencent/callback/`, or undefined for any other path. */
export function tokenOfPath(pathname: string): string | undefined {
  if (!pathname.startsWith(CALLBACK_PATH_PREFIX)) return undefined;
  const rest = pathname.slice(CALLBACK_PATH_PREFIX.length);
  return rest.length > 0 && !rest.includes('/') ? rest : undefined;
}

/** Chat-style signature: hex sha256 of the token followed by RequestTime. */
export function callbackSign(signToken: string, requestTime: string): string {
  return digest(`${signToken}${requestTime}`).toString('hex');
}

/** A query parameter by name, any case (`SdkAppid`, `sdkappid`). */
function param(params: URLSearchParams, name: string): string | undefined {
  const lower = name.toLowerCase();
  for (const [key, value] of params) if (key.toLowerCase() === lower) return value;
  return undefined;
}

export interface QueryRules {
  sdkAppId: number;
  /** TENCENT_CALLBACK_SIGN_TOKEN: when set, `Sign` and `RequestTime` are required and checked. */
  signToken?: string;
  /** Unix seconds. */
  now: number;
}

/** Checks what the query carries; `command` is the query's `CallbackCommand` when there is one. */
export function checkCallbackQuery(params: URLSearchParams, rules: QueryRules): Checked<{ command?: string }> {
  const sdkAppId = param(params, 'SdkAppid');
  if (sdkAppId === undefined || !/^\d{1,12}$/.test(sdkAppId) || Number(sdkAppId) !== rules.sdkAppId) {
    return { ok: false, reason: 'wrong-sdkappid' };
  }
  if (rules.signToken !== undefined) {
    const sign = param(params, 'Sign');
    const requestTime = param(params, 'RequestTime');
    if (sign === undefined || requestTime === undefined) return { ok: false, reason: 'missing-sign' };
    if (!secretEquals(callbackSign(rules.signToken, requestTime), sign.toLowerCase())) {
      return { ok: false, reason: 'bad-sign' };
    }
    const at = /^\d{1,13}$/.test(requestTime) ? Number(requestTime) : Number.NaN;
    if (!(Math.abs(rules.now - at) <= SIGN_MAX_SKEW_SECONDS)) return { ok: false, reason: 'stale-sign' };
  }
  const command = param(params, 'CallbackCommand');
  return command === undefined ? { ok: true } : { ok: true, command };
}

const numeric = z.union([
  z.number(),
  z
    .string()
    .regex(/^\d{1,16}$/)
    .transform(Number),
]);

/** The body of any Call callback: only the command matters until it is the end of a call. */
const envelopeSchema = z.object({ CallbackCommand: z.string().max(200).optional() });

/** `Call.CallbackAfterEndCall` (Tencent's documentation): the record, and when Tencent sent it (ms). */
const endCallSchema = z.object({
  CallRecord: z.record(z.string(), z.unknown()),
  EventTime: numeric.optional(),
});

export type CallbackBody =
  | { kind: 'end-call'; record: CallRecord; eventTimeMs?: number; events: CallEventWrite }
  | { kind: 'events'; command: string; callId: string; events: CallEventWrite; skipped: number }
  | { kind: 'ignored'; command: string };

/**
 * Reads the body text of a callback whose query passed. Commands other than the end of a call are `ignored`
 * (answered OK, nothing stored). The reason never echoes the body's content.
 */
export function parseCallbackBody(text: string, queryCommand: string | undefined, now: number): Checked<CallbackBody> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, reason: 'not-json' };
  }
  const envelope = envelopeSchema.safeParse(json);
  if (typeof json !== 'object' || json === null || Array.isArray(json) || !envelope.success) {
    return { ok: false, reason: 'not-json', detail: 'the body is not a callback object' };
  }
  const bodyCommand = envelope.data.CallbackCommand;
  if (queryCommand !== undefined && bodyCommand !== undefined && queryCommand !== bodyCommand) {
    return { ok: false, reason: 'command-mismatch' };
  }
  const command = bodyCommand ?? queryCommand ?? '';
  if (command === START_CALL_COMMAND || command === MEMBER_CHANGED_COMMAND) {
    const parsed =
      command === START_CALL_COMMAND ? parseStartCall(json, now * 1000) : parseMemberChanged(json, now * 1000);
    if (!parsed.ok) return { ok: false, reason: 'invalid-event', detail: parsed.detail };
    return { ok: true, kind: 'events', command, callId: parsed.callId, events: parsed.write, skipped: parsed.skipped };
  }
  if (command !== END_CALL_COMMAND) return { ok: true, kind: 'ignored', command: command.slice(0, 80) };

  const body = endCallSchema.safeParse(json);
  if (!body.success) {
    const fields = [...new Set(body.error.issues.map((issue) => String(issue.path[0] ?? 'body')))].join(', ');
    return { ok: false, reason: 'invalid-record', detail: `invalid field(s): ${fields}` };
  }
  const normalized = normalizeRecord(body.data.CallRecord, now);
  if (!normalized.ok) return { ok: false, reason: 'invalid-record', detail: normalized.reason };
  const record = normalized.record;
  // The end of the call as an event too, so a timeline shows when it ended even before the record is read. An
  // EventTime before the call started or far ahead is not trusted: the record's EndTime stands in.
  const eventTimeMs = body.data.EventTime;
  const endedAtMs =
    eventTimeMs !== undefined &&
    eventTimeMs >= record.startTime * 1000 &&
    eventTimeMs <= now * 1000 + EVENT_MAX_FUTURE_MS
      ? eventTimeMs
      : record.endTime * 1000;
  return {
    ok: true,
    kind: 'end-call',
    record,
    ...(eventTimeMs === undefined ? {} : { eventTimeMs }),
    events: {
      events: [{ callId: record.callId, userId: WHOLE_CALL, action: 'ended', atMs: endedAtMs }],
      endedCallId: record.callId,
    },
  };
}

/** The callback URL for a public base URL: `https://host/base/tencent/callback/<token>`. */
export function callbackUrl(baseUrl: string, token: string): string {
  return `${baseUrl.replace(/\/+$/, '')}${CALLBACK_PATH_PREFIX}${token}`;
}

/** A callback URL with its token cut to the first 4 characters: `…/tencent/callback/abcd…`. */
export function maskCallbackUrl(url: string): string {
  const at = url.indexOf(CALLBACK_PATH_PREFIX);
  if (at < 0) return url;
  const rest = url.slice(at + CALLBACK_PATH_PREFIX.length);
  const token = rest.split(/[/?#]/, 1)[0] ?? '';
  return `${url.slice(0, at)}${CALLBACK_PATH_PREFIX}${token.slice(0, 4)}…${rest.slice(token.length)}`;
}
