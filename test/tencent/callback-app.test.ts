/**
 * The callback on the REAL app's port: a Bolt custom route in HTTP mode, the health server's in Socket Mode. A
 * callback is stored with no Tencent request, and reaches a watcher as a DM; a wrong token gets exactly Bolt's answer
 * to a path that does not exist.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { END_CALL_COMMAND } from '../../src/tencent/callback-request.js';
import { anyCall } from '../support/call-records.js';
import { shownTextOf, startTestApp, type TestApp } from '../support/test-app.js';

const TOKEN = 'AppCallbackToken_0123456789';
const NOW = Math.floor(Date.now() / 1000);

const body = (callId: string, caller = '31337') =>
  JSON.stringify({
    CallbackCommand: END_CALL_COMMAND,
    CallRecord: {
      CallId: callId,
      Caller_Account: caller,
      MediaType: 'Audio',
      CallType: 'SingleCall',
      StartTime: NOW - 120,
      EndTime: NOW - 5,
      AcceptTime: NOW - 110,
      CallResult: 'Offline',
      CalleeList_Account: [caller, '42'],
      RoomId: 'r-1',
      RoomIdType: 2,
    },
    EventTime: NOW * 1000,
  });

async function postCallback(app: TestApp, path: string, text: string) {
  const response = await fetch(`${app.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: text,
  });
  return { status: response.status, text: await response.text(), headers: [...response.headers.keys()].sort() };
}

describe.each([
  { mode: 'HTTP', socketMode: false },
  { mode: 'Socket Mode', socketMode: true },
])('the callback in $mode', ({ socketMode }) => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp({ socketMode, sync: 'off', env: { TENCENT_CALLBACK_TOKEN: TOKEN } });
  });
  afterAll(() => app.close());

  const query = () => `SdkAppid=${app.tencent.sdkAppId}&CallbackCommand=${END_CALL_COMMAND}&contenttype=json`;

  it('stores a callback with no Tencent request, and a watcher gets its DM', async () => {
    const realtime = app.realtime;
    await realtime.watchStore.createWatch(
      {
        teamId: 'T0TEST0001',
        userId: 'U0PERSON01',
        channelId: 'C0SUPPORT1',
        filter: { users: ['31337'], results: [], callTypes: [], mediaTypes: [] },
        createdAt: NOW - 600,
        expiresAt: NOW + 86_400,
      },
      NOW,
    );
    const requests = app.tencent.stats.requests;
    const answer = await postCallback(app, `/tencent/callback/${TOKEN}?${query()}`, body(`app-${socketMode}`));
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.text)).toEqual({ ActionStatus: 'OK', ErrorInfo: '', ErrorCode: 0 });
    expect(app.tencent.stats.requests).toBe(requests);
    expect(await app.backend.store.getCall(`app-${socketMode}`)).toMatchObject({ caller: '31337', result: 'Offline' });
    const [dm] = await app.slack.waitForCalls('chat.postMessage', {
      where: (call) => call.args.channel === 'U0PERSON01',
    });
    expect(shownTextOf(dm?.args.blocks)).toContain('Audio call from `31337` to `42` went offline');
    if (socketMode) return;
    // Its Details button, clicked in the DM, reads the call from the store.
    const click = await app.click({ actionId: 'calls_details', value: `app-${socketMode}`, channelId: 'D0DIRECT01' });
    expect(shownTextOf(await app.reply(click.responseId))).toContain(`app-${socketMode}`);
    expect(app.tencent.stats.requests).toBe(requests);
  });

  it('answers a wrong token as it answers a path that does not exist, and never logs the token', async () => {
    const missing = await postCallback(app, `/tencent/elsewhere?${query()}`, body('x'));
    const wrong = await postCallback(app, `/tencent/callback/${TOKEN.replace('A', 'B')}?${query()}`, body('x'));
    expect(wrong).toEqual(missing);
    expect(missing.status).toBe(404);
    // Even the right token with another method: the route answers, so nothing else logs the URL.
    const get = await fetch(`${app.url}/tencent/callback/${TOKEN}?${query()}`);
    expect(get.status).toBe(405);
    expect(app.logs.text()).not.toContain(TOKEN);
  });

  it('never logs the token for a path that nearly matches, whatever the method', async () => {
    const nearMisses = [
      `//tencent/callback/${TOKEN}`,
      `/tencent//callback/${TOKEN}`,
      `/tencent/callback//${TOKEN}`,
      `/tencent/callback/${TOKEN}/x`,
      `/tencent/callback/${TOKEN}/`,
      `/TENCENT/callback/${TOKEN}`,
      `/tencent%2Fcallback/${TOKEN}`,
      `/x/${TOKEN}`,
    ];
    for (const path of nearMisses) {
      await postCallback(app, `${path}?${query()}`, body('near'));
      await fetch(`${app.url}${path}`);
    }
    // The 404s are still logged, with the path the request named, only without the token.
    const paths = app.logs
      .entries()
      .map((entry) => entry.path)
      .filter((path) => typeof path === 'string');
    if (!socketMode) expect(paths).toContain('//tencent/callback/[redacted]');
    expect(app.logs.text()).not.toContain(TOKEN);
    expect(app.logs.text()).not.toContain(TOKEN.slice(4));
  });

  it('refuses another SdkAppid and stores nothing', async () => {
    const realtime = app.realtime;
    const answer = await postCallback(app, `/tencent/callback/${TOKEN}?SdkAppid=1400999999`, body('nope'));
    expect(answer.status).toBe(403);
    expect(realtime.callback?.stats.rejected['wrong-sdkappid']).toBe(1);
  });
});

describe('without TENCENT_CALLBACK_TOKEN', () => {
  it('there is no callback endpoint at all', async () => {
    const app = await startTestApp({ sync: 'off' });
    const store = app.backend.store;
    try {
      const answer = await postCallback(
        app,
        `/tencent/callback/${'x'.repeat(20)}?SdkAppid=${app.tencent.sdkAppId}`,
        body('none'),
      );
      expect(answer.status).toBe(404);
      expect(await store.countCalls(anyCall())).toBe(0);
    } finally {
      await app.close();
    }
  });
});
