/** The call results Tencent documents; `Offline` comes from the end-call callback docs and is seen in records too. */
export const KNOWN_CALL_RESULTS = [
  'NormalEnd',
  'Cancel',
  'Reject',
  'NotAnswer',
  'CallBusy',
  'Interrupt',
  'Offline',
] as const;
export type KnownCallResult = (typeof KNOWN_CALL_RESULTS)[number];

/**
 * The results that count as a *dropped* call: `Interrupt` (the network broke it) and `Offline` (the server saw a
 * heartbeat expire). The summary, the glance, the summary's button and the alerts all use this one list.
 */
export const DROPPED_RESULTS = ['Interrupt', 'Offline'] as const satisfies readonly KnownCallResult[];

export function isDropped(result: string): boolean {
  return (DROPPED_RESULTS as readonly string[]).includes(result);
}

/** Results the API filter can be asked for (the documented enum of the record APIs, plus Offline). */
export type CallResult = KnownCallResult;

export const CALL_TYPES = ['SingleCall', 'MultiCall'] as const;
export type CallType = (typeof CALL_TYPES)[number];

export const MEDIA_TYPES = ['Audio', 'Video'] as const;
export type MediaType = (typeof MEDIA_TYPES)[number];

/**
 * One call, normalised once at the edge (see `normalizeRecord` in the client).
 * Unknown strings from Tencent are kept as they came, so the raw value can be shown.
 */
export interface CallRecord {
  callId: string;
  /** Tencent user ID of the caller. */
  caller: string;
  /** Everyone else in the call; the caller is never repeated here. */
  callees: string[];
  mediaType: MediaType | (string & {});
  callType: CallType | (string & {});
  /** Unix seconds. */
  startTime: number;
  /** Unix seconds. */
  endTime: number;
  /** Unix seconds when the call connected, or null when it never connected (Tencent sends 0). */
  acceptTime: number | null;
  result: KnownCallResult | (string & {});
  roomId: string;
  /** 1 numeric room ID, 2 string room ID; null when Tencent sent something else. */
  roomIdType: 1 | 2 | null;
}

/** The record exactly as Tencent sends it (documented field names), used by the demo server and by tests. */
export interface WireCallRecord {
  CallId: string;
  Caller_Account: string;
  MediaType: string;
  CallType: string;
  StartTime: number;
  EndTime: number;
  AcceptTime: number;
  CallResult: string;
  CalleeList_Account: string[];
  RoomId: string;
  RoomIdType: number | string;
}

/** Seconds of talk: from connect to end; 0 when the call never connected. */
export function talkSeconds(record: CallRecord): number {
  return record.acceptTime === null ? 0 : Math.max(0, record.endTime - record.acceptTime);
}

/** Seconds of ringing: from start to connect, or to the end when it never connected. */
export function ringSeconds(record: CallRecord): number {
  return Math.max(0, (record.acceptTime ?? record.endTime) - record.startTime);
}

export function isKnownCallResult(value: string): value is KnownCallResult {
  return (KNOWN_CALL_RESULTS as readonly string[]).includes(value);
}
