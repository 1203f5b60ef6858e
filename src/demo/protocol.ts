import type { WireCallRecord } from '../calls/records.js';

/** The error codes the demo server answers with (Tencent's documentation). */
export const DemoErrorCode = {
  httpParse: 60002,
  jsonParse: 60003,
  accountOrSig: 60004,
  sdkAppIdInvalid: 60006,
  frequencyLimit: 60007,
  badResource: 60009,
  needsAdmin: 60010,
  needsSdkAppId: 60012,
  internal: 101001,
  // Borrowed from call_engine_http_srv ("invalid parameter"): the record APIs document no code for it.
  invalidParameter: 101002,
  recordNotFound: 101050,
  // Chat profile codes (portrait_get): a bad request, and an account that does not exist.
  profileInvalidParameter: 40001,
  accountNotFound: 40003,
} as const;

export interface Envelope {
  ErrorCode: number;
  ErrorInfo: string;
  ActionStatus: 'OK' | 'FAIL';
  RequestId: string;
  Response?: DemoResponse;
  /** portrait_get answers beside the envelope's fields, not under `Response`. */
  UserProfileItem?: ProfileItem[];
}

export interface ProfileItem {
  To_Account: string;
  ProfileItem?: { Tag: string; Value: string }[];
  ResultCode: number;
  ResultInfo: string;
}

export interface FilterResponse {
  TotalNum: number;
  Page: number;
  CallRecordList: WireCallRecord[];
}

export interface CallIdResponse {
  CallRecord: WireCallRecord;
}

/** call_config/get_callback answers the setting; set and delete answer an empty Response. */
export type CallbackSettingResponse = { Url: string; CallbackCommandList: string[] } | Record<string, never>;

export type DemoResponse = FilterResponse | CallIdResponse | CallbackSettingResponse;

/** What a command handler decides; the server adds the RequestId. */
export type Outcome =
  | { ok: true; response: DemoResponse }
  | { ok: true; profiles: ProfileItem[] }
  | { ok: false; code: number; info: string };

export function failure(code: number, info: string): Outcome {
  return { ok: false, code, info };
}

let sequence = 0;
// The process and a counter make every id unique without a random draw (demo answers stay reproducible).
const processTag = process.pid.toString(16).padStart(8, '0');

/** Shaped like Tencent's `Id-<hex>-O-Seq-<n>`. */
export function nextRequestId(): string {
  sequence += 1;
  return `Id-${processTag}${sequence.toString(16).padStart(16, '0')}-O-Seq-${sequence}`;
}

export function envelope(outcome: Outcome, requestId = nextRequestId()): Envelope {
  if (outcome.ok) {
    const ok = { ErrorCode: 0, ErrorInfo: '', ActionStatus: 'OK', RequestId: requestId } as const;
    return 'profiles' in outcome ? { ...ok, UserProfileItem: outcome.profiles } : { ...ok, Response: outcome.response };
  }
  return { ErrorCode: outcome.code, ErrorInfo: outcome.info, ActionStatus: 'FAIL', RequestId: requestId };
}
