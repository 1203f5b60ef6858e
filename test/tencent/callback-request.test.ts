import { describe, expect, it } from 'vitest';
import {
  CALLBACK_PATH_PREFIX,
  callbackSign,
  callbackUrl,
  checkCallbackQuery,
  END_CALL_COMMAND,
  maskCallbackUrl,
  parseCallbackBody,
  secretEquals,
  tokenOfPath,
} from '../../src/tencent/callback-request.js';

const NOW = 1_795_000_000;
const record = {
  CallId: '055662e1-aaaa',
  Caller_Account: '10001',
  MediaType: 'Audio',
  CallType: 'SingleCall',
  StartTime: NOW - 200,
  EndTime: NOW - 50,
  AcceptTime: 0,
  CallResult: 'NotAnswer',
  CalleeList_Account: ['10001', 'user2'],
  RoomId: 'roomid-1434',
  RoomIdType: 2,
};
const endCall = (over: Record<string, unknown> = {}) =>
  JSON.stringify({ CallbackCommand: END_CALL_COMMAND, CallRecord: record, EventTime: NOW * 1000, ...over });

describe('the secret path', () => {
  it('reads the token segment only under /tencent/callback/', () => {
    expect(tokenOfPath(`${CALLBACK_PATH_PREFIX}abc`)).toBe('abc');
    expect(tokenOfPath(`${CALLBACK_PATH_PREFIX}abc/def`)).toBeUndefined();
    expect(tokenOfPath(CALLBACK_PATH_PREFIX)).toBeUndefined();
    expect(tokenOfPath('/slack/events')).toBeUndefined();
  });

  it('compares secrets of any length', () => {
    expect(secretEquals('a-long-secret-token', 'a-long-secret-token')).toBe(true);
    expect(secretEquals('a-long-secret-token', 'a-long-secret-toke')).toBe(false);
    expect(secretEquals('a-long-secret-token', '')).toBe(false);
  });

  it('builds the URL from a base and masks the token when shown', () => {
    const url = callbackUrl('https://ops.example.com/', 'abcdefghijklmnopq');
    expect(url).toBe('https://ops.example.com/tencent/callback/abcdefghijklmnopq');
    expect(maskCallbackUrl(url)).toBe('https://ops.example.com/tencent/callback/abcd…');
    expect(maskCallbackUrl('https://their-backend.example/hook')).toBe('https://their-backend.example/hook');
  });
});

describe('checkCallbackQuery', () => {
  const rules = { sdkAppId: 1400000001, now: NOW };

  it('accepts the configured SdkAppid (any case of the name) and passes the command on', () => {
    const ok = checkCallbackQuery(
      new URLSearchParams({ SdkAppid: '1400000001', CallbackCommand: END_CALL_COMMAND, contenttype: 'json' }),
      rules,
    );
    expect(ok).toEqual({ ok: true, command: END_CALL_COMMAND });
    expect(checkCallbackQuery(new URLSearchParams({ sdkappid: '1400000001' }), rules).ok).toBe(true);
  });

  it.each<Record<string, string>>([{}, { SdkAppid: '1400000002' }, { SdkAppid: '01400000001x' }, { SdkAppid: '' }])(
    'refuses another or a missing SdkAppid: %o',
    (query) => {
      expect(checkCallbackQuery(new URLSearchParams(query), rules)).toEqual({ ok: false, reason: 'wrong-sdkappid' });
    },
  );

  describe('with a sign token', () => {
    const signed = { ...rules, signToken: 'chat-callback-token' };
    const query = (sign: string, time: number | string) =>
      new URLSearchParams({ SdkAppid: '1400000001', Sign: sign, RequestTime: String(time) });

    it('accepts sha256(token + RequestTime) within five minutes either way', () => {
      for (const time of [NOW, NOW - 300, NOW + 300]) {
        expect(checkCallbackQuery(query(callbackSign('chat-callback-token', String(time)), time), signed).ok).toBe(
          true,
        );
      }
    });

    it('refuses a missing, wrong or stale signature', () => {
      expect(checkCallbackQuery(new URLSearchParams({ SdkAppid: '1400000001' }), signed)).toMatchObject({
        reason: 'missing-sign',
      });
      expect(checkCallbackQuery(query(callbackSign('other-token', String(NOW)), NOW), signed)).toMatchObject({
        reason: 'bad-sign',
      });
      const old = NOW - 301;
      expect(checkCallbackQuery(query(callbackSign('chat-callback-token', String(old)), old), signed)).toMatchObject({
        reason: 'stale-sign',
      });
      expect(checkCallbackQuery(query(callbackSign('chat-callback-token', 'soon'), 'soon'), signed)).toMatchObject({
        reason: 'stale-sign',
      });
    });

    it('without a sign token, Sign is not needed', () => {
      expect(checkCallbackQuery(query('whatever', 1), rules).ok).toBe(true);
    });
  });
});

describe('parseCallbackBody', () => {
  it('turns the documented end-of-call body into a call record', () => {
    const parsed = parseCallbackBody(endCall(), END_CALL_COMMAND, NOW);
    expect(parsed).toEqual({
      ok: true,
      kind: 'end-call',
      eventTimeMs: NOW * 1000,
      // The end is an event of the call too, at Tencent's EventTime.
      events: {
        events: [{ callId: '055662e1-aaaa', userId: '', action: 'ended', atMs: NOW * 1000 }],
        endedCallId: '055662e1-aaaa',
      },
      record: {
        callId: '055662e1-aaaa',
        caller: '10001',
        callees: ['user2'],
        mediaType: 'Audio',
        callType: 'SingleCall',
        startTime: NOW - 200,
        endTime: NOW - 50,
        acceptTime: null,
        result: 'NotAnswer',
        roomId: 'roomid-1434',
        roomIdType: 2,
      },
    });
  });

  it('takes the command from the query when the body has none', () => {
    const body = JSON.stringify({ CallRecord: record });
    expect(parseCallbackBody(body, END_CALL_COMMAND, NOW)).toMatchObject({ ok: true, kind: 'end-call' });
    expect(parseCallbackBody(body, undefined, NOW)).toMatchObject({ ok: true, kind: 'ignored', command: '' });
  });

  it('ignores commands that are not call callbacks', () => {
    const body = JSON.stringify({ CallbackCommand: 'Call.CallbackSomethingNew', CallInfo: {} });
    expect(parseCallbackBody(body, 'Call.CallbackSomethingNew', NOW)).toEqual({
      ok: true,
      kind: 'ignored',
      command: 'Call.CallbackSomethingNew',
    });
  });

  it.each([
    ['not JSON', '{"CallbackCommand":', 'not-json'],
    ['a JSON array', '[1,2]', 'not-json'],
    ['a JSON string', '"hello"', 'not-json'],
    ['no CallRecord', JSON.stringify({ CallbackCommand: END_CALL_COMMAND }), 'invalid-record'],
    ['a record without CallId', endCall({ CallRecord: { ...record, CallId: undefined } }), 'invalid-record'],
    ['a record without StartTime', endCall({ CallRecord: { ...record, StartTime: 'soon' } }), 'invalid-record'],
    [
      'a record a year ahead',
      endCall({ CallRecord: { ...record, StartTime: NOW + 3e7, EndTime: NOW + 3e7 } }),
      'invalid-record',
    ],
    ['an end before the start', endCall({ CallRecord: { ...record, EndTime: NOW - 500 } }), 'invalid-record'],
  ])('refuses %s', (_name, body, reason) => {
    expect(parseCallbackBody(body, END_CALL_COMMAND, NOW)).toMatchObject({ ok: false, reason });
  });

  it('refuses a body whose command contradicts the query', () => {
    expect(parseCallbackBody(endCall(), 'Call.CallbackAfterStartCall', NOW)).toMatchObject({
      ok: false,
      reason: 'command-mismatch',
    });
  });

  it('keeps hostile strings as data', () => {
    const parsed = parseCallbackBody(
      endCall({ CallRecord: { ...record, Caller_Account: '<!channel>', RoomId: '<https://evil|click>' } }),
      END_CALL_COMMAND,
      NOW,
    );
    expect(parsed).toMatchObject({ ok: true, record: { caller: '<!channel>', roomId: '<https://evil|click>' } });
  });

  it('never echoes the body in its reason', () => {
    const parsed = parseCallbackBody(
      endCall({ CallRecord: { ...record, StartTime: 'SECRET-LOOKING-VALUE' } }),
      END_CALL_COMMAND,
      NOW,
    );
    expect(JSON.stringify(parsed)).not.toContain('SECRET-LOOKING-VALUE');
  });
});
