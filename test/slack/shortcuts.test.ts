/**
 * The shortcuts through the real Bolt app over signed HTTP: "Find calls" on a message opens a modal with the users
 * and CallIds it names, whose buttons show their calls in the same modal, paging there; "Search calls" opens the
 * Home tab's filters in a modal and answers its Search. The access rules apply to each, modal clicks included.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WireCallRecord } from '../../src/calls/records.js';
import { decodePageButton } from '../../src/slack/state/button-state.js';
import {
  CALLS_MODAL_CALLBACK_ID,
  MODAL_ACTIONS,
  SEARCH_MODAL_CALLBACK_ID,
  SHORTCUT_IDS,
} from '../../src/slack/views/ids.js';
import { buttonsOf } from '../support/block-kit.js';
import { FAKE_TEAM_ID, type RecordedCall } from '../support/fake-slack.js';
import { interaction } from '../support/slack-requests.js';
import { shownTextOf, startTestApp, type TestApp } from '../support/test-app.js';

const PERSON = 'U0PERSON01';
let triggers = 0;

function messageShortcut(text: string, options: { userId?: string; channelId?: string } = {}) {
  triggers += 1;
  return interaction({
    type: 'message_action',
    callback_id: SHORTCUT_IDS.findCalls,
    trigger_id: `${triggers}.trigger`,
    response_url: 'https://hooks.slack.invalid/actions/unused',
    token: 'deprecated-verification-token',
    api_app_id: 'A0TESTAPP1',
    action_ts: '1700000000.000100',
    message_ts: '1700000000.000050',
    team: { id: FAKE_TEAM_ID, domain: 'fake-workspace' },
    user: { id: options.userId ?? PERSON, name: 'person', team_id: FAKE_TEAM_ID },
    channel: { id: options.channelId ?? 'C0SUPPORT1', name: 'support' },
    message: { type: 'message', user: 'U0CUSTOMER', text, ts: '1700000000.000050' },
  });
}

type View = { id?: string; private_metadata?: string; blocks?: unknown[] };

/** The view the app showed last in the modal `viewId` (its views.update calls, in order). */
async function shownIn(app: TestApp, viewId: string, count: number): Promise<View> {
  const updates = await app.slack.waitForCalls('views.update', {
    count,
    where: (call) => call.args.view_id === viewId,
  });
  return updates[count - 1]?.args.view as View;
}

/** A click on a button inside the modal `viewId` (no channel: Slack sends none from a modal). */
function clickInModal(app: TestApp, viewId: string, view: View, actionId: string, value: string) {
  return app.click({
    actionId,
    value,
    channelId: undefined,
    responseUrl: null,
    view: {
      id: viewId,
      type: 'modal',
      callback_id: CALLS_MODAL_CALLBACK_ID,
      private_metadata: view.private_metadata ?? '',
    },
  });
}

/** The calls of `user` in [from, to) that the store vouches for (from where its coverage starts). */
async function callsOf(app: TestApp, user: string, from: number, to: number): Promise<WireCallRecord[]> {
  const coveredFrom = (await app.backend.store.coverage()).coveredFrom ?? from;
  return app.records
    .filter((r) => r.StartTime >= Math.max(from, coveredFrom))
    .filter((r) => r.StartTime >= from && r.StartTime < to)
    .filter((r) => r.Caller_Account === user || r.CalleeList_Account.includes(user))
    .sort((a, b) => b.StartTime - a.StartTime || (a.CallId < b.CallId ? -1 : 1));
}

describe('"Find calls" message shortcut', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ env: { ALLOWED_SLACK_USERS: PERSON } });
  });
  afterAll(() => app.close());

  it('offers the user 147 and the CallId a message names; 147 lists its calls, paging in the modal', async () => {
    const call = app.records.find((r) => r.Caller_Account !== '147' && !r.CalleeList_Account.includes('147'));
    if (!call) throw new Error('no call without 147');
    const sent = await app.send(
      messageShortcut(`Customer 147 says call ${call.CallId} dropped twice, see <@U0SOMEONE1> and <#C0OTHER001|x>`),
    );
    expect(sent.status).toBe(200);
    const [opened] = await app.slack.waitForCalls('views.open');
    const viewId = String((opened?.result.view as { id?: string } | undefined)?.id);
    const offer = await shownIn(app, viewId, 1);
    const buttons = buttonsOf(offer);
    expect(buttons.map((b) => b.action_id)).toEqual([MODAL_ACTIONS.userCalls, MODAL_ACTIONS.call]);
    expect(shownTextOf(offer)).toContain('Alice Wong (`147`)');
    expect(shownTextOf(offer)).toContain(call.CallId);
    // Words that are no user the store knows are not offered.
    expect(shownTextOf(offer)).not.toMatch(/`(Customer|says|dropped|twice)`/);

    const userButton = buttons[0]?.value ?? '';
    const decoded = decodePageButton(userButton);
    if (!decoded.ok) throw new Error('the button does not read back');
    const expected = await callsOf(app, '147', decoded.state.query.from, decoded.state.query.to);
    expect(expected.length).toBeGreaterThan(10);

    await clickInModal(app, viewId, offer, MODAL_ACTIONS.userCalls, userButton);
    // Inside a modal the answer replaces the modal clicked in, with no "Looking up…" first.
    const page1 = await shownIn(app, viewId, 2);
    const text1 = shownTextOf(page1);
    expect(text1).toContain(`${expected.length.toLocaleString('en-US')} calls`);
    for (const r of expected.slice(0, 10)) expect(text1).toContain(r.CallId);
    expect(text1).not.toContain(expected[10]?.CallId);

    const next = buttonsOf(page1).find((b) => b.action_id === MODAL_ACTIONS.pageNext);
    expect(next).toBeDefined();
    await clickInModal(app, viewId, page1, MODAL_ACTIONS.pageNext, next?.value ?? '');
    const page2 = await shownIn(app, viewId, 3);
    const text2 = shownTextOf(page2);
    for (const r of expected.slice(10, 20)) expect(text2).toContain(r.CallId);
    expect(text2).not.toContain(expected[0]?.CallId);
    expect(app.blockKitErrors()).toEqual([]);
  });

  it('tells a person outside the allow-lists why, in a modal, and shows them nothing of the message', async () => {
    const call = app.records[7] as WireCallRecord;
    await app.send(messageShortcut(`call ${call.CallId}`, { userId: 'U0OUTSIDE1' }));
    await app.settled();
    const [refusal] = await app.slack.waitForCalls('views.open', {
      where: (c) => shownTextOf(c.args.view).includes('You are not allowed to search call records'),
    });
    expect(refusal).toBeDefined();
    expect(app.slack.calls.filter((c: RecordedCall) => JSON.stringify(c.args).includes(call.CallId))).toEqual([]);
  });
});

describe('shortcuts under a channel allow-list', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ env: { ALLOWED_SLACK_CHANNELS: 'C0SUPPORT1' } });
  });
  afterAll(() => app.close());

  it('lets a modal opened in an allowed channel page on, and refuses the shortcut in another channel', async () => {
    const call = app.records[3] as WireCallRecord;
    await app.send(messageShortcut(`call ${call.CallId}`));
    const [opened] = await app.slack.waitForCalls('views.open');
    const viewId = String((opened?.result.view as { id?: string } | undefined)?.id);
    const offer = await shownIn(app, viewId, 1);
    const button = buttonsOf(offer).find((b) => b.action_id === MODAL_ACTIONS.call);
    await clickInModal(app, viewId, offer, MODAL_ACTIONS.call, button?.value ?? '');
    const details = await shownIn(app, viewId, 2);
    expect(shownTextOf(details)).toContain(call.Caller_Account);

    await app.send(messageShortcut(`call ${call.CallId}`, { channelId: 'C0ELSEWHER' }));
    await app.settled();
    const opened2 = app.slack.callsTo('views.open');
    expect(opened2).toHaveLength(2);
    expect(shownTextOf(opened2[1]?.args.view)).toContain('Call records cannot be searched in this channel');
    expect(app.slack.callsTo('views.update').filter((c) => c.args.view_id !== viewId)).toEqual([]);
  });
});

describe('"Search calls" global shortcut', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(() => app.close());

  it("opens the Home tab's filters in a modal and answers Search with the calls, paging in the modal", async () => {
    const sent = await app.send(
      interaction({
        type: 'shortcut',
        callback_id: SHORTCUT_IDS.searchCalls,
        trigger_id: '77.trigger',
        token: 'deprecated-verification-token',
        action_ts: '1700000000.000200',
        team: { id: FAKE_TEAM_ID, domain: 'fake-workspace' },
        user: { id: PERSON, username: 'person', team_id: FAKE_TEAM_ID },
      }),
    );
    expect(sent.status).toBe(200);
    const [opened] = await app.slack.waitForCalls('views.open');
    const form = opened?.args.view as { callback_id: string; blocks: Array<{ type: string; block_id: string }> };
    expect(form.callback_id).toBe(SEARCH_MODAL_CALLBACK_ID);
    expect(form.blocks.filter((b) => b.type === 'input').map((b) => b.block_id)).toEqual(
      expect.arrayContaining(['home_user', 'home_results', 'home_preset']),
    );

    const submitted = await app.send(
      interaction({
        type: 'view_submission',
        token: 'deprecated-verification-token',
        trigger_id: '78.trigger',
        team: { id: FAKE_TEAM_ID, domain: 'fake-workspace' },
        user: { id: PERSON, username: 'person', team_id: FAKE_TEAM_ID },
        view: {
          id: 'V0SEARCH01',
          type: 'modal',
          callback_id: SEARCH_MODAL_CALLBACK_ID,
          private_metadata: '',
          hash: '1.abc',
          state: {
            values: {
              home_user: { user: { type: 'plain_text_input', value: '147' } },
              home_preset: {
                preset: {
                  type: 'static_select',
                  selected_option: { value: 'last_7d', text: { type: 'plain_text', text: 'Last 7 days' } },
                },
              },
            },
          },
        },
      }),
    );
    expect(submitted.status).toBe(200);
    expect(JSON.parse(submitted.text)).toMatchObject({ response_action: 'update' });
    const results = await shownIn(app, 'V0SEARCH01', 1);
    const next = buttonsOf(results).find((b) => b.action_id === MODAL_ACTIONS.pageNext);
    const decoded = decodePageButton(next?.value ?? '');
    if (!decoded.ok) throw new Error('no Next button');
    const expected = await callsOf(app, '147', decoded.state.query.from, decoded.state.query.to);
    const text = shownTextOf(results);
    expect(text).toContain(`${expected.length.toLocaleString('en-US')} calls`);
    for (const r of expected.slice(0, 10)) expect(text).toContain(r.CallId);
    expect(app.blockKitErrors()).toEqual([]);
  });
});
