/**
 * The demo server's `v4/call_config/*_callback` (Tencent's documentation): one callback setting per server, as Tencent keeps
 * one per SDKAppID; `set_callback` overwrites it. Where the docs are silent: an unknown command in the list, or an
 * empty list, is an invalid parameter (100002).
 */
import { failure, type Outcome } from './protocol.js';

export const CALLBACK_COMMANDS = [
  'Call.CallbackAfterStartCall',
  'Call.CallbackAfterEndCall',
  'Call.CallbackAfterMemberChanged',
] as const;

export const CallbackErrorCode = { internal: 100001, invalidParameter: 100002, notSet: 100301 } as const;

export interface CallbackSettingState {
  setting?: { Url: string; CallbackCommandList: string[] };
}

export function getCallback(_body: Record<string, unknown>, state: CallbackSettingState): Outcome {
  if (state.setting === undefined) return failure(CallbackErrorCode.notSet, 'callback config does not exist');
  return { ok: true, response: { ...state.setting, CallbackCommandList: [...state.setting.CallbackCommandList] } };
}

export function setCallback(body: Record<string, unknown>, state: CallbackSettingState): Outcome {
  const url = body.Url;
  if (typeof url !== 'string' || !/^https?:\/\/\S+$/i.test(url) || url.length > 2048) {
    return failure(CallbackErrorCode.invalidParameter, 'Url is required and must start with http or https');
  }
  const list = body.CallbackCommandList;
  if (
    !Array.isArray(list) ||
    list.length === 0 ||
    !list.every((command) => (CALLBACK_COMMANDS as readonly unknown[]).includes(command))
  ) {
    return failure(CallbackErrorCode.invalidParameter, `CallbackCommandList must list ${CALLBACK_COMMANDS.join(', ')}`);
  }
  state.setting = { Url: url, CallbackCommandList: [...new Set(list as string[])] };
  return { ok: true, response: {} };
}

export function deleteCallback(_body: Record<string, unknown>, state: CallbackSettingState): Outcome {
  state.setting = undefined;
  return { ok: true, response: {} };
}
