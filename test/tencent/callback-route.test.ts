/**
 * The Tencent callback route over real HTTP (a node:http server on a loopback port), storing into a real store on
 * both engines: what is stored, what is refused (and that nothing is stored then), and what is logged.
 */
import { request } from 'node:http';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createNewCallsFeed } from '../../src/calls/new-calls.js';
import type { CallRecord } from '../../src/calls/records.js';
import type { CallStore } from '../../src/store/open-call-store.js';
import { CALLBACK_OK, callbackSign, END_CALL_COMMAND } from '../../src/tencent/callback-request.js';
import { type CallbackRoute, createCallbackRoute } from '../../src/tencent/callback-route.js';
import { anyCall } from '../support/call-records.js';
import { type LocalServer, listenLocal } from '../support/http.js';
import { captureLogs, type LogCapture } from '../support/logs.js';
import { storeEngines } from '../support/store-engines.js';

const TOKEN = 'Tk0123456789abcdefXYZ';
const SDK_APP_ID = 1400000001;
const NOW = Math.floor(Date.now() / 1000);
const SIGN_TOKEN = 'chat-sign-token';

let serial = 0;
function wireRecord(overrides: Record<string, unknown> = {}) {
  serial += 1;
  return {
    CallId: `cb-${serial}-${Math.random().toString(16).slice(2, 10)}`,
    Caller_Account: '147',
    MediaType: 'Video',
    CallType: 'SingleCall',
    StartTime: NOW - 300,
    EndTime: NOW - 10,
    AcceptTime: NOW - 290,
    CallResult: 'Interrupt',
    CalleeList_Account: ['147', '369'],
    RoomId: 'room-1',
    RoomIdType: 2,
    ...overrides,
  };
}
const endCallBody = (record: Record<string, unknown>) =>
  JSON.stringify({ CallbackCommand: END_CALL_COMMAND, CallRecord: record, EventTime: NOW * 1000 });
const query = (extra: Record<string, string> = {}) =>
  new URLSearchParams({
    SdkAppid: String(SDK_APP_ID),
    CallbackCommand: END_CALL_COMMAND,
    contenttype: 'json',
    ClientIP: '203.0.113.9',
    OptPlatform: 'RESTAPI',
    ...extra,
  }).toString();

interface Answer {
  status: number;
  body: string;
  headers: Record<string, string | string[] | undefined>;
}

/** One raw HTTP request: `body` sent whole, or `chunks` written as given and the request left open when `hang`. */
function send(
  origin: string,
  path: string,
  options: { method?: string; body?: string; headers?: Record<string, string | number>; hang?: boolean } = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(`${origin}${path}`, { method: options.method ?? 'POST', headers: options.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString(), headers: res.headers }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    if (options.body !== undefined) req.write(options.body);
    if (!options.hang) req.end();
    else req.flushHeaders();
  });
}

const post = (origin: string, body: string, path = `/tencent/callback/${TOKEN}?${query()}`) =>
  send(origin, path, { body, headers: { 'content-type': 'application/json' } });

describe.each(storeEngines())('$name: POST /tencent/callback/<token>', (engine) => {
  let store: CallStore;
  let server: LocalServer;
  let route: CallbackRoute;
  let logs: LogCapture;
  let published: CallRecord[][];

  async function mount(options: { signToken?: string; bodyTimeoutMs?: number; store?: CallStore } = {}) {
    await server?.close();
    const feed = createNewCallsFeed();
    published = [];
    feed.subscribe((calls) => {
      published.push([...calls]);
    });
    logs = captureLogs();
    route = createCallbackRoute({
      token: TOKEN,
      sdkAppId: SDK_APP_ID,
      store,
      feed,
      logger: logs.logger,
      ...options,
    });
    server = await listenLocal((req, res) => {
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      if (route.matches(path)) route.handler(req, res);
      else res.writeHead(404).end();
    });
  }

  let location: Awaited<ReturnType<typeof engine.location>>;
  let before = 0;
  // One store per engine (opening one migrates it): each test counts what it added.
  beforeAll(async () => {
    location = await engine.location();
    store = await engine.open({ at: location });
  });
  beforeEach(async () => {
    before = await store.countCalls(anyCall());
    await mount();
  });
  afterEach(async () => {
    route.flushLog();
    await server.close();
  });

  const storedCount = async () => (await store.countCalls(anyCall())) - before;

  it('stores the documented end-of-call body before answering OK, searchable at once, and publishes it', async () => {
    const record = wireRecord({ CalleeList_Account: ['147', 'searched-369'] });
    const answer = await post(server.origin, endCallBody(record));
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body)).toEqual(CALLBACK_OK);
    // Answered means stored: a search right now finds it, from the store alone.
    const found = await store.findCalls(anyCall({ users: ['searched-369'], results: ['Interrupt'] }), { limit: 10 });
    expect(found.map((call) => call.callId)).toEqual([record.CallId]);
    expect(found[0]).toMatchObject({
      caller: '147',
      callees: ['searched-369'],
      result: 'Interrupt',
      acceptTime: NOW - 290,
    });
    expect(published.flat().map((call) => call.callId)).toEqual([record.CallId]);
  });

  it('stores and publishes the same record once, however often it arrives (a retry, or a forward)', async () => {
    const body = endCallBody(wireRecord());
    const answers = await Promise.all([
      post(server.origin, body),
      post(server.origin, body),
      post(server.origin, body),
    ]);
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
    expect(await storedCount()).toBe(1);
    expect(published.flat()).toHaveLength(1);
    expect(route.stats).toMatchObject({ stored: 1, duplicates: 2 });
  });

  it('answers OK to a start callback and stores nothing when no event store is given', async () => {
    const body = JSON.stringify({
      CallbackCommand: 'Call.CallbackAfterStartCall',
      CallInfo: { CallId: 'x', MediaType: 'Audio' },
      UserList: [{ User_Account: '147', Status: 'Calling' }],
      EventTime: NOW * 1000,
    });
    const answer = await post(
      server.origin,
      body,
      `/tencent/callback/${TOKEN}?${query({ CallbackCommand: 'Call.CallbackAfterStartCall' })}`,
    );
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body)).toEqual(CALLBACK_OK);
    expect(await storedCount()).toBe(0);
    expect(route.stats.ignored).toBe(1);
  });

  it('answers a wrong token exactly like a path that does not exist, without reading the body', async () => {
    const body = endCallBody(wireRecord());
    const missing = await post(server.origin, body, `/tencent/nothing-here?${query()}`);
    const wrong = await post(server.origin, body, `/tencent/callback/${TOKEN.slice(0, -1)}X?${query()}`);
    const short = await post(server.origin, body, `/tencent/callback/${TOKEN.slice(0, 4)}?${query()}`);
    for (const answer of [wrong, short]) {
      expect(answer.status).toBe(missing.status);
      expect(answer.body).toBe(missing.body);
      expect(Object.keys(answer.headers).sort()).toEqual(Object.keys(missing.headers).sort());
    }
    // Headers promising a body that never comes: answered all the same, as a missing route is.
    const unread = await send(server.origin, `/tencent/callback/nope?${query()}`, {
      headers: { 'content-type': 'application/json', 'content-length': 1000 },
      hang: true,
    });
    expect(unread.status).toBe(404);
    expect(await storedCount()).toBe(0);
  });

  it.each([
    ['another SdkAppid', { path: `?${query({ SdkAppid: '1400000002' })}` }, 403],
    ['no SdkAppid', { path: `?CallbackCommand=${END_CALL_COMMAND}` }, 403],
    ['a GET', { method: 'GET' }, 405],
    ['a body that is not JSON', { body: '{"CallbackCommand": "Call.CallbackAfterEndCall", "CallRecord": {' }, 400],
    ['a record without its CallId', { body: endCallBody({ ...wireRecord(), CallId: undefined }) }, 400],
    [
      'a record without times',
      { body: endCallBody({ ...wireRecord(), StartTime: undefined, EndTime: undefined }) },
      400,
    ],
    ['a body without CallRecord', { body: JSON.stringify({ CallbackCommand: END_CALL_COMMAND }) }, 400],
    ['an empty body', { body: '' }, 400],
  ])(
    'refuses %s and stores nothing',
    async (_name, request: { path?: string; method?: string; body?: string }, status) => {
      const answer = await send(server.origin, `/tencent/callback/${TOKEN}${request.path ?? `?${query()}`}`, {
        method: request.method ?? 'POST',
        body: request.method === 'GET' ? undefined : (request.body ?? endCallBody(wireRecord())),
        headers: { 'content-type': 'application/json' },
      });
      expect(answer.status).toBe(status);
      expect(await storedCount()).toBe(0);
      expect(published).toEqual([]);
    },
  );

  it('refuses a 10 MB body by its Content-Length, before reading it', async () => {
    const answer = await send(server.origin, `/tencent/callback/${TOKEN}?${query()}`, {
      headers: { 'content-type': 'application/json', 'content-length': 10 * 1024 * 1024 },
      body: '{"CallbackCommand":"Call.CallbackAfterEndCall","CallRecord":{"CallId":"',
      hang: true,
    });
    expect(answer.status).toBe(413);
    expect(answer.headers.connection).toBe('close');
    expect(await storedCount()).toBe(0);
  });

  it('stops reading a chunked body once it passes 64 KB', async () => {
    const padding = 'x'.repeat(70 * 1024);
    const answer = await send(server.origin, `/tencent/callback/${TOKEN}?${query()}`, {
      headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' },
      body: endCallBody(wireRecord({ RoomId: padding })),
      hang: true,
    });
    expect(answer.status).toBe(413);
    expect(await storedCount()).toBe(0);
  });

  it('cuts off a body that never finishes arriving', async () => {
    await mount({ bodyTimeoutMs: 200 });
    const answer = await send(server.origin, `/tencent/callback/${TOKEN}?${query()}`, {
      headers: { 'content-type': 'application/json', 'content-length': 500 },
      body: '{"CallbackCommand":',
      hang: true,
    });
    expect(answer.status).toBe(408);
    expect(await storedCount()).toBe(0);
  });

  it('keeps hostile strings as data', async () => {
    const record = wireRecord({
      Caller_Account: '<!channel>',
      CalleeList_Account: ['<@U0BOSS>', '*bold*'],
      RoomId: '<https://evil.example|click>',
    });
    expect((await post(server.origin, endCallBody(record))).status).toBe(200);
    expect(await store.getCall(record.CallId)).toMatchObject({
      caller: '<!channel>',
      callees: ['<@U0BOSS>', '*bold*'],
      roomId: '<https://evil.example|click>',
    });
  });

  it('counts every refusal in a log line that never shows the token', async () => {
    await post(server.origin, endCallBody(wireRecord()), `/tencent/callback/${TOKEN}x?${query()}`);
    await post(server.origin, 'nope');
    await post(server.origin, 'nope again');
    await post(server.origin, endCallBody(wireRecord()), `/tencent/callback/${TOKEN}?${query({ SdkAppid: '1' })}`);
    route.flushLog();
    const refused = logs.entries().filter((entry) => entry.msg === 'tencent callback refused');
    const counted = (reason: string) =>
      refused.filter((entry) => entry.reason === reason).reduce((sum, entry) => sum + Number(entry.count), 0);
    expect(counted('wrong-token')).toBe(1);
    expect(counted('not-json')).toBe(2);
    expect(counted('wrong-sdkappid')).toBe(1);
    expect(refused.every((entry) => entry.path === '/tencent/callback/[redacted]')).toBe(true);
    expect(route.stats.rejected).toEqual({ 'wrong-token': 1, 'not-json': 2, 'wrong-sdkappid': 1 });
    expect(logs.text()).not.toContain(TOKEN);
    expect(logs.text()).not.toContain(TOKEN.slice(0, 8));
  });

  it('refuses callbacks while the store is down with 503, summed in a log line instead of a stack each', async () => {
    const down = await engine.open({ at: location });
    await down.close();
    await mount({ store: down });
    const answers = [];
    for (let i = 0; i < 12; i++) answers.push(await post(server.origin, endCallBody(wireRecord())));
    expect(answers.map((answer) => answer.status)).toEqual(Array(12).fill(503));
    route.flushLog();
    const failed = logs.entries().filter((entry) => entry.reason === 'store-failed');
    expect(failed.length).toBeLessThanOrEqual(2);
    expect(failed.reduce((sum, entry) => sum + Number(entry.count), 0)).toBe(12);
    expect(failed[0]?.detail).toMatch(/^the store failed: \S/);
    expect(logs.text()).not.toMatch(/stack|\s+at \S+ \(/);
    expect(route.stats.rejected).toEqual({ 'store-failed': 12 });
  });

  describe('with TENCENT_CALLBACK_SIGN_TOKEN', () => {
    beforeEach(() => mount({ signToken: SIGN_TOKEN }));

    it('stores a callback signed with sha256(token + RequestTime)', async () => {
      const time = String(NOW);
      const signed = query({ Sign: callbackSign(SIGN_TOKEN, time), RequestTime: time });
      const answer = await post(server.origin, endCallBody(wireRecord()), `/tencent/callback/${TOKEN}?${signed}`);
      expect(answer.status).toBe(200);
      expect(await storedCount()).toBe(1);
    });

    it.each([
      ['unsigned', {}],
      ['signed with another token', { Sign: callbackSign('other', String(NOW)), RequestTime: String(NOW) }],
      ['signed 10 minutes ago', { Sign: callbackSign(SIGN_TOKEN, String(NOW - 600)), RequestTime: String(NOW - 600) }],
    ])('refuses one %s with 401', async (_name, extra: Record<string, string>) => {
      const answer = await post(server.origin, endCallBody(wireRecord()), `/tencent/callback/${TOKEN}?${query(extra)}`);
      expect(answer.status).toBe(401);
      expect(await storedCount()).toBe(0);
    });
  });

  it('answers 503 and publishes nothing when the store is down', async () => {
    await store.close();
    const answer = await post(server.origin, endCallBody(wireRecord()));
    expect(answer.status).toBe(503);
    expect(published).toEqual([]);
    store = await engine.open({ at: location });
  });
});
