/**
 * Timelines and causes in the REAL app: Tencent's three call callbacks posted to the app's callback route, then
 * `/calls id:<CallId>` as a person asks it. The acceptance cases: the callee going offline, a rejection, a normal
 * hang-up, and a call with no events.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callLink } from '../../src/calls/call-links.js';
import { MEMBER_CHANGED_COMMAND, START_CALL_COMMAND } from '../../src/tencent/call-event-callbacks.js';
import { END_CALL_COMMAND } from '../../src/tencent/callback-request.js';
import { shownTextOf, startTestApp, type TestApp } from '../support/test-app.js';

const TOKEN = 'TimelineCallbackToken_0123456789';
const ORIGIN = 'https://callkit.example.com';
const NOW = Math.floor(Date.now() / 1000);
const T0 = (NOW - 3_600) * 1000;

interface Step {
  command: string;
  body: Record<string, unknown>;
}

function call(
  callId: string,
  result: string,
  steps: [number, string, string][],
  acceptAfter: number | null,
  endAfter: number,
) {
  const list: Step[] = [
    {
      command: START_CALL_COMMAND,
      body: {
        CallInfo: { CallId: callId, MediaType: 'Audio', RoomId: 'r', RoomIdType: 2 },
        UserList: [
          { User_Account: '147', Status: 'Calling' },
          { User_Account: '369', Status: 'Waiting' },
        ],
        EventTime: T0,
      },
    },
    ...steps.map(
      ([after, user, action]): Step => ({
        command: MEMBER_CHANGED_COMMAND,
        body: {
          CallId: callId,
          ChangedUserList: [{ User_Account: user, ActionType: action }],
          EventTime: T0 + after * 1000,
        },
      }),
    ),
    {
      command: END_CALL_COMMAND,
      body: {
        CallRecord: {
          CallId: callId,
          Caller_Account: '147',
          MediaType: 'Audio',
          CallType: 'SingleCall',
          StartTime: T0 / 1000,
          EndTime: T0 / 1000 + endAfter,
          AcceptTime: acceptAfter === null ? 0 : T0 / 1000 + acceptAfter,
          CallResult: result,
          CalleeList_Account: ['147', '369'],
          RoomId: 'r',
          RoomIdType: 2,
        },
        EventTime: T0 + endAfter * 1000,
      },
    },
  ];
  return list;
}

describe('call timelines and causes in call details', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp({
      sync: 'off',
      env: { TENCENT_CALLBACK_TOKEN: TOKEN, DEFAULT_TIMEZONE: 'UTC', PUBLIC_URL: ORIGIN },
    });
    await app.backend.names.saveNames(
      [
        { userId: '147', name: 'Alice Wong' },
        { userId: '369', name: 'Bob Li' },
      ],
      NOW,
    );
  });
  afterAll(() => app.close());

  async function send(steps: Step[]) {
    for (const { command, body } of steps) {
      const qs = `SdkAppid=${app.tencent.sdkAppId}&CallbackCommand=${command}&contenttype=json`;
      const response = await fetch(`${app.url}/tencent/callback/${TOKEN}?${qs}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ CallbackCommand: command, ...body }),
      });
      expect(response.status).toBe(200);
    }
  }

  async function details(callId: string): Promise<string> {
    const sent = await app.command(`id:${callId}`);
    return shownTextOf((await app.reply(sent.responseId)).blocks);
  }

  it("names the callee's side when the callee's app goes offline", async () => {
    await send(
      call(
        'tl-offline',
        'Interrupt',
        [
          [6, '369', 'Accept'],
          [127, '369', 'Offline'],
        ],
        6,
        130,
      ),
    );
    const text = await details('tl-offline');
    expect(text).toContain(
      "Interrupted 2m 07s in: Bob Li (`369`)'s app stopped responding (heartbeat lost) while Alice Wong (`147`) was still connected",
    );
    expect(text).toContain('Alice Wong (`147`) called Bob Li (`369`)');
    expect(text).toContain('(+6s) Bob Li (`369`) accepted');
    expect(text).toMatch(/\(\+2m 07s\) Bob Li \(`369`\) went offline: heartbeat lost/);
  });

  it('a pasted link to the call unfurls into a card with the same cause', async () => {
    await send(
      call(
        'tl-card',
        'Interrupt',
        [
          [6, '369', 'Accept'],
          [127, '369', 'Offline'],
        ],
        6,
        130,
      ),
    );
    const url = callLink(ORIGIN, 'tl-card');
    await app.event({
      type: 'link_shared',
      channel: 'C0SUPPORT1',
      user: 'U0PERSON01',
      message_ts: '1700000300.000001',
      links: [{ domain: 'callkit.example.com', url }],
    });
    const [unfurl] = await app.slack.waitForCalls('chat.unfurl', { where: (c) => c.args.ts === '1700000300.000001' });
    const card = (unfurl?.args.unfurls as Record<string, { blocks: unknown[] }> | undefined)?.[url];
    expect(shownTextOf(card?.blocks)).toContain("Bob Li (`369`)'s app stopped responding (heartbeat lost)");
  });

  it('names who rejected a rejected call', async () => {
    await send(call('tl-reject', 'Reject', [[6, '369', 'Reject']], null, 6));
    const text = await details('tl-reject');
    expect(text).toContain('Rejected by Bob Li (`369`) after 6s of ringing');
    expect(text).toContain('(+6s) Bob Li (`369`) rejected the call');
  });

  it('names who hung up a normal call', async () => {
    await send(
      call(
        'tl-normal',
        'NormalEnd',
        [
          [4, '369', 'Answer'],
          [95, '147', 'Hang Up'],
        ],
        4,
        95,
      ),
    );
    const text = await details('tl-normal');
    expect(text).toContain('*Cause*\nAlice Wong (`147`) hung up');
    expect(text).toContain('(+1m 35s) Alice Wong (`147`) hung up');
  });

  it('says the cause in the watch DM of a watched call', async () => {
    await app.realtime.watchStore.createWatch(
      {
        teamId: 'T0TEST0001',
        userId: 'U0PERSON01',
        channelId: 'C0SUPPORT1',
        filter: { users: ['147'], results: [], callTypes: [], mediaTypes: [] },
        createdAt: NOW - 7_200,
        expiresAt: NOW + 86_400,
      },
      NOW,
    );
    await send(
      call(
        'tl-watched',
        'Interrupt',
        [
          [3, '369', 'Accept'],
          [40, '147', 'Offline'],
        ],
        3,
        41,
      ),
    );
    const [dm] = await app.slack.waitForCalls('chat.postMessage', {
      where: (c) => c.args.channel === 'U0PERSON01' && JSON.stringify(c.args.blocks).includes('tl-watched'),
    });
    expect(shownTextOf(dm?.args.blocks)).toContain(
      "Cause: Interrupted 40s in: Alice Wong (`147`)'s app stopped responding (heartbeat lost) while Bob Li (`369`) was still connected",
    );
  });

  it('/calls live lists a call once its start callback is answered, with its state, and not once its end arrives', async () => {
    const steps = call('tl-live', 'NormalEnd', [[5, '369', 'Accept']], 5, 30);
    // Started now (the list keeps calls of the last hours only).
    const startMs = (NOW - 20) * 1000;
    for (const step of steps) {
      const body = step.body as { EventTime: number };
      body.EventTime = startMs + (body.EventTime - T0);
    }
    const live = async (filter = '') => {
      const sent = await app.command(`live ${filter}`);
      return shownTextOf((await app.reply(sent.responseId)).blocks);
    };
    await send([steps[0] as Step]);
    const ringing = await live();
    expect(ringing).toContain('tl-live');
    expect(ringing).toContain('Ringing');
    expect(ringing).toContain('Bob Li (`369`) (ringing)');
    await send([steps[1] as Step]);
    expect(await live('user:369')).toMatch(/Connected audio · Alice Wong \(`147`\), Bob Li \(`369`\)\n.*tl-live/);
    expect(await live('user:999')).not.toContain('tl-live');
    // The Home tab's section lists it too.
    const before = app.slack.callsTo('views.publish').length;
    await app.event({ type: 'app_home_opened', user: 'U0PERSON01', channel: 'D0HOME', tab: 'home' });
    const published = await app.slack.waitForCalls('views.publish', { count: before + 1 });
    const home = shownTextOf((published[before]?.args.view as { blocks?: unknown[] } | undefined)?.blocks);
    expect(home).toContain('Calls in progress');
    expect(home).toMatch(/Connected audio · Alice Wong \(`147`\), Bob Li \(`369`\)\n.*tl-live/);
    await send([steps[2] as Step]);
    expect(await live()).not.toContain('tl-live');
  });

  it('says once, without guessing, that a call without events has no cause, and how to turn events on', async () => {
    await app.backend.store.upsertCalls([
      {
        callId: 'tl-none',
        caller: '147',
        callees: ['369'],
        mediaType: 'Audio',
        callType: 'SingleCall',
        startTime: NOW - 100,
        endTime: NOW - 50,
        acceptTime: NOW - 90,
        result: 'Interrupt',
        roomId: 'r',
        roomIdType: 2,
      },
    ]);
    const text = await details('tl-none');
    expect(text).not.toContain('*Cause*');
    expect(text).toContain('This call has no call events');
    expect(text).toContain('npm run callback -- set');
    expect(text.split('no call events')).toHaveLength(2);
  });
});
