/**
 * The start and member-changed callbacks (and the end-of-call one) over real HTTP into a real store on both
 * engines: every event kept once whatever the order and repetition, calls in progress, and hostile bodies refused.
 */
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LIVE_CALL_LIMIT_MS } from '../../src/calls/call-events.js';
import type { CallStore } from '../../src/store/open-call-store.js';
import { MEMBER_CHANGED_COMMAND, START_CALL_COMMAND } from '../../src/tencent/call-event-callbacks.js';
import { END_CALL_COMMAND } from '../../src/tencent/callback-request.js';
import { type CallbackRoute, createCallbackRoute } from '../../src/tencent/callback-route.js';
import { anyCall } from '../support/call-records.js';
import { type LocalServer, listenLocal } from '../support/http.js';
import { captureLogs } from '../support/logs.js';
import { storeEngines } from '../support/store-engines.js';

const TOKEN = 'Tk0123456789abcdefXYZ';
const SDK_APP_ID = 1400000001;
const NOW = 1_795_000_000;
const T0 = (NOW - 600) * 1000;

function post(origin: string, command: string, body: unknown): Promise<{ status: number; body: string }> {
  const text = typeof body === 'string' ? body : JSON.stringify({ CallbackCommand: command, ...(body as object) });
  const qs = new URLSearchParams({ SdkAppid: String(SDK_APP_ID), CallbackCommand: command, contenttype: 'json' });
  return new Promise((resolve, reject) => {
    const req = request(
      `${origin}/tencent/callback/${TOKEN}?${qs}`,
      { method: 'POST', headers: { 'content-type': 'application/json' } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
      },
    );
    req.on('error', reject);
    req.end(text);
  });
}

/** The three callbacks of one call: Alice (147) calls Bob (369), Bob answers after 6 s, Bob's app drops at 2m 07s. */
function callbacksOf(callId: string) {
  return {
    start: {
      CallInfo: { CallId: callId, MediaType: 'Video', ChatGroupId: '', RoomId: 'r1', RoomIdType: 2 },
      UserList: [
        { User_Account: '147', Status: 'Calling' },
        { User_Account: '369', Status: 'Waiting' },
      ],
      EventTime: T0,
    },
    accept: {
      CallId: callId,
      UserList: [{ User_Account: '369', Status: 'Accept' }],
      ChangedUserList: [{ User_Account: '369', ActionType: 'Accept' }],
      EventTime: T0 + 6_000,
    },
    offline: {
      CallId: callId,
      ChangedUserList: [{ User_Account: '369', ActionType: 'Offline' }],
      EventTime: T0 + 127_000,
    },
    end: {
      CallRecord: {
        CallId: callId,
        Caller_Account: '147',
        MediaType: 'Video',
        CallType: 'SingleCall',
        StartTime: T0 / 1000,
        EndTime: T0 / 1000 + 130,
        AcceptTime: T0 / 1000 + 6,
        CallResult: 'Interrupt',
        CalleeList_Account: ['147', '369'],
        RoomId: 'r1',
        RoomIdType: 2,
      },
      EventTime: T0 + 130_000,
    },
  };
}

describe.each(storeEngines())('$name: call event callbacks', (engine) => {
  let store: CallStore;
  let server: LocalServer;
  let route: CallbackRoute;

  beforeAll(async () => {
    store = await engine.open();
    route = createCallbackRoute({
      token: TOKEN,
      sdkAppId: SDK_APP_ID,
      store,
      events: store,
      logger: captureLogs().logger,
      now: () => NOW,
    });
    server = await listenLocal((req, res) => route.handler(req, res));
  });
  afterAll(async () => {
    route.flushLog();
    await server.close();
  });

  const timelineOf = async (callId: string) =>
    ((await store.eventsOf([callId])).get(callId) ?? []).map((e) => `${(e.atMs - T0) / 1000}s ${e.userId} ${e.action}`);

  it('stores the start, member changes and end as one timeline, and the call is live in between', async () => {
    const cb = callbacksOf('in-order');
    expect((await post(server.origin, START_CALL_COMMAND, cb.start)).status).toBe(200);
    expect((await store.liveCalls(T0 - 1, 10)).map((c) => c.callId)).toContain('in-order');
    await post(server.origin, MEMBER_CHANGED_COMMAND, cb.accept);
    await post(server.origin, MEMBER_CHANGED_COMMAND, cb.offline);
    expect((await post(server.origin, END_CALL_COMMAND, cb.end)).status).toBe(200);
    expect(await timelineOf('in-order')).toEqual([
      '0s 147 calling',
      '0s 369 invited',
      '6s 369 accepted',
      '127s 369 offline',
      '130s  ended',
    ]);
    expect((await store.liveCalls(T0 - 1, 10)).map((c) => c.callId)).not.toContain('in-order');
  });

  it('gives the same timeline for duplicate and out-of-order callbacks, from one or several senders at once', async () => {
    const cb = callbacksOf('shuffled');
    // Member change before start, end before member change, everything twice and concurrently.
    const sends = [
      () => post(server.origin, MEMBER_CHANGED_COMMAND, cb.offline),
      () => post(server.origin, END_CALL_COMMAND, cb.end),
      () => post(server.origin, MEMBER_CHANGED_COMMAND, cb.accept),
      () => post(server.origin, START_CALL_COMMAND, cb.start),
    ];
    for (const send of sends) expect((await send()).status).toBe(200);
    const answers = await Promise.all([...sends, ...sends, ...sends].map((send) => send()));
    expect(answers.every((a) => a.status === 200)).toBe(true);
    expect(await timelineOf('shuffled')).toEqual([
      '0s 147 calling',
      '0s 369 invited',
      '6s 369 accepted',
      '127s 369 offline',
      '130s  ended',
    ]);
    // The start arrived after the end: the call is not in progress.
    expect((await store.liveCalls(T0 - 1, 10)).map((c) => c.callId)).not.toContain('shuffled');
  });

  it('accepts every documented spelling of ActionType', async () => {
    const spellings = ['Accept', 'Answer', 'Reject', 'NotAnswer', 'HangUp', 'Hangup', 'Hang Up', 'Join', 'Offline'];
    const more = ['Invite', 'Invited', 'Cancel_Invite', 'Canncel_Invite'];
    const changed = [...spellings, ...more].map((ActionType, i) => ({ User_Account: `u${i}`, ActionType }));
    const answer = await post(server.origin, MEMBER_CHANGED_COMMAND, {
      CallId: 'spellings',
      ChangedUserList: changed,
      EventTime: T0,
    });
    expect(answer.status).toBe(200);
    expect((await timelineOf('spellings')).map((line) => line.split(' ').slice(1).join(' ')).sort()).toEqual(
      [
        'u0 accepted',
        'u1 accepted',
        'u2 rejected',
        'u3 not-answered',
        'u4 hung-up',
        'u5 hung-up',
        'u6 hung-up',
        'u7 joined',
        'u8 offline',
        'u9 invited',
        'u10 invited',
        'u11 invite-cancelled',
        'u12 invite-cancelled',
      ].sort(),
    );
  });

  it('refuses hostile bodies with a clear answer, stores nothing of them, and searches still work', async () => {
    const before = await store.countCalls(anyCall());
    const cb = callbacksOf('hostile');
    const members = (n: number) => Array.from({ length: n }, (_, i) => ({ User_Account: `m${i}`, Status: 'Waiting' }));
    const refused: [string, string, unknown, number][] = [
      ['junk types', START_CALL_COMMAND, { ...cb.start, UserList: 'everyone' }, 400],
      ['a number CallInfo', START_CALL_COMMAND, { ...cb.start, CallInfo: 7 }, 400],
      ['10,000 members', START_CALL_COMMAND, { ...cb.start, UserList: members(10_000) }, 413],
      ['500 members', START_CALL_COMMAND, { ...cb.start, UserList: members(500) }, 400],
      [
        'a NUL in a user ID',
        MEMBER_CHANGED_COMMAND,
        { ...cb.accept, ChangedUserList: [{ User_Account: 'a\u0000b', ActionType: 'Accept' }] },
        400,
      ],
      ['a NUL in the CallId', MEMBER_CHANGED_COMMAND, { ...cb.accept, CallId: 'x\u0000' }, 400],
      [
        'a time far in the future',
        MEMBER_CHANGED_COMMAND,
        { ...cb.accept, EventTime: (NOW + 400 * 86_400) * 1000 },
        400,
      ],
      ['a time before 2020', START_CALL_COMMAND, { ...cb.start, EventTime: 1_000 }, 400],
      ['no EventTime', START_CALL_COMMAND, { ...cb.start, EventTime: undefined }, 400],
      ['no members', START_CALL_COMMAND, { ...cb.start, UserList: [] }, 400],
    ];
    for (const [name, command, body, status] of refused) {
      const answer = await post(server.origin, command, body);
      expect({ name, status: answer.status }).toEqual({ name, status });
      if (status === 400)
        expect(JSON.parse(answer.body)).toMatchObject({ ActionStatus: 'FAIL', ErrorInfo: 'invalid-event' });
    }
    expect(await store.eventsOf(['hostile', 'x\u0000'])).toEqual(new Map());
    expect((await store.liveCalls(0, 100)).map((c) => c.callId)).not.toContain('hostile');
    expect(await store.countCalls(anyCall())).toBe(before);
    expect(route.stats.rejected['invalid-event']).toBeGreaterThanOrEqual(8);
  });

  it('keeps a call in progress listed only within the documented limit', async () => {
    const cb = callbacksOf('long-running');
    await post(server.origin, START_CALL_COMMAND, cb.start);
    expect((await store.liveCalls(T0 + 1 - LIVE_CALL_LIMIT_MS, 10)).map((c) => c.callId)).toContain('long-running');
    expect((await store.liveCalls(T0 + 1, 10)).map((c) => c.callId)).not.toContain('long-running');
  });
});
