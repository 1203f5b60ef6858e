import { z } from 'zod';
import { hasControlCharacters, implausibleTimes, stripControlCharacters } from '../calls/plausible-record.js';
import { type CallRecord, isKnownCallResult, KNOWN_CALL_RESULTS, type WireCallRecord } from '../calls/records.js';

/**
 * Normalisation at the edge: Tencent's docs type some fields inconsistently (RoomIdType Integer vs String,
 * CallResult Integer vs String), so we accept every documented or observed shape and produce one `CallRecord`.
 * Nothing past this file ever sees a wire record.
 */

/** A number, or a string holding one (IDs and timestamps arrive as either through some gateways). */
const numeric = z.union([
  z.number().finite(),
  z
    .string()
    .trim()
    .regex(/^-?\d+(\.\d+)?$/)
    .transform(Number),
]);

/** Unix seconds. A value in milliseconds (> year 5138 in seconds) is converted rather than shown in the far future. */
const unixSeconds = numeric.transform((n) => Math.floor(n > 1e11 ? n / 1000 : n)).pipe(z.number().min(0));

/** IDs are strings in the docs, but an account or room named `147` may come back as the number 147. */
const idString = z.union([z.string(), z.number().finite().transform(String)]);

const wireRecordSchema = z.object({
  CallId: idString.pipe(z.string().min(1)),
  Caller_Account: idString,
  MediaType: z.union([z.string(), z.number().transform(String)]),
  CallType: z.union([z.string(), z.number().transform(String)]),
  StartTime: unixSeconds,
  EndTime: unixSeconds,
  AcceptTime: z.union([unixSeconds, z.null()]).optional(),
  CallResult: z.union([z.string(), z.number().transform(String)]),
  CalleeList_Account: z.array(idString).nullish(),
  RoomId: idString.nullish(),
  RoomIdType: z.union([numeric, z.string()]).nullish(),
});

// v1 spelled results in snake_case and lower case; map any casing of a known value to its v4 spelling.
const RESULT_BY_KEY = new Map<string, string>(KNOWN_CALL_RESULTS.map((r) => [r.toLowerCase(), r]));
const CALL_TYPES_BY_KEY = new Map<string, string>([
  ['singlecall', 'SingleCall'],
  ['single', 'SingleCall'],
  ['multicall', 'MultiCall'],
  ['group', 'MultiCall'],
  ['multi', 'MultiCall'],
]);
const MEDIA_BY_KEY = new Map<string, string>([
  ['audio', 'Audio'],
  ['video', 'Video'],
]);

function canonical(value: string, table: Map<string, string>): string {
  const trimmed = value.trim();
  return table.get(trimmed.toLowerCase().replace(/_/g, '')) ?? trimmed;
}

export type NormalizeResult = { ok: true; record: CallRecord } | { ok: false; reason: string; callId?: string };

/**
 * Turns one wire record into a `CallRecord`, or says (without echoing its content) why it cannot. `now` (Unix
 * seconds, the injected clock) bounds how far in the future a call may end: see calls/plausible-record.ts.
 */
export function normalizeRecord(raw: unknown, now: number): NormalizeResult {
  const parsed = wireRecordSchema.safeParse(raw);
  if (!parsed.success) {
    const fields = [...new Set(parsed.error.issues.map((issue) => String(issue.path[0] ?? 'record')))].join(', ');
    return refused(raw, `invalid field(s): ${fields}`);
  }
  const w = parsed.data;
  const ids = [w.CallId, w.Caller_Account, ...(w.CalleeList_Account ?? []), w.RoomId ?? ''];
  if (ids.some(hasControlCharacters)) return refused(raw, 'a control character in an ID');
  const caller = w.Caller_Account;
  // Tencent lists the caller among the call members; the rest of the app wants only the people called.
  const callees: string[] = [];
  for (const callee of w.CalleeList_Account ?? []) {
    if (callee !== caller && !callees.includes(callee)) callees.push(callee);
  }
  const result = canonical(stripControlCharacters(w.CallResult), RESULT_BY_KEY);
  const acceptTime = w.AcceptTime === undefined || w.AcceptTime === null || w.AcceptTime === 0 ? null : w.AcceptTime;
  const roomIdType = w.RoomIdType === undefined || w.RoomIdType === null ? null : Number(w.RoomIdType);
  const record: CallRecord = {
    callId: w.CallId,
    caller,
    callees,
    mediaType: canonical(stripControlCharacters(w.MediaType), MEDIA_BY_KEY),
    callType: canonical(stripControlCharacters(w.CallType), CALL_TYPES_BY_KEY),
    startTime: w.StartTime,
    endTime: w.EndTime,
    acceptTime,
    // Unknown results (a future value) are kept as Tencent spelled them, so they can be shown as-is.
    result: isKnownCallResult(result) ? result : stripControlCharacters(w.CallResult).trim(),
    roomId: w.RoomId ?? '',
    roomIdType: roomIdType === 1 || roomIdType === 2 ? roomIdType : null,
  };
  const implausible = implausibleTimes(record, now);
  if (implausible !== undefined) return refused(raw, implausible);
  return { ok: true, record };
}

function refused(raw: unknown, reason: string): NormalizeResult {
  const id = (raw as { CallId?: unknown } | null)?.CallId;
  // The CallId is only echoed when it is printable (it goes to logs).
  const callId = typeof id === 'string' && !hasControlCharacters(id) ? (id as WireCallRecord['CallId']) : undefined;
  return { ok: false, reason, ...(callId === undefined ? {} : { callId: callId.slice(0, 80) }) };
}

/** The `Response` of get_record_by_filter. TotalNum is required: paging depends on it. */
export const filterResponseSchema = z.object({
  TotalNum: numeric.pipe(z.number().int().min(0)),
  Page: numeric.optional(),
  // Records are validated one by one (a bad record is dropped, not the page).
  CallRecordList: z.array(z.unknown()).nullish(),
});

/** The `Response` of get_record_by_callid. */
export const callIdResponseSchema = z.object({ CallRecord: z.unknown() });

/** The `Response` of call_config/get_callback (Tencent's documentation). */
export const callbackSettingSchema = z.object({
  Url: z.string(),
  CallbackCommandList: z.array(z.string()).nullish(),
});

/** The envelope every Tencent REST answer has. */
export const envelopeSchema = z.object({
  ActionStatus: z.string().optional(),
  ErrorCode: numeric.pipe(z.number().int()),
  ErrorInfo: z.string().nullish(),
  RequestId: z.string().nullish(),
  Response: z.unknown().optional(),
});
