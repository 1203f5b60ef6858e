/**
 * Tencent callbacks over real HTTP, on the real app's port, open an incident: the callback route stores each call
 * and publishes it on the new-calls feed the monitor listens to, as app.ts wires them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IncidentMonitor } from '../../src/jobs/incident-monitor.js';
import { END_CALL_COMMAND } from '../../src/tencent/callback-request.js';
import { shownTextOf, startTestApp, type TestApp } from '../support/test-app.js';

const TOKEN = 'IncidentCallbackToken_0123456789';
const CHANNEL = 'C0ALERTS1';
const NOW = Math.floor(Date.now() / 1000);

function callback(i: number, result: string): string {
  return JSON.stringify({
    CallbackCommand: END_CALL_COMMAND,
    CallRecord: {
      CallId: `incident-cb-${i}`,
      Caller_Account: result === 'NormalEnd' ? 'happy' : '<!channel>',
      MediaType: 'Video',
      CallType: 'SingleCall',
      StartTime: NOW - 120,
      EndTime: NOW - 5,
      AcceptTime: NOW - 110,
      CallResult: result,
      CalleeList_Account: ['agent-7'],
      RoomId: `r-${i}`,
      RoomIdType: 2,
    },
    EventTime: NOW * 1000,
  });
}

describe('Tencent callbacks → incident', () => {
  let app: TestApp;
  let monitor: IncidentMonitor;

  beforeAll(async () => {
    // An empty store (no sync), the service's own monitor over it, fed by the callback route as npm start wires it.
    app = await startTestApp({
      env: { TENCENT_CALLBACK_TOKEN: TOKEN, ALERT_CHANNEL: CHANNEL },
      sync: 'off',
      now: () => NOW,
      incidentCheckEveryMs: 3_600_000,
    });
    const started = app.running.incidents;
    if (started === undefined) throw new Error('the service started no incident monitor');
    monitor = started;
    await monitor.settled();
  });
  afterAll(async () => {
    await app?.close();
  });

  it('the callback that makes 2 of 20 calls dropped opens one incident, escaped', async () => {
    const post = async (i: number, result: string) => {
      const response = await fetch(
        `${app.url}/tencent/callback/${TOKEN}?SdkAppid=${app.tencent.sdkAppId}&CallbackCommand=${END_CALL_COMMAND}&contenttype=json`,
        { method: 'POST', headers: { 'content-type': 'application/json' }, body: callback(i, result) },
      );
      expect(response.status).toBe(200);
      await monitor.settled();
    };
    // The two dropped calls' member callbacks: the callee's app went offline in both.
    for (const i of [18, 19]) {
      const changed = await fetch(
        `${app.url}/tencent/callback/${TOKEN}?SdkAppid=${app.tencent.sdkAppId}&CallbackCommand=Call.CallbackAfterMemberChanged&contenttype=json`,
        {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            CallbackCommand: 'Call.CallbackAfterMemberChanged',
            CallId: `incident-cb-${i}`,
            ChangedUserList: [{ User_Account: 'agent-7', ActionType: 'Offline' }],
            EventTime: (NOW - 6) * 1000,
          }),
        },
      );
      expect(changed.status).toBe(200);
    }
    for (let i = 0; i < 18; i++) await post(i, 'NormalEnd');
    await post(18, 'Offline');
    expect(app.slack.callsTo('chat.postMessage')).toEqual([]); // 1 of 19: too few calls to count
    await post(19, 'Interrupt');
    const [opened] = await app.slack.waitForCalls('chat.postMessage', { count: 1 });
    expect(opened?.args.channel).toBe(CHANNEL);
    const shown = shownTextOf(opened?.args.blocks);
    expect(shown).toContain('*2 of 20 calls* that ended in the last 15 min (Interrupt 1 · Offline 1)');
    expect(shown).toContain('`&lt;!channel&gt;` ×2');
    expect(shown).toContain("*By cause*\n2 of 2 dropped calls: the callee's app went offline");
    expect(JSON.stringify(opened?.args)).not.toContain('<!channel>');
    // The same callback again (a retry, or a forward) is stored once and changes nothing.
    await post(19, 'Interrupt');
    expect(app.slack.callsTo('chat.postMessage').filter((call) => call.args.thread_ts === undefined)).toHaveLength(1);
    expect(app.blockKitErrors()).toEqual([]);
  });
});
