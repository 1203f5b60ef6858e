/**
 * Dropped-call incidents end to end: calls written to the real store (SQLite, and PostgreSQL when
 * TEST_DATABASE_URL is set) and published on the new-calls feed as the sync and the callback do; the monitor
 * driven by a controllable clock; messages through the fake Slack Web API; buttons clicked through the real Bolt
 * app (signed requests, access checks, listeners).
 */
import { webApi } from '@slack/bolt';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { IncidentControls } from '../../src/calls/incident-store.js';
import { createNewCallsFeed, type NewCallsFeed } from '../../src/calls/new-calls.js';
import type { CallRecord } from '../../src/calls/records.js';
import type { IncidentMonitor } from '../../src/jobs/incident-monitor.js';
import { decodePageButton } from '../../src/slack/state/button-state.js';
import { INCIDENT_ACTIONS } from '../../src/slack/views/incident.js';
import { createIncidentStore } from '../../src/store/incidents.js';
import type { CallStore } from '../../src/store/open-call-store.js';
import { createUserNames } from '../../src/store/user-names.js';
import { createIncidents } from '../../src/wiring/incidents.js';
import { buttonsOf } from '../support/block-kit.js';
import { aCall } from '../support/call-records.js';
import type { RecordedCall } from '../support/fake-slack.js';
import { storeEngines } from '../support/store-engines.js';
import { shownTextOf, startTestApp, type TestApp } from '../support/test-app.js';

const CHANNEL = 'C0ALERTS1';
// Two hours ago, so "Show calls" searches a range inside the demo data's week.
const T0 = Math.floor(Date.now() / 1000 / 60) * 60 - 7200;

describe.each(storeEngines())('incidents on the $name store', (engine) => {
  let app: TestApp;
  let monitor: IncidentMonitor | undefined;
  const controls: IncidentControls = {
    acknowledge: (id, user) => current().acknowledge(id, user),
    mute: (id, user, seconds) => current().mute(id, user, seconds),
  };
  const current = () => {
    if (monitor === undefined) throw new Error('no monitor');
    return monitor;
  };
  let now = T0;
  const clock = () => now;
  const started: IncidentMonitor[] = [];

  beforeAll(async () => {
    app = await startTestApp({
      env: { ALERT_CHANNEL: CHANNEL, ALERT_DROP_RATE: '10', ALERT_MIN_CALLS: '20', ALERT_WINDOW: '15m' },
      incidents: controls,
    });
  });
  afterAll(async () => {
    await app?.close();
  });
  beforeEach(() => {
    now = T0;
    app.slack.reset();
    app.slack.clearFailures();
  });
  afterEach(async () => {
    for (const m of started.splice(0)) await m.stop();
    monitor = undefined;
    expect(app.blockKitErrors()).toEqual([]);
  });

  /** A monitor as app.ts builds it, over `store`, fed by `feed`. */
  function startMonitor(store: CallStore, feed: NewCallsFeed, holder?: string): IncidentMonitor {
    const made = createIncidents(app.config, {
      store,
      feed,
      logger: app.logs.logger,
      demo: true,
      client: new webApi.WebClient(app.slack.token, { slackApiUrl: app.slack.apiUrl, retryConfig: { retries: 0 } }),
      now: clock,
      intervalMs: 3_600_000,
      ...(holder === undefined ? {} : { holder }),
    });
    if (made === undefined) throw new Error('ALERT_CHANNEL is set: a monitor was expected');
    made.start();
    started.push(made);
    return made;
  }

  async function setUp() {
    const store = await engine.open();
    const feed = createNewCallsFeed();
    monitor = startMonitor(store, feed);
    await monitor.settled();
    return { store, feed };
  }

  /** `total` calls ending at `now`, `dropped` of them dropped (every third Offline), by `users` in turn. */
  function calls(total: number, dropped: number, users: readonly string[] = ['147']): CallRecord[] {
    return Array.from({ length: total }, (_, i) =>
      aCall({
        startTime: now - 120,
        endTime: now,
        result: i < dropped ? (i % 3 === 2 ? 'Offline' : 'Interrupt') : 'NormalEnd',
        caller: i < dropped ? (users[i % users.length] as string) : 'happy',
        callees: ['agent-7'],
      }),
    );
  }

  /** What the sync or the callback does: store, then publish the new ones. */
  async function arrive(
    env: { store: CallStore; feed: NewCallsFeed },
    records: CallRecord[],
    ...monitors: IncidentMonitor[]
  ) {
    const { inserted } = await env.store.upsertCalls(records);
    const added = new Set(inserted);
    await env.feed.publish(records.filter((r) => added.has(r.callId)));
    for (const m of monitors.length > 0 ? monitors : [current()]) await m.settled();
  }

  const ok = (call: RecordedCall) => call.result.ok === true;
  const posts = () => app.slack.callsTo('chat.postMessage').filter(ok);
  const topLevel = () => posts().filter((call) => call.args.thread_ts === undefined);
  const updates = () => app.slack.callsTo('chat.update').filter(ok);
  const shown = (call: RecordedCall | undefined) => shownTextOf(call?.args.blocks);

  it('opens one message with the numbers, updates it in place at most once a minute, escalates in its thread, shows who acknowledged and muted, and resolves with its duration', async () => {
    const env = await setUp();

    // 2 of 30 (6.7 %): under the threshold, nothing posted.
    await arrive(env, calls(30, 2));
    expect(posts()).toEqual([]);

    // 10 more, all dropped: 12 of 40 = 30 %.
    now = T0 + 10;
    await arrive(env, calls(10, 10, ['147', '369']));
    expect(topLevel()).toHaveLength(1);
    const opened = topLevel()[0] as RecordedCall;
    expect(opened.args.channel).toBe(CHANNEL);
    expect(String(opened.args.text)).toContain('Dropped calls: 30.0% of 40 calls in the last 15 min (threshold 10.0%)');
    const text = shown(opened);
    expect(text).toContain('*30.0%* of calls dropped');
    expect(text).toContain('*12 of 40 calls* that ended in the last 15 min (Interrupt 9 · Offline 3)');
    expect(text).toContain('*Most affected users*');
    expect(text).toContain('`agent-7` ×12, `147` ×7, `369` ×5');
    expect(buttonsOf(opened.args.blocks).map((b) => b.action_id)).toEqual([
      INCIDENT_ACTIONS.showCalls,
      INCIDENT_ACTIONS.acknowledge,
      INCIDENT_ACTIONS.mute1h,
      INCIDENT_ACTIONS.mute24h,
    ]);
    const ts = String(opened.result.ts);
    // The chart, in the message's thread.
    const [completed] = await app.slack.waitForCalls('files.completeUploadExternal');
    expect(completed?.args).toMatchObject({ channel_id: CHANNEL, thread_ts: ts });
    expect(app.slack.uploads.at(-1)?.bytes.subarray(1, 4).toString()).toBe('PNG');

    // A change 20 s after the post waits: at most one update a minute.
    now = T0 + 30;
    await arrive(env, calls(5, 0));
    expect(updates()).toEqual([]);
    // The minute check shows it, in place.
    now = T0 + 70;
    await current().check();
    expect(updates()).toHaveLength(1);
    expect(updates()[0]?.args).toMatchObject({ channel: CHANNEL, ts });
    expect(shown(updates()[0])).toContain('*26.7%* of calls dropped');
    expect(topLevel()).toHaveLength(1);
    // Nothing changed since: no update at the next minute either.
    now = T0 + 140;
    await current().check();
    expect(updates()).toHaveLength(1);

    // Doubled (52 of 85 = 61.2 % ≥ 2 × 30 %): said once in the thread.
    now = T0 + 150;
    await arrive(env, calls(40, 40));
    const thread = posts().filter((call) => call.args.thread_ts === ts);
    expect(thread).toHaveLength(1);
    expect(shown(thread[0])).toContain('Worse: *61.2%* of calls dropped (2× the 30.0% it opened at');
    now = T0 + 160;
    await arrive(env, calls(1, 1));
    expect(posts().filter((call) => call.args.thread_ts === ts)).toHaveLength(1);

    // Acknowledge: who clicked is shown in the message, at once; the button goes.
    const incidentButtons = buttonsOf(updates().at(-1)?.args.blocks ?? opened.args.blocks);
    const ackValue = incidentButtons.find((b) => b.action_id === INCIDENT_ACTIONS.acknowledge)?.value;
    const before = updates().length;
    await app.click({
      actionId: INCIDENT_ACTIONS.acknowledge,
      value: ackValue,
      userId: 'U0ONCALL01',
      channelId: CHANNEL,
    });
    await app.settled();
    expect(updates()).toHaveLength(before + 1);
    expect(shown(updates().at(-1))).toContain('Acknowledged by <@U0ONCALL01>');
    expect(buttonsOf(updates().at(-1)?.args.blocks).map((b) => b.action_id)).not.toContain(
      INCIDENT_ACTIONS.acknowledge,
    );

    // Mute 1 h: who and until when.
    await app.click({ actionId: INCIDENT_ACTIONS.mute1h, value: ackValue, userId: 'U0MUTER001', channelId: CHANNEL });
    await app.settled();
    expect(updates()).toHaveLength(before + 2);
    const muted = shown(updates().at(-1));
    expect(muted).toContain('Muted by <@U0MUTER001> until <!date^');
    expect(muted).toContain('Acknowledged by <@U0ONCALL01>');

    // Show calls: the incident's dropped calls as a paged search, answered privately.
    const show = buttonsOf(updates().at(-1)?.args.blocks).find((b) => b.action_id === INCIDENT_ACTIONS.showCalls);
    const decoded = decodePageButton(show?.value ?? '');
    expect(decoded.ok && decoded.state.query).toMatchObject({ results: ['Interrupt', 'Offline'], from: T0 - 120 });
    const click = await app.click({ actionId: INCIDENT_ACTIONS.showCalls, value: show?.value, channelId: CHANNEL });
    const reply = await app.reply(click.responseId);
    expect(reply.response_type ?? 'ephemeral').toBe('ephemeral');
    expect(shownTextOf(reply)).not.toContain(':warning:');

    // Quiet: the last calls ended at T0+160, so from T0+1061 the window is empty; a whole window later it resolves.
    now = T0 + 1061;
    await current().check();
    expect(shown(updates().at(-1))).toContain('Under the threshold since');
    now = T0 + 1061 + 899;
    await current().check();
    expect(shown(updates().at(-1))).not.toContain('Resolved');
    now = T0 + 1061 + 900;
    await current().check();
    const resolved = updates().at(-1);
    expect(String(resolved?.args.text)).toContain('Resolved: dropped calls back under 10.0% after 32m 31s');
    expect(shown(resolved)).toContain('The incident lasted *32m 31s*');
    expect(shown(resolved)).toContain('Peak: *61.6%* of calls dropped. At the end, no calls ended in the last 15 min.');
    expect(buttonsOf(resolved?.args.blocks).map((b) => b.action_id)).toEqual([INCIDENT_ACTIONS.showCalls]);
    expect(topLevel()).toHaveLength(1);

    // Still muted (until T0+160+3600): a new wave opens nothing.
    now = T0 + 2500;
    await arrive(env, calls(40, 30));
    expect(topLevel()).toHaveLength(1);
    // After the mute, the same kind of wave opens a new incident: a new message.
    now = T0 + 3800;
    await arrive(env, calls(40, 30));
    expect(topLevel()).toHaveLength(2);
    expect(String(topLevel()[1]?.args.text)).toContain('75.0%');
  });

  it('keeps an incident opened while Slack is down and posts it once when Slack answers again', async () => {
    const env = await setUp();
    app.slack.failWith('chat.postMessage', 'service unavailable', { status: 503 });
    await arrive(env, calls(40, 20));
    expect(posts()).toEqual([]);
    const incidents = createIncidentStore(env.store.db, env.store.engine);
    const kept = await incidents.findOpenIncident(CHANNEL);
    expect(kept).toMatchObject({ messageTs: null });

    now = T0 + 60;
    await current().check();
    expect(posts()).toEqual([]);

    app.slack.clearFailures();
    now = T0 + 120;
    await current().check();
    expect(topLevel()).toHaveLength(1);
    expect(String(topLevel()[0]?.args.text)).toContain('50.0%');
    now = T0 + 180;
    await current().check();
    await arrive(env, calls(1, 0));
    expect(topLevel()).toHaveLength(1);
    expect((await incidents.findOpenIncident(CHANNEL))?.messageTs).toBe(topLevel()[0]?.result.ts);
  });

  it('two monitors on one store post one message, one update a minute and one escalation', async () => {
    const location = await engine.location();
    const storeA = await engine.open({ at: location });
    const storeB = await engine.open({ at: location });
    const feedA = createNewCallsFeed();
    const feedB = createNewCallsFeed();
    const a = startMonitor(storeA, feedA, 'process-a');
    const b = startMonitor(storeB, feedB, 'process-b');
    monitor = a;
    await Promise.all([a.settled(), b.settled()]);

    await arrive({ store: storeA, feed: feedA }, calls(40, 8), a, b);
    await Promise.all([a.check(), b.check()]);
    expect(topLevel()).toHaveLength(1);

    now = T0 + 61;
    await arrive({ store: storeB, feed: feedB }, calls(10, 0), a, b);
    await Promise.all([a.check(), b.check(), a.check(), b.check()]);
    expect(updates()).toHaveLength(1);

    now = T0 + 70;
    await arrive({ store: storeB, feed: feedB }, calls(30, 30), a, b);
    await Promise.all([a.check(), b.check()]);
    expect(posts().filter((call) => call.args.thread_ts !== undefined)).toHaveLength(1);
    expect(topLevel()).toHaveLength(1);
  });

  it("names the most affected users from the store's name cache, escaped; a user without a cached name shows the ID", async () => {
    const env = await setUp();
    await createUserNames(env.store.db, env.store.engine).saveNames(
      [
        { userId: 'alice1', name: 'Alice Wong' },
        { userId: 'agent-7', name: 'Agent <!here> Seven' },
      ],
      now,
    );
    await arrive(env, calls(30, 15, ['alice1', 'nameless']));
    expect(topLevel()).toHaveLength(1);
    expect(shown(topLevel()[0])).toContain(
      'Agent &lt;!here&gt; Seven (`agent-7`) ×15, Alice Wong (`alice1`) ×8, `nameless` ×7',
    );
    expect(JSON.stringify(topLevel()[0]?.args)).not.toContain('<!here>');
  });

  it('shows hostile user IDs as inert text: no mention, no link', async () => {
    const env = await setUp();
    await arrive(env, calls(30, 30, ['<!channel>', '<https://evil.example|click me>', '@here <@U0BOSS0001>']));
    expect(topLevel()).toHaveLength(1);
    const sent = JSON.stringify(topLevel()[0]?.args);
    expect(sent).not.toContain('<!channel>');
    expect(sent).not.toContain('<https://evil');
    expect(sent).not.toContain('<@U0BOSS0001>');
    expect(shown(topLevel()[0])).toContain('`&lt;!channel&gt;`');
  });

  it('answers a tampered or unknown incident button privately and changes nothing', async () => {
    await setUp();
    const tampered = await app.click({
      actionId: INCIDENT_ACTIONS.mute24h,
      value: '{"v":1,"i":"1; drop table"}',
      channelId: CHANNEL,
    });
    expect(shownTextOf(await app.reply(tampered.responseId))).toContain('This button is out of date');
    const unknown = await app.click({
      actionId: INCIDENT_ACTIONS.acknowledge,
      value: '{"v":1,"i":987654}',
      channelId: CHANNEL,
    });
    expect(shownTextOf(await app.reply(unknown.responseId))).toContain(
      'This incident is no longer in the call-record store',
    );
    await app.settled();
    expect(updates()).toEqual([]);
    expect(posts()).toEqual([]);
  });
});

describe('incident buttons and access', () => {
  it('refuses a person outside ALLOWED_SLACK_USERS before the monitor hears of the click', async () => {
    const clicks: string[] = [];
    const spy: IncidentControls = {
      acknowledge: async (id, user) => {
        clicks.push(`ack ${id} ${user}`);
        return true;
      },
      mute: async (id, user) => {
        clicks.push(`mute ${id} ${user}`);
        return true;
      },
    };
    const app = await startTestApp({
      env: { ALERT_CHANNEL: CHANNEL, ALLOWED_SLACK_USERS: 'U0ONCALL01' },
      incidents: spy,
    });
    try {
      const refused = await app.click({
        actionId: INCIDENT_ACTIONS.acknowledge,
        value: '{"v":1,"i":1}',
        userId: 'U0STRANGER',
        channelId: CHANNEL,
      });
      expect(shownTextOf(await app.reply(refused.responseId))).toContain('You are not allowed');
      await app.click({
        actionId: INCIDENT_ACTIONS.mute1h,
        value: '{"v":1,"i":1}',
        userId: 'U0ONCALL01',
        channelId: CHANNEL,
      });
      await app.settled();
      expect(clicks).toEqual(['mute 1 U0ONCALL01']);
    } finally {
      await app.close();
    }
  });
});
