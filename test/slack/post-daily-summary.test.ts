/**
 * The daily summary job against the fake Slack Web API and a demo Tencent server holding a fixed dataset, plus
 * one end-to-end run through the real app: the posted message's button opens that day's interrupted calls.
 */
import { webApi } from '@slack/bolt';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { dayBounds, yesterdayIn } from '../../src/calls/time-range.js';
import type { NameDirectory } from '../../src/calls/user-names.js';
import { postDailySummary, SummaryPostError } from '../../src/slack/post-daily-summary.js';
import { encodeSummaryButton } from '../../src/slack/state/button-state.js';
import { SUMMARY_SHOW_INTERRUPTED_ACTION } from '../../src/slack/views/summary.js';
import { buttonsOf } from '../support/block-kit.js';
import { type FakeSlack, type RecordedCall, startFakeSlack } from '../support/fake-slack.js';
import { listenLocal } from '../support/http.js';
import { captureLogs } from '../support/logs.js';
import {
  BERLIN,
  CHANNEL,
  DAY,
  type Fixture,
  NOW,
  PNG_SIGNATURE,
  QUIET_DAY,
  slackClient,
  useSummaryFixture,
} from '../support/summary-fixtures.js';
import { shownTextOf, startTestApp, type TestApp, textOf } from '../support/test-app.js';

function only(calls: RecordedCall[]): RecordedCall {
  expect(calls).toHaveLength(1);
  return calls[0] as RecordedCall;
}

describe('postDailySummary', () => {
  let fixture: Fixture;
  let slack: FakeSlack;

  useSummaryFixture((f, s) => {
    fixture = f;
    slack = s;
  });

  function post(overrides: Partial<Parameters<typeof postDailySummary>[0]> = {}) {
    return postDailySummary({
      client: slackClient(slack),
      store: fixture.store,
      channel: CHANNEL,
      day: { date: DAY, timeZone: BERLIN },
      demo: false,
      now: NOW,
      ...overrides,
    });
  }

  it('names the most affected users from the cache, escaped; a failing cache leaves the IDs', async () => {
    const names: NameDirectory = {
      namesOf: async (ids) =>
        new Map(
          [...ids].flatMap((id): [string, string][] =>
            id === '147' ? [[id, 'Alice Wong']] : id === 'bob' ? [[id, '<!here> Bob']] : [],
          ),
        ),
      findUsersByName: async () => [],
    };
    await post({ names, renderChart: async () => PNG_SIGNATURE });
    const blocks = textOf(only(slack.callsTo('chat.postMessage')).args.blocks);
    expect(blocks).toContain('Alice Wong (`147`) ×4');
    expect(blocks).toContain('&lt;!here&gt; Bob (`bob`) ×2');
    expect(blocks).toContain('`10001` ×1');
    expect(blocks).not.toContain('<!here>');

    slack.reset();
    const failing: NameDirectory = {
      namesOf: async () => {
        throw new Error('store down');
      },
      findUsersByName: async () => [],
    };
    await post({ names: failing, renderChart: async () => PNG_SIGNATURE });
    expect(textOf(only(slack.callsTo('chat.postMessage')).args.blocks)).toContain('`147` ×4');
  });

  it('posts the text with the key numbers and the button, then the chart PNG in its thread', async () => {
    const logs = captureLogs();
    const posted = await post({ logger: logs.logger });

    const message = only(slack.callsTo('chat.postMessage'));
    expect(message.args.channel).toBe(CHANNEL);
    expect(posted.ts).toBe(message.result.ts);
    expect(posted.chartUploaded).toBe(true);
    expect(posted.chartError).toBeUndefined();
    expect(posted.summary).toMatchObject({ totalCalls: 35, interrupted: 4, offline: 1, dropped: 5 });

    // The notification text and the blocks both carry the numbers.
    const text = String(message.args.text);
    expect(text).toContain('Wed 25 Nov 2026 (Europe/Berlin)');
    expect(text).toContain('5 interrupted calls (Interrupt 4, Offline 1), 14.3% of 35 calls');
    expect(text).toContain('against the day before: ▲ 3 (+150.0%) from 2 on 2026-11-24');
    const blocks = textOf(message.args.blocks);
    expect(blocks).toContain('*5 interrupted calls*');
    expect(blocks).toContain('*14.3%* of all 35 calls');
    expect(blocks).not.toContain('Demo data');
    const button = buttonsOf(message.args.blocks).find((b) => b.action_id === SUMMARY_SHOW_INTERRUPTED_ACTION);
    expect(button?.value).toBe(encodeSummaryButton({ date: DAY, timeZone: BERLIN }));

    // files.uploadV2: the URL is asked for after the text was posted, the PNG bytes go to it, and the upload is
    // completed into the channel, in the summary's thread.
    const asked = only(slack.callsTo('files.getUploadURLExternal'));
    expect(asked.at).toBeGreaterThanOrEqual(message.at);
    expect(asked.args.filename).toBe(`interrupted-calls-${DAY}.png`);
    expect(String(asked.args.alt_text)).toMatch(/5 interrupted of 35 calls \(14\.3%\)/);
    expect(slack.uploads).toHaveLength(1);
    const upload = slack.uploads[0];
    expect(upload?.fileId).toBe(asked.result.file_id);
    expect(upload?.bytes.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
    expect(Number(asked.args.length)).toBe(upload?.bytes.length);
    const completed = only(slack.callsTo('files.completeUploadExternal'));
    expect(completed.args.channel_id).toBe(CHANNEL);
    expect(completed.args.thread_ts).toBe(posted.ts);
    expect(completed.args.files).toEqual([
      { id: asked.result.file_id, title: `Calls and interruptions by hour, ${DAY} (${BERLIN})` },
    ]);
    expect(String(completed.args.initial_comment)).toContain(DAY);
    expect(slack.callsTo('chat.update')).toHaveLength(0);

    const done = logs.entries().find((entry) => entry.msg === 'posted the daily summary');
    expect(done).toMatchObject({ channel: CHANNEL, date: DAY, dropped: 5, totalCalls: 35, chartUploaded: true });
  });

  it('says it shows demo data in demo mode', async () => {
    await post({ demo: true });
    const message = only(slack.callsTo('chat.postMessage'));
    expect(String(message.args.text)).toMatch(/^\[Demo data\] /);
    expect(textOf(message.args.blocks)).toContain('Demo data');
  });

  it('still posts the text when files.getUploadURLExternal fails, and notes the missing chart', async () => {
    slack.failWith('files.getUploadURLExternal', 'missing_scope');
    const logs = captureLogs();
    const posted = await post({ logger: logs.logger });

    expect(posted.chartUploaded).toBe(false);
    expect(posted.chartError).toBe('missing_scope');
    const message = only(slack.callsTo('chat.postMessage'));
    expect(String(message.args.text)).toContain('5 interrupted calls');
    expect(slack.uploads).toHaveLength(0);
    expect(slack.callsTo('files.completeUploadExternal')).toHaveLength(0);

    // The message gets one context line saying so, before its button; the text and numbers stay.
    const update = only(slack.callsTo('chat.update'));
    expect(update.args).toMatchObject({ channel: CHANNEL, ts: posted.ts, text: message.args.text });
    const blocks = update.args.blocks as Array<{ type: string }>;
    expect(blocks).toHaveLength((message.args.blocks as unknown[]).length + 1);
    expect(blocks.at(-1)?.type).toBe('actions');
    expect(textOf(blocks.at(-2))).toMatch(/chart could not be attached: the app needs the files:write scope/);

    const failure = logs.entries().find((entry) => String(entry.msg).includes('chart upload failed'));
    expect(failure).toMatchObject({ level: 50, slackError: 'missing_scope', channel: CHANNEL });
  });

  it('still posts the text when the upload URL answers an error', async () => {
    // A Slack of its own: its upload URL points at a server that answers 500.
    const own = await startFakeSlack();
    const broken = await listenLocal((_req, res) => void res.writeHead(500).end('upload failed'));
    try {
      own.handle('files.getUploadURLExternal', () => ({
        upload_url: `${broken.origin}/upload/F0BROKEN1`,
        file_id: 'F0BROKEN1',
      }));
      const posted = await post({ client: slackClient(own) });
      expect(posted.chartUploaded).toBe(false);
      expect(posted.chartError).toBe('the upload failed');
      expect(own.callsTo('chat.postMessage')).toHaveLength(1);
      expect(own.callsTo('files.getUploadURLExternal')).toHaveLength(1);
      expect(own.callsTo('files.completeUploadExternal')).toHaveLength(0);
      expect(textOf(only(own.callsTo('chat.update')).args.blocks)).toContain('The hourly chart could not be attached.');
    } finally {
      await broken.close();
      await own.close();
    }
  });

  it('still posts the text when files.completeUploadExternal fails, or the chart cannot be drawn', async () => {
    slack.failWith('files.completeUploadExternal', 'internal_error', { times: 1 });
    const first = await post();
    expect(first).toMatchObject({ chartUploaded: false, chartError: 'internal_error' });
    expect(textOf(only(slack.callsTo('chat.update')).args.blocks)).toContain('(Slack answered internal_error)');

    slack.reset();
    const second = await post({ renderChart: async () => Promise.reject(new Error('no fonts')) });
    expect(second).toMatchObject({ chartUploaded: false, chartError: 'the chart could not be drawn' });
    expect(slack.callsTo('chat.postMessage')).toHaveLength(1);
    expect(slack.callsTo('files.getUploadURLExternal')).toHaveLength(0);
  });

  it('keeps the text when even the note cannot be added', async () => {
    slack.failWith('files.getUploadURLExternal', 'missing_scope');
    slack.failWith('chat.update', 'cant_update_message');
    const logs = captureLogs();
    const posted = await post({ logger: logs.logger });
    expect(posted.chartUploaded).toBe(false);
    expect(slack.callsTo('chat.postMessage')).toHaveLength(1);
    expect(logs.text()).toContain('could not add the \\"no chart\\" note');
  });

  it('refuses with one clear sentence when the bot is not in the channel, and uploads nothing', async () => {
    slack.failWith('chat.postMessage', 'not_in_channel');
    const error = await post().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SummaryPostError);
    expect(error).toMatchObject({
      reason: 'not_in_channel',
      details: { channel: CHANNEL, slackError: 'not_in_channel' },
    });
    expect((error as Error).message).toBe(
      `@callkit is not a member of <#${CHANNEL}>: invite @callkit to <#${CHANNEL}> (type /invite @callkit in the channel) and try again.`,
    );
    expect(slack.callsTo('files.getUploadURLExternal')).toHaveLength(0);
    expect(slack.uploads).toHaveLength(0);
  });

  it('names the channel setting when Slack cannot find the channel, and the token when Slack refuses it', async () => {
    slack.failWith('chat.postMessage', 'channel_not_found', { times: 1 });
    const missing = await post({ botName: 'calls-bot' }).catch((e: unknown) => e);
    expect(missing).toMatchObject({ reason: 'channel_not_found' });
    expect((missing as Error).message).toMatch(/^Slack cannot find channel C0SUMMARY1 \(SUMMARY_CHANNEL\).*@calls-bot/);

    slack.failWith('chat.postMessage', 'invalid_auth', { times: 1 });
    const refused = await post().catch((e: unknown) => e);
    expect(refused).toMatchObject({ reason: 'auth' });
    expect((refused as Error).message).toMatch(/^Slack refused SLACK_BOT_TOKEN \(invalid_auth\)/);
  });

  it('says Slack is unreachable when nothing answers', async () => {
    const gone = await listenLocal((_req, res) => void res.end());
    const url = `${gone.origin}/api/`;
    await gone.close();
    const offline = new webApi.WebClient(slack.token, {
      slackApiUrl: url,
      retryConfig: { retries: 0 },
      logLevel: webApi.LogLevel.ERROR,
    });
    const error = await post({ client: offline }).catch((e: unknown) => e);
    expect(error).toMatchObject({ reason: 'unreachable' });
    expect((error as Error).message).toMatch(
      new RegExp(`^Could not reach Slack at ${url} to post the summary \\(ECONNREFUSED\\)\\.$`),
    );
  });

  it('posts a short, quiet message and no chart on a day without interruptions', async () => {
    const posted = await post({ day: { date: QUIET_DAY, timeZone: BERLIN } });
    expect(posted).toMatchObject({ chartUploaded: false, summary: { dropped: 0, totalCalls: 8 } });
    expect(posted.chartError).toBeUndefined();
    const message = only(slack.callsTo('chat.postMessage'));
    expect(String(message.args.text)).toBe(
      'No interrupted calls on Mon 23 Nov 2026 (Europe/Berlin): none of the 8 calls ended Interrupt or Offline.',
    );
    expect((message.args.blocks as unknown[]).length).toBeLessThanOrEqual(2);
    expect(buttonsOf(message.args.blocks)).toHaveLength(0);
    expect(slack.callsTo('files.getUploadURLExternal')).toHaveLength(0);
    expect(slack.callsTo('chat.update')).toHaveLength(0);
    expect(slack.uploads).toHaveLength(0);
  });
});

describe('the summary message, end to end through the real app', () => {
  const ZONE = 'Asia/Tokyo';
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp({ dataset: { seed: 11, callsPerDay: 400 } });
  });
  afterAll(async () => {
    await app?.close();
  });
  afterEach(() => {
    app.slack.clearFailures();
  });

  it("opens the paged search of exactly that day's interrupted calls from the message's button", async () => {
    const date = yesterdayIn(ZONE, Math.floor(Date.now() / 1000));
    const { from, to } = dayBounds(date, ZONE);
    const expected = app.records
      .filter((r) => r.StartTime >= from && r.StartTime < to)
      .filter((r) => r.CallResult === 'Interrupt' || r.CallResult === 'Offline')
      .map((r) => r.CallId);
    expect(expected.length).toBeGreaterThan(10); // more than one page

    const posted = await postDailySummary({
      client: slackClient(app.slack),
      store: app.backend.store,
      channel: CHANNEL,
      day: { date, timeZone: ZONE },
      demo: app.backend.demo,
    });
    expect(posted.summary.dropped).toBe(expected.length);
    expect(posted.chartUploaded).toBe(true);

    // Click the button of the message the fake Slack received, as a member of the channel would.
    const message = only(app.slack.callsTo('chat.postMessage'));
    const value = buttonsOf(message.args.blocks).find((b) => b.action_id === SUMMARY_SHOW_INTERRUPTED_ACTION)?.value;
    expect(value).toBeDefined();
    const seen: string[] = [];
    let click = await app.click({ actionId: SUMMARY_SHOW_INTERRUPTED_ACTION, value, channelId: CHANNEL });
    let reply = await app.reply(click.responseId);
    expect(reply.response_type).toBe('ephemeral');
    expect(reply.replace_original).toBe(false);
    expect(textOf(reply)).toMatch(new RegExp(`${expected.length} calls`));
    for (let page = 1; page <= 20; page++) {
      const text = shownTextOf(reply);
      seen.push(...app.records.filter((r) => text.includes(r.CallId)).map((r) => r.CallId));
      const next = buttonsOf(reply).find((b) => b.action_id === 'calls_page_next');
      if (next === undefined) break;
      click = await app.click({ actionId: 'calls_page_next', value: next.value, channelId: CHANNEL });
      reply = await app.reply(click.responseId);
    }
    expect(seen).toHaveLength(expected.length); // each exactly once
    expect(new Set(seen)).toEqual(new Set(expected));
  });
});
