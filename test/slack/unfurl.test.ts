/**
 * Call links unfurl into call cards (`link_shared` → `chat.unfurl`), through the real Bolt app over signed HTTP
 * and over Socket Mode, for people the access rules allow and nobody else; a browser gets a page without call data.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callLink } from '../../src/calls/call-links.js';
import { encodeCallButton } from '../../src/slack/state/button-state.js';
import { MODAL_ACTIONS } from '../../src/slack/views/ids.js';
import { buttonsOf } from '../support/block-kit.js';
import type { RecordedCall } from '../support/fake-slack.js';
import { eventCallback } from '../support/slack-requests.js';
import { shownTextOf, startTestApp, type TestApp } from '../support/test-app.js';
import { waitFor } from '../support/wait.js';

const ORIGIN = 'https://callkit.example.com';
const PERSON = 'U0PERSON01';
const OUTSIDER = 'U0OUTSIDE1';
const UNKNOWN_CALL = '00000000-0000-4000-8000-000000000000';

function linkShared(user: string, links: string[], ts: string) {
  return {
    type: 'link_shared',
    channel: 'C0SUPPORT1',
    is_bot_user_member: true,
    user,
    message_ts: ts,
    links: links.map((url) => ({ domain: 'callkit.example.com', url })),
  };
}

const unfurlOf = (call: RecordedCall | undefined, url: string) =>
  (call?.args.unfurls as Record<string, { blocks: unknown[] }> | undefined)?.[url];

describe('call links unfurl (HTTP)', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({
      env: { PUBLIC_URL: `${ORIGIN}/`, ALLOWED_SLACK_USERS: PERSON },
      slack: { users: { [PERSON]: { tz: 'Asia/Tokyo' } } },
    });
  });
  afterAll(() => app.close());

  it("unfurls a call link into that call's card, an unknown call into not found, and leaves other links", async () => {
    const record = app.records[app.records.length - 1];
    if (!record) throw new Error('no records');
    const known = callLink(ORIGIN, record.CallId);
    const unknown = callLink(ORIGIN, UNKNOWN_CALL);
    const other = `${ORIGIN}/healthz`;
    const sent = await app.event(linkShared(PERSON, [known, unknown, other], '1700000100.000001'));
    expect(sent.status).toBe(200);
    const [call] = await app.slack.waitForCalls('chat.unfurl', { where: (c) => c.args.ts === '1700000100.000001' });
    expect(call?.args.channel).toBe('C0SUPPORT1');
    expect(Object.keys(call?.args.unfurls as object).sort()).toEqual([known, unknown].sort());

    const card = unfurlOf(call, known);
    const text = shownTextOf(card);
    expect(text).toContain(`\`${record.Caller_Account}\``);
    // The start time renders in each reader's zone; the fallback is in the sharer's (Tokyo).
    expect(text).toContain(`<!date^${record.StartTime}^`);
    expect(text).toContain('GMT+9');
    expect(text).toMatch(/rang \d/);
    expect(buttonsOf(card)).toEqual([
      expect.objectContaining({ action_id: MODAL_ACTIONS.call, value: encodeCallButton(record.CallId) }),
    ]);

    expect(shownTextOf(unfurlOf(call, unknown))).toContain('Call not found');
    expect(app.blockKitErrors()).toEqual([]);
  });

  it('gives no card to a person outside the allow-lists', async () => {
    const record = app.records[0];
    if (!record) throw new Error('no records');
    await app.event(linkShared(OUTSIDER, [callLink(ORIGIN, record.CallId)], '1700000200.000001'));
    await waitFor(() => app.logs.entries().some((e) => e.audit === 'refused' && e.user === OUTSIDER), {
      what: 'the refusal',
    });
    // The refusal ends the request: the listener never ran, and nothing about the call went to Slack.
    expect(app.slack.callsTo('chat.unfurl').filter((c) => c.args.ts === '1700000200.000001')).toEqual([]);
    expect(app.everythingSent()).not.toContain(record.CallId);
  });

  it("opens every detail of the call in a modal from the card's Details button", async () => {
    const record = app.records[1];
    if (!record) throw new Error('no records');
    const click = await app.click({
      actionId: MODAL_ACTIONS.call,
      value: encodeCallButton(record.CallId),
      responseUrl: null,
      channelId: 'C0SUPPORT1',
    });
    expect(click.http.status).toBe(200);
    const [opened] = await app.slack.waitForCalls('views.open');
    expect((opened?.args.view as { type?: string } | undefined)?.type).toBe('modal');
    const [updated] = await app.slack.waitForCalls('views.update', {
      where: (c) => shownTextOf(c.args.view).includes(record.CallId),
    });
    expect(updated?.args.view_id).toBe((opened?.result.view as { id?: string } | undefined)?.id);
    expect(app.blockKitErrors()).toEqual([]);
  });

  it('refuses the Details button to a person outside the allow-lists', async () => {
    const record = app.records[2];
    if (!record) throw new Error('no records');
    await app.click({
      actionId: MODAL_ACTIONS.call,
      value: encodeCallButton(record.CallId),
      userId: OUTSIDER,
      responseUrl: null,
      channelId: 'C0SUPPORT1',
    });
    await app.settled();
    expect(app.everythingSent()).not.toContain(record.CallId);
  });

  it('gives every call of a /calls reply its link, which is what unfurls', async () => {
    const sent = await app.command('last:7d');
    const reply = await app.reply(sent.responseId);
    const sections = (reply.blocks as Array<{ type: string; text?: { text: string } }>).filter((b) =>
      b.text?.text.includes('CallId'),
    );
    expect(sections.length).toBeGreaterThan(0);
    for (const section of sections) {
      const callId = /CallId `([^`]+)`/.exec(section.text?.text ?? '')?.[1] ?? '';
      expect(section.text?.text).toContain(`<${callLink(ORIGIN, callId)}|link to this call>`);
    }
  });

  it('shows a browser a page that says to open the link in Slack, with no call data', async () => {
    const record = app.records[3];
    if (!record) throw new Error('no records');
    const response = await fetch(`${app.url}/calls/${encodeURIComponent(record.CallId)}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/html');
    const page = await response.text();
    expect(page).toContain('Open this link in Slack');
    expect(page).not.toContain(record.CallId);
    expect(page).not.toContain(record.Caller_Account);
  });
});

describe('call links unfurl (Socket Mode)', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ socketMode: true, env: { PUBLIC_URL: ORIGIN } });
  });
  afterAll(() => app.close());

  it('answers a link_shared envelope with chat.unfurl, and serves the browser page on its own port', async () => {
    const socket = app.socket;
    if (!socket) throw new Error('no socket');
    const record = app.records[5];
    if (!record) throw new Error('no records');
    const link = callLink(ORIGIN, record.CallId);
    const envelopeId = socket.eventsApi(
      JSON.parse(eventCallback(linkShared(PERSON, [link], '1700000300.000001')).body),
    );
    expect((await socket.waitForAck(envelopeId)).payload).toEqual({});
    const [call] = await app.slack.waitForCalls('chat.unfurl');
    expect(shownTextOf(unfurlOf(call, link))).toContain(`\`${record.Caller_Account}\``);
    const page = await fetch(`${app.url}/calls/${encodeURIComponent(record.CallId)}`);
    expect(await page.text()).toContain('Open this link in Slack');
  });
});
