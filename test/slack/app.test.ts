/**
 * End to end through the real app (Bolt's HTTPReceiver on a random port), with signed requests, the fake Slack
 * Web API, local response_urls and the demo Tencent server over HTTP.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PinnedQuery } from '../../src/calls/query.js';
import type { WireCallRecord } from '../../src/calls/records.js';
import { createShutdownHandler } from '../../src/slack/lifecycle.js';
import { decodePageButton, encodePageButton, encodeSummaryButton } from '../../src/slack/state/button-state.js';
import { buttonsOf, type FoundButton } from '../support/block-kit.js';
import { slashCommand } from '../support/slack-requests.js';
import { shownTextOf, startTestApp, type TestApp, textOf } from '../support/test-app.js';
import { waitFor } from '../support/wait.js';

const PERSON = 'U0PERSON01'; // users.info says Asia/Tokyo
const NO_ZONE = 'U0NOZONE01'; // users.info does not know them: DEFAULT_TIMEZONE applies
const DEFAULT_ZONE = 'Europe/Berlin';

function button(message: unknown, actionId: string): FoundButton | undefined {
  return buttonsOf(message).find((b) => b.action_id === actionId);
}

/** CallIds of `records` that appear anywhere in `message`. */
function callIdsIn(message: unknown, records: readonly WireCallRecord[]): Set<string> {
  const text = shownTextOf(message);
  return new Set(records.filter((r) => text.includes(r.CallId)).map((r) => r.CallId));
}

function pinnedOf(message: unknown): PinnedQuery {
  const value = button(message, 'calls_share')?.value;
  if (!value) throw new Error('no Share button to read the pinned query from');
  const decoded = decodePageButton(value);
  if (!decoded.ok) throw new Error('Share button value does not decode');
  return decoded.state.query;
}

/**
 * The calls a pinned query should show: those of the demo records that match it and that the store covers (the
 * sync's window starts on a whole hour a little inside Tencent's 7 days, and the reply says so).
 */
function matching(records: readonly WireCallRecord[], query: PinnedQuery, coveredFrom: number | null): string[] {
  const from = Math.max(query.from, coveredFrom ?? query.from);
  return records
    .filter((r) => r.StartTime >= from && r.StartTime < query.to)
    .filter((r) => query.results.length === 0 || (query.results as string[]).includes(r.CallResult))
    .filter(
      (r) =>
        query.users.length === 0 || query.users.some((u) => r.Caller_Account === u || r.CalleeList_Account.includes(u)),
    )
    .map((r) => r.CallId);
}

function hourMinuteIn(unixSeconds: number, timeZone: string): string {
  return new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(
    unixSeconds * 1000,
  );
}

describe('the Slack app, end to end', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp({
      env: { DEFAULT_TIMEZONE: DEFAULT_ZONE },
      slack: { users: { [PERSON]: { tz: 'Asia/Tokyo' } } },
    });
  });
  afterAll(async () => {
    await app?.close();
  });

  /** Runs `/calls text` and returns the reply posted to its response_url. */
  async function calls(text: string, options: Parameters<TestApp['command']>[1] = {}) {
    const sent = await app.command(text, options);
    expect(sent.http.status).toBe(200);
    return { ...sent, reply: await app.reply(sent.responseId) };
  }

  /** Clicks a button of `message` (with a fresh response_url) and returns the reply. */
  async function clickIn(message: unknown, actionId: string, options: { userId?: string } = {}) {
    const target = button(message, actionId);
    if (!target) throw new Error(`no ${actionId} button`);
    const sent = await app.click({ actionId, value: target.value, ...options });
    expect(sent.http.status).toBe(200);
    return app.reply(sent.responseId);
  }

  it('answers GET /healthz with ok and the store: engine, coveredFrom and lastSyncAt as ISO times', async () => {
    const response = await fetch(`${app.url}/healthz`);
    expect(response.status).toBe(200);
    const body = (await response.json()) as { store: { coveredFrom: string; lastSyncAt: string } };
    expect(body).toMatchObject({ ok: true, store: { engine: 'sqlite', invalidRecords: 0, syncProblem: null } });
    const iso = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
    expect(body.store.coveredFrom).toMatch(iso);
    expect(body.store.lastSyncAt).toMatch(iso);
    expect(Date.parse(body.store.coveredFrom)).toBeLessThan(Date.parse(body.store.lastSyncAt));
  });

  it('refuses a bad signature and a stale timestamp with 401, reaching no API', async () => {
    const slackCalls = app.slack.calls.length;
    const tencentRequests = app.tencent.stats.requests;
    const posts = app.responses.posts.length;
    const target = app.responses.create();
    const request = slashCommand({ text: 'result:interrupted', response_url: target.url });

    const forged = await app.send(request, { signature: `v0=${'0'.repeat(64)}` });
    expect(forged.status).toBe(401);
    const stale = await app.send(request, { timestamp: Math.floor(Date.now() / 1000) - 6 * 60 });
    expect(stale.status).toBe(401);
    const otherSecret = await fetch(app.eventsUrl, {
      method: 'POST',
      headers: { 'content-type': request.contentType },
      body: request.body,
    });
    expect(otherSecret.status).toBe(401);

    await app.settled();
    expect(app.slack.calls.length).toBe(slackCalls);
    expect(app.tencent.stats.requests).toBe(tencentRequests);
    expect(app.responses.posts.length).toBe(posts);
  });

  it('acks /calls at once and sends page 1 with the count through the response_url', async () => {
    // Tencent slow: the answer comes from the store all the same, and the ack never waits for anything.
    app.tencent.setLatency(1_500);
    try {
      const sent = await app.command('result:interrupted', { user_id: PERSON });
      expect(sent.http.status).toBe(200);
      expect(sent.http.text).toBe('');
      const reply = await app.reply(sent.responseId);
      expect(reply.response_type).toBe('ephemeral');
      expect(textOf(reply)).toMatch(/\d+ calls/);
      expect(textOf(reply)).toMatch(/page 1 of \d+/);
      expect(textOf(reply)).toMatch(/demo data/i);
    } finally {
      app.tencent.setLatency(0);
    }
  });

  it('pages with Next from the first page to the last, showing every matching call exactly once', async () => {
    for (const text of ['result:interrupted', 'user:147 last:5d']) {
      let { reply } = await calls(text, { user_id: PERSON });
      const expected = matching(app.records, pinnedOf(reply), (await app.backend.store.coverage()).coveredFrom);
      const pageCount = Number(/page 1 of (\d+)/.exec(textOf(reply))?.[1] ?? 1);
      expect(pageCount).toBeGreaterThan(1);
      const seen: string[] = [...callIdsIn(reply, app.records)];
      for (let page = 2; page <= pageCount; page++) {
        reply = await clickIn(reply, 'calls_page_next', { userId: PERSON });
        expect(reply.replace_original).toBe(true);
        expect(textOf(reply)).toContain(`page ${page} of ${pageCount}`);
        seen.push(...callIdsIn(reply, app.records));
      }
      expect(button(reply, 'calls_page_next')).toBeUndefined();
      expect(new Set(seen).size).toBe(seen.length);
      expect([...seen].sort()).toEqual([...expected].sort());
    }
  });

  it('pages by anchors: Next from first to last once each, Previous back over the same calls, Share the page on screen', async () => {
    let { reply } = await calls('user:147 last:5d', { user_id: PERSON });
    const expected = matching(app.records, pinnedOf(reply), (await app.backend.store.coverage()).coveredFrom);
    const pages: string[][] = [[...callIdsIn(reply, app.records)]];
    const replies = [reply];
    while (button(reply, 'calls_page_next')) {
      const next = decodePageButton(button(reply, 'calls_page_next')?.value ?? '');
      // Next carries the last call on screen as its anchor.
      expect(next.ok && next.state.anchor && 'after' in next.state.anchor).toBe(true);
      if (next.ok && next.state.anchor && 'after' in next.state.anchor) {
        expect(pages[pages.length - 1]).toContain(next.state.anchor.after.callId);
      }
      reply = await clickIn(reply, 'calls_page_next', { userId: PERSON });
      pages.push([...callIdsIn(reply, app.records)]);
      replies.push(reply);
      expect(pages.length).toBeLessThan(100);
    }
    const seen = pages.flat();
    expect(pages.length).toBeGreaterThan(2);
    expect(new Set(seen).size).toBe(seen.length);
    expect([...seen].sort()).toEqual([...expected].sort());

    // Share on a page reached by Next posts exactly that page.
    const before = app.slack.callsTo('chat.postMessage').length;
    await app.click({ actionId: 'calls_share', value: button(reply, 'calls_share')?.value, userId: PERSON });
    const posts = await app.slack.waitForCalls('chat.postMessage', { count: before + 1 });
    expect([...callIdsIn(posts[before]?.args.blocks, app.records)]).toEqual(pages[pages.length - 1]);

    // Previous from the last page back to the first shows each page as it was.
    for (let i = pages.length - 2; i >= 0; i--) {
      reply = await clickIn(reply, 'calls_page_prev', { userId: PERSON });
      expect([...callIdsIn(reply, app.records)]).toEqual(pages[i]);
    }
    expect(button(reply, 'calls_page_prev')).toBeUndefined();
  });

  it('goes back with Previous', async () => {
    const { reply: first } = await calls('result:interrupted', { user_id: PERSON });
    const second = await clickIn(first, 'calls_page_next', { userId: PERSON });
    const back = await clickIn(second, 'calls_page_prev', { userId: PERSON });
    expect(back.replace_original).toBe(true);
    expect(textOf(back)).toContain('page 1 of');
    expect([...callIdsIn(back, app.records)]).toEqual([...callIdsIn(first, app.records)]);
    expect([...callIdsIn(second, app.records)].some((id) => callIdsIn(first, app.records).has(id))).toBe(false);
  });

  it('answers help, and bad input with the bad token named, without asking Tencent', async () => {
    const requests = app.tencent.stats.requests;
    const { reply: help } = await calls('help');
    expect(textOf(help)).toContain('/calls');
    const { reply: bad } = await calls('result:bogus last:3d');
    expect(textOf(bad)).toContain('bogus');
    expect(app.tencent.stats.requests).toBe(requests);
  });

  it('shows every detail of one call for id:<CallId>, and says when there is none', async () => {
    const record = app.records[app.records.length - 5] as WireCallRecord;
    const { reply } = await calls(`id:${record.CallId}`);
    expect(textOf(reply)).toContain(record.CallId);
    expect(textOf(reply)).toContain(record.Caller_Account);
    const { reply: missing } = await calls('id:no-such-call-0000');
    expect(textOf(missing)).toMatch(/no call/i);
  });

  it('opens Details from a result as a new message, and "Other calls of" from there', async () => {
    const { reply } = await calls('type:group', { user_id: PERSON });
    const details = button(reply, 'calls_details');
    expect(details?.value).toBeTruthy();
    const sent = await app.click({ actionId: 'calls_details', value: details?.value, userId: PERSON });
    const shown = await app.reply(sent.responseId);
    expect(shown.replace_original).toBe(false);
    expect(textOf(shown)).toContain(details?.value);

    const record = app.records.find((r) => r.CallId === details?.value) as WireCallRecord;
    const other = button(shown, 'calls_search_user');
    expect(other?.value).toBeTruthy();
    const search = await app.click({ actionId: 'calls_search_user', value: other?.value, userId: PERSON });
    const theirs = await app.reply(search.responseId);
    expect(theirs.replace_original).toBe(false);
    expect(pinnedOf(theirs).users).toEqual([record.Caller_Account]);
    expect(callIdsIn(theirs, app.records).size).toBeGreaterThan(0);
  });

  it("answers the daily summary's button privately, without replacing the summary", async () => {
    // A recent day with an interrupted call (not today, and well inside the 7 days kept).
    const now = Math.floor(Date.now() / 1000);
    const interrupted = app.records.find((r) => r.CallResult === 'Interrupt' && r.StartTime > now - 5 * 86_400);
    const date = new Date((interrupted?.StartTime ?? now - 86_400) * 1000).toISOString().slice(0, 10);
    const value = encodeSummaryButton({ date, timeZone: 'UTC' });
    const sent = await app.click({ actionId: 'summary_show_interrupted', value, userId: PERSON });
    const reply = await app.reply(sent.responseId);
    expect(reply.replace_original).toBe(false);
    expect(reply.response_type).toBe('ephemeral');
    expect(pinnedOf(reply).results).toEqual(['Interrupt', 'Offline']);
    expect(callIdsIn(reply, app.records).has(interrupted?.CallId ?? '')).toBe(true);
  });

  it('leaves a button without a response_url (the Home tab) to the Home tab listeners', async () => {
    const { reply } = await calls('result:interrupted', { user_id: PERSON });
    const posts = app.responses.posts.length;
    const sent = await app.click({
      actionId: 'calls_page_next',
      value: button(reply, 'calls_page_next')?.value,
      responseUrl: null,
      channelId: undefined,
      view: { id: 'V0HOME0001', type: 'home' },
    });
    expect(sent.http.status).toBe(200);
    await app.settled();
    expect(app.responses.posts.length).toBe(posts);
  });

  it('answers a tampered or outdated button with "run the search again", without searching', async () => {
    const requests = app.tencent.stats.requests;
    const valid = encodePageButton({
      query: {
        users: [],
        results: ['Interrupt'],
        callTypes: [],
        mediaTypes: [],
        from: 1_790_000_000,
        to: 1_790_086_400,
        timeZone: 'UTC',
      },
      page: 2,
    });
    for (const value of [valid.replace('"p":2', '"p":-2'), '{"v":99,"p":2}', 'garbage', `${valid}x`]) {
      const sent = await app.click({ actionId: 'calls_page_next', value });
      const reply = await app.reply(sent.responseId);
      expect(reply.replace_original).toBe(false);
      expect(textOf(reply)).toMatch(/out of date.*run the search again/i);
    }
    const details = await app.click({ actionId: 'calls_details', value: 'bad id with spaces' });
    expect(textOf(await app.reply(details.responseId))).toMatch(/out of date/i);
    expect(app.tencent.stats.requests).toBe(requests);
  });

  it('acknowledges a button this version does not know, and says to run the search again', async () => {
    const requests = app.tencent.stats.requests;
    const sent = await app.click({ actionId: 'calls_page_jump', value: '{"v":1,"p":3}' });
    expect(sent.http.status).toBe(200);
    const reply = await app.reply(sent.responseId);
    expect(reply.replace_original).toBe(false);
    expect(textOf(reply)).toMatch(/out of date.*run the search again/i);
    expect(app.tencent.stats.requests).toBe(requests);
  });

  it('shares the page in the channel, saying who shared it', async () => {
    const { reply } = await calls('result:interrupted', { user_id: PERSON });
    const before = app.slack.callsTo('chat.postMessage').length;
    const sent = await app.click({
      actionId: 'calls_share',
      value: button(reply, 'calls_share')?.value,
      userId: PERSON,
    });
    expect(sent.http.status).toBe(200);
    const posts = await app.slack.waitForCalls('chat.postMessage', { count: before + 1 });
    const post = posts[before];
    expect(post?.args.channel).toBe('C0SUPPORT1');
    expect(textOf(post?.args.blocks)).toContain(`Shared by <@${PERSON}>`);
    expect([...callIdsIn(post?.args.blocks, app.records)]).toEqual([...callIdsIn(reply, app.records)]);
    expect(buttonsOf(post?.args.blocks)).toHaveLength(0);
  });

  it('shares through the button when the bot is not in the channel, still saying who shared it', async () => {
    const { reply } = await calls('result:interrupted', { user_id: PERSON });
    app.slack.failWith('chat.postMessage', 'not_in_channel', { times: 1 });
    const sent = await app.click({
      actionId: 'calls_share',
      value: button(reply, 'calls_share')?.value,
      userId: PERSON,
    });
    const shared = await app.reply(sent.responseId);
    expect(shared.response_type).toBe('in_channel');
    expect(shared.replace_original).toBe(false);
    expect(textOf(shared)).toContain(`Shared by <@${PERSON}>`);
    expect(buttonsOf(shared.blocks)).toHaveLength(0);
  });

  it('explains how to fix a share the bot may not post (not_in_channel) when the button cannot post either', async () => {
    const { reply } = await calls('result:interrupted', { user_id: PERSON });
    app.slack.failWith('chat.postMessage', 'not_in_channel', { times: 1 });
    const responseUrl = app.responses.create();
    app.responses.refuseInChannel(responseUrl.id);
    const sent = await app.click({
      actionId: 'calls_share',
      value: button(reply, 'calls_share')?.value,
      userId: PERSON,
      responseUrl,
    });
    const answer = await app.reply(sent.responseId);
    expect(answer.replace_original).toBe(false);
    expect(textOf(answer)).toContain('/invite @callkit');
    expect(textOf(answer)).toContain('chat:write.public');
  });

  it('does not suggest /invite for a share from a direct message, where nobody can invite an app', async () => {
    const { reply } = await calls('result:interrupted', { user_id: PERSON, channel_id: 'D0DIRECT01' });
    app.slack.failWith('chat.postMessage', 'channel_not_found', { times: 1 });
    const responseUrl = app.responses.create();
    app.responses.refuseInChannel(responseUrl.id);
    const sent = await app.click({
      actionId: 'calls_share',
      value: button(reply, 'calls_share')?.value,
      userId: PERSON,
      channelId: 'D0DIRECT01',
      responseUrl,
    });
    const answer = await app.reply(sent.responseId);
    expect(textOf(answer)).toContain('direct message');
    expect(textOf(answer)).not.toContain('/invite');
  });

  it("reads dates in the person's Slack time zone, else in DEFAULT_TIMEZONE", async () => {
    const { reply: tokyo } = await calls('yesterday', { user_id: PERSON });
    const inTokyo = pinnedOf(tokyo);
    expect(inTokyo.timeZone).toBe('Asia/Tokyo');
    expect(hourMinuteIn(inTokyo.from, 'Asia/Tokyo')).toBe('00:00');
    expect(inTokyo.to - inTokyo.from).toBe(86_400);
    expect(app.slack.callsTo('users.info').some((call) => call.args.user === PERSON)).toBe(true);

    const { reply: fallback } = await calls('yesterday', { user_id: NO_ZONE });
    const inDefault = pinnedOf(fallback);
    expect(inDefault.timeZone).toBe(DEFAULT_ZONE);
    expect(hourMinuteIn(inDefault.from, DEFAULT_ZONE)).toBe('00:00');

    // Cached: asking again does not call users.info again.
    const lookups = app.slack.callsTo('users.info').length;
    await calls('yesterday', { user_id: PERSON });
    expect(app.slack.callsTo('users.info').length).toBe(lookups);
  });

  it('tells the person to search again when the response_url has expired', async () => {
    const { reply } = await calls('result:interrupted', { user_id: PERSON });
    const expired = app.responses.create();
    app.responses.expire(expired.id, 404);
    const before = app.slack.callsTo('chat.postEphemeral').length;
    const sent = await app.click({
      actionId: 'calls_page_next',
      value: button(reply, 'calls_page_next')?.value,
      userId: PERSON,
      responseUrl: expired,
    });
    expect(sent.http.status).toBe(200);
    const notes = await app.slack.waitForCalls('chat.postEphemeral', { count: before + 1 });
    const note = notes[before];
    expect(note?.args).toMatchObject({ channel: 'C0SUPPORT1', user: PERSON });
    expect(String(note?.args.text)).toMatch(/run the search again/i);
    // The app keeps answering.
    expect(textOf((await calls('help')).reply)).toContain('/calls');
  });

  it("refuses another workspace's requests without revealing anything", async () => {
    const requests = app.tencent.stats.requests;
    const sent = await app.command('result:interrupted', { team_id: 'T0OTHER001' });
    expect(sent.http.status).toBe(200);
    expect(sent.http.text).toMatch(/only answers in the workspace it was installed in/);
    const click = await app.click({
      actionId: 'calls_page_next',
      value: encodePageButton({
        query: {
          users: [],
          results: [],
          callTypes: [],
          mediaTypes: [],
          from: Math.floor(Date.now() / 1000) - 86_400,
          to: Math.floor(Date.now() / 1000),
          timeZone: 'UTC',
        },
        page: 1,
      }),
      teamId: 'T0OTHER001',
    });
    expect(click.http.status).toBe(200);
    await app.settled();
    expect(app.responses.postsTo(sent.responseId)).toHaveLength(0);
    expect(app.responses.postsTo(click.responseId)).toHaveLength(0);
    expect(app.tencent.stats.requests).toBe(requests);
  });

  it('answers input of any length or content, and many commands at once', async () => {
    const long = await calls('x'.repeat(10_000));
    expect(textOf(long.reply)).toMatch(/characters/);
    const odd = await calls('user:\u0000\u202e<@U123|x> &amp; `rm -rf` 🎉 from:2026-02-30');
    expect(typeof odd.reply.text).toBe('string');
    const many = await Promise.all(Array.from({ length: 20 }, (_, i) => calls(i % 2 ? 'result:missed' : 'last:2d')));
    for (const { reply } of many) expect(textOf(reply)).toMatch(/calls|No calls/);
  });

  it('writes one audit line per query: who, where, what, upstream requests, duration, outcome', async () => {
    const before = app.logs.audits().length;
    await calls('result:interrupted last:2d', { user_id: PERSON, channel_id: 'C0AUDIT001' });
    const line = await waitFor(() =>
      app.logs
        .audits()
        .slice(before)
        .find((entry) => entry.channel === 'C0AUDIT001'),
    );
    expect(line).toMatchObject({
      surface: 'command',
      user: PERSON,
      team: app.slack.teamId,
      channel: 'C0AUDIT001',
      text: 'result:interrupted last:2d',
      page: 1,
      outcome: 'ok',
    });
    expect(line.pinned).toMatchObject({ results: ['Interrupt'], timeZone: 'Asia/Tokyo' });
    // Answered from the store: the lookup costs no Tencent request.
    expect(line.upstreamRequests).toBe(0);
    expect(typeof line.durationMs).toBe('number');
  });

  it('answers a user lookup, its Next page and the Home tab from the store, with no Tencent request', async () => {
    const requests = app.tencent.stats.requests;
    const { reply } = await calls('user:147 last:5d', { user_id: PERSON });
    expect(textOf(reply)).toMatch(/page 1 of \d+/);
    await clickIn(reply, 'calls_page_next', { userId: PERSON });
    const published = app.slack.callsTo('views.publish').length;
    await app.event({ type: 'app_home_opened', user: PERSON, channel: 'D0HOME0001', tab: 'home' });
    await app.slack.waitForCalls('views.publish', { count: published + 1 });
    await app.settled();
    expect(app.tencent.stats.requests).toBe(requests);
  });

  it('met no unexpected failure in any of the above', () => {
    expect(app.blockKitErrors()).toEqual([]);
    expect(app.logs.audits().filter((entry) => entry.outcome === 'error')).toEqual([]);
    expect(app.logs.entries().filter((entry) => (entry.level as number) >= 50)).toEqual([]);
  });

  it('never sends or logs a credential', () => {
    const sent = app.everythingSent();
    expect(sent).not.toContain(app.slack.token);
    expect(sent).not.toContain(app.signingSecret);
    expect(sent).not.toContain(app.tencent.secretKey);
    expect(sent.toLowerCase()).not.toContain('usersig');
    const logs = app.logs.text();
    expect(logs).not.toContain(app.slack.token);
    expect(logs).not.toContain(app.signingSecret);
    expect(logs).not.toContain(app.tencent.secretKey);
  });
});

describe('allow-lists', () => {
  let app: TestApp;
  /** What the sync asked Tencent before any request: a refusal adds nothing to it. */
  let tencentRequests: number;
  beforeAll(async () => {
    app = await startTestApp({ env: { ALLOWED_SLACK_USERS: 'U0ALLOWED1', ALLOWED_SLACK_CHANNELS: 'C0SUPPORT1' } });
    tencentRequests = app.tencent.stats.requests;
  });
  afterAll(async () => {
    await app?.close();
  });

  const nowSeconds = () => Math.floor(Date.now() / 1000);
  const anyPage = () =>
    encodePageButton({
      query: {
        users: [],
        results: [],
        callTypes: [],
        mediaTypes: [],
        from: nowSeconds() - 3 * 86_400,
        to: nowSeconds(),
        timeZone: 'UTC',
      },
      page: 1,
    });

  it('refuses a user who is not listed, for the command and for a button, and shows no data', async () => {
    const sent = await app.command('last:3d', { user_id: 'U0INTRUDER' });
    expect(sent.http.status).toBe(200);
    expect(JSON.parse(sent.http.text)).toMatchObject({ response_type: 'ephemeral' });
    expect(sent.http.text).toContain('ALLOWED_SLACK_USERS');
    expect(sent.http.text).toMatch(/admin/i);
    // The app runs on demo data here: a refusal says so too, like every other message.
    expect(JSON.parse(sent.http.text).text).toMatch(/· demo data$/);
    expect(textOf(JSON.parse(sent.http.text).blocks)).toContain('*Demo data*');

    const click = await app.click({ actionId: 'calls_page_next', value: anyPage(), userId: 'U0INTRUDER' });
    const refusal = await app.reply(click.responseId);
    expect(textOf(refusal)).toContain('ALLOWED_SLACK_USERS');
    expect(textOf(refusal.blocks)).toContain('*Demo data*');
    const share = await app.click({ actionId: 'calls_share', value: anyPage(), userId: 'U0INTRUDER' });
    await app.reply(share.responseId);

    await app.settled();
    expect(app.tencent.stats.requests).toBe(tencentRequests);
    expect(app.slack.callsTo('chat.postMessage')).toHaveLength(0);
    const everything = `${app.everythingSent()}${sent.http.text}`;
    for (const record of app.records) expect(everything).not.toContain(record.CallId);
  });

  it('shows a refused user a Home tab that only explains the refusal', async () => {
    const before = app.slack.callsTo('views.publish').length;
    const sent = await app.event({ type: 'app_home_opened', user: 'U0INTRUDER', channel: 'D0HOME0001', tab: 'home' });
    expect(sent.status).toBe(200);
    const published = await app.slack.waitForCalls('views.publish', { count: before + 1 });
    const call = published[before];
    expect(call?.args.user_id).toBe('U0INTRUDER');
    expect(textOf(call?.args.view)).toContain('ALLOWED_SLACK_USERS');
    expect(textOf(call?.args.view)).toContain('*Demo data*');
    expect(app.tencent.stats.requests).toBe(tencentRequests);
  });

  it('refuses a listed user in a channel that is not listed', async () => {
    const sent = await app.command('last:3d', { user_id: 'U0ALLOWED1', channel_id: 'C0ELSEWHERE' });
    expect(sent.http.text).toContain('ALLOWED_SLACK_CHANNELS');
    expect(app.tencent.stats.requests).toBe(tencentRequests);
  });

  it('answers a listed user in a listed channel', async () => {
    const sent = await app.command('last:3d', { user_id: 'U0ALLOWED1', channel_id: 'C0SUPPORT1' });
    expect(sent.http.text).toBe('');
    expect(textOf(await app.reply(sent.responseId))).toMatch(/page 1 of/);
  });
});

describe('Tencent authentication failure', () => {
  const WRONG_KEY = 'wrong0secret0key0that0does0not0match0the0sdkappid0at0all0000';
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ tencent: { mode: 'live', appSecretKey: WRONG_KEY } });
  });
  afterAll(async () => {
    await app?.close();
  });

  it('gets one clear sentence, with no secret and no UserSig anywhere', async () => {
    const sent = await app.command('result:interrupted');
    const reply = await app.reply(sent.responseId);
    expect(textOf(reply)).toContain('cannot sign in to Tencent');
    expect(textOf(reply)).toContain('TENCENT_SDKAPPID/TENCENT_SECRET_KEY');
    expect(textOf(reply)).not.toMatch(/demo data/i);
    const details = await app.command(`id:${app.records[0]?.CallId}`);
    expect(textOf(await app.reply(details.responseId))).toContain('cannot sign in to Tencent');

    const everything = app.everythingSent();
    for (const secret of [WRONG_KEY, app.tencent.secretKey]) {
      expect(everything).not.toContain(secret);
      expect(app.logs.text()).not.toContain(secret);
    }
    expect(everything.toLowerCase()).not.toContain('usersig');
    expect(everything).not.toContain(app.tencent.url);
    expect(everything).not.toMatch(/\bat .*\.(ts|js):\d+/); // no stack trace
  });
});

describe('shutdown', () => {
  it('on SIGTERM stops taking requests, finishes the one in flight, closes the backend, then exits 0', async () => {
    const app = await startTestApp();
    try {
      // The search waits for the person's time zone (users.info), which Slack holds until the app stops listening.
      const held = app.slack.hold('users.info');
      const sent = await app.command('result:interrupted', { user_id: 'U0SHUTDOWN1' });
      expect(sent.http.status).toBe(200);
      await held.waitForArrivals(1);
      expect(app.running.inFlight.count).toBe(1);

      const exits: number[] = [];
      const shutdown = createShutdownHandler({
        stop: () => app.running.stop({ timeoutMs: 5_000 }),
        logger: app.logs.logger,
        exit: (code) => {
          // The reply went out before the process would exit.
          expect(app.responses.postsTo(sent.responseId)).toHaveLength(1);
          exits.push(code);
        },
      });
      const stopping = shutdown('SIGTERM');
      await waitFor(
        () =>
          fetch(`${app.url}/healthz`).then(
            () => false,
            () => true,
          ),
        { what: 'the app to stop taking connections' },
      );
      // It stopped taking requests while the search was still waiting.
      expect(app.responses.postsTo(sent.responseId)).toHaveLength(0);
      held.release();
      await stopping;

      expect(exits).toEqual([0]);
      expect(textOf(await app.reply(sent.responseId))).toMatch(/page 1 of|calls/);
      await expect(fetch(`${app.tencent.url}/`)).rejects.toThrow();
    } finally {
      await app.close();
    }
  });
});
