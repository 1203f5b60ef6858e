/**
 * Socket Mode, end to end through the REAL app (config → backend → startApp with SLACK_APP_TOKEN set: Bolt's
 * SocketModeReceiver, the access checks, every listener), all on loopback: the app asks the fake Slack Web API for
 * a connection (`apps.connections.open`, app token), opens a WebSocket to the fake Socket Mode server, and gets
 * envelopes there; acks go back on the socket and answers go to local response_urls.
 */
import { SocketModeReceiver } from '@slack/bolt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WireCallRecord } from '../../src/calls/records.js';
import { encodePageButton } from '../../src/slack/state/button-state.js';
import type { FakeSocketMode, SocketConnection } from '../support/fake-socket-mode.js';
import { blockActionPayload, eventCallback, slashCommand } from '../support/slack-requests.js';
import { shownTextOf, startTestApp, type TestApp, textOf } from '../support/test-app.js';

const PERSON = 'U0PERSON01';

/** The fields of `/calls <text>` as Slack sends them (the same builder as the HTTP tests), as a Socket Mode payload. */
function commandPayload(text: string, responseUrl: string, userId = PERSON): Record<string, string> {
  return Object.fromEntries(
    new URLSearchParams(slashCommand({ text, response_url: responseUrl, user_id: userId }).body),
  );
}

function eventPayload(event: Record<string, unknown>): Record<string, unknown> {
  return JSON.parse(eventCallback(event).body) as Record<string, unknown>;
}

function buttonValue(message: unknown, actionId: string): string {
  let found: string | undefined;
  const walk = (value: unknown) => {
    if (Array.isArray(value)) value.forEach(walk);
    else if (value && typeof value === 'object') {
      const object = value as Record<string, unknown>;
      if (object.type === 'button' && object.action_id === actionId && typeof object.value === 'string') {
        found ??= object.value;
      }
      Object.values(object).forEach(walk);
    }
  };
  walk(message);
  if (found === undefined) throw new Error(`no ${actionId} button`);
  return found;
}

function callIdsIn(message: unknown, records: readonly WireCallRecord[]): string[] {
  const text = typeof message === 'string' ? message : shownTextOf(message);
  return records.filter((record) => text.includes(record.CallId)).map((record) => record.CallId);
}

describe('Socket Mode, end to end', () => {
  let app: TestApp;
  let socket: FakeSocketMode;

  beforeAll(async () => {
    app = await startTestApp({ socketMode: true, slack: { users: { [PERSON]: { tz: 'UTC' } } } });
    socket = app.socket as FakeSocketMode;
  });
  afterAll(async () => {
    await app?.close();
  });

  it('connects with the app token through apps.connections.open, and serves /healthz on PORT', async () => {
    expect(app.running.mode).toBe('socket');
    const opens = app.slack.callsTo('apps.connections.open');
    expect(opens).toHaveLength(1);
    expect(opens[0]?.token).toBe(app.slack.appToken);
    // startApp resolved only after the hello, on the one connection it opened.
    expect(socket.connections).toHaveLength(1);
    expect(socket.current()?.id).toBe(1);

    const health = await fetch(`${app.url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ ok: true, store: { engine: 'sqlite' } });
    // No HTTP receiver in Socket Mode: nothing answers Slack's HTTP endpoint.
    expect((await fetch(`${app.url}/slack/events`, { method: 'POST' })).status).toBe(404);
  });

  it('acks a /calls envelope at once with its envelope_id, answers on the response_url, and pages with Next', async () => {
    // The search needs the person's time zone first (users.info): Slack holds that answer, so the search is still
    // running when the ack must already have gone.
    const held = app.slack.hold('users.info');
    let first: Record<string, unknown>;
    try {
      const target = app.responses.create();
      const envelopeId = socket.slashCommand(commandPayload('result:interrupted', target.url, 'U0SOCKET01'));
      const ack = await socket.waitForAck(envelopeId);
      expect(ack.envelopeId).toBe(envelopeId);
      expect(ack.connectionId).toBe(1);
      expect(ack.payload).toEqual({}); // a bare ack(): Slack shows nothing until the answer comes
      await held.waitForArrivals(1);
      expect(app.responses.postsTo(target.id)).toHaveLength(0);
      held.release();

      first = await app.reply(target.id);
    } finally {
      held.release();
    }
    expect(first.response_type).toBe('ephemeral');
    const text = textOf(first);
    expect(text).toMatch(/\d+ calls/);
    const pages = Number(/page 1 of (\d+)/.exec(text)?.[1]);
    expect(pages).toBeGreaterThan(1);
    expect(text).toMatch(/demo data/i);
    const firstIds = callIdsIn(first, app.records);
    expect(firstIds.length).toBeGreaterThan(0);

    // Next, clicked in that message: an `interactive` envelope with a fresh response_url.
    const click = app.responses.create();
    const clickId = socket.interactive(
      blockActionPayload({
        actionId: 'calls_page_next',
        value: buttonValue(first, 'calls_page_next'),
        userId: PERSON,
        channelId: 'C0SUPPORT1',
        response_url: click.url,
      }),
    );
    const clickAck = await socket.waitForAck(clickId);
    expect(clickAck.payload).toEqual({});
    const second = await app.reply(click.id);
    expect(second.replace_original).toBe(true);
    expect(textOf(second)).toContain(`page 2 of ${pages}`);
    const secondIds = callIdsIn(second, app.records);
    expect(secondIds.length).toBeGreaterThan(0);
    expect(secondIds.filter((id) => firstIds.includes(id))).toEqual([]);

    await app.settled();
    expect(app.blockKitErrors()).toEqual([]);
  });

  it('acks an events_api envelope and publishes the Home tab', async () => {
    const envelopeId = socket.eventsApi(
      eventPayload({ type: 'app_home_opened', user: PERSON, channel: 'D0HOME', tab: 'home' }),
    );
    expect((await socket.waitForAck(envelopeId)).payload).toEqual({});
    const [publish] = await app.slack.waitForCalls('views.publish', { where: (call) => call.args.user_id === PERSON });
    expect(publish?.token).toBe(app.slack.token);
    expect(publish?.args.view).toMatchObject({ type: 'home' });
  });

  it('reconnects when Slack asks it to, even when apps.connections.open fails once on the way', async () => {
    const opens = app.slack.callsTo('apps.connections.open').length;
    // A passing outage: the next apps.connections.open answers HTTP 503.
    app.slack.failWith('apps.connections.open', 'service_unavailable', { times: 1, status: 503 });
    const before = socket.current() as SocketConnection;
    socket.askToReconnect();
    await before.whenEnded;
    expect(before.closeCodeFromApp).toBe(1000);

    // The client waits ~5 s before reconnecting, then retries the 503 after ~1 s.
    const after = await socket.waitForConnection(2, { timeoutMs: 12_000 });
    expect(app.slack.callsTo('apps.connections.open').map((call) => call.result.ok)).toEqual([
      ...Array(opens).fill(true),
      false,
      true,
    ]);
    expect(socket.current()).toBe(after);

    const target = app.responses.create();
    const envelopeId = socket.slashCommand(commandPayload('result:interrupted', target.url));
    expect((await socket.waitForAck(envelopeId)).connectionId).toBe(after.id);
    expect(textOf(await app.reply(target.id))).toMatch(/page 1 of \d+/);
  }, 20_000);

  it('stop() closes the socket with a normal close, then /healthz, and leaves no reconnect behind', async () => {
    const connection = socket.current() as SocketConnection;
    const opens = app.slack.callsTo('apps.connections.open').length;
    // Bolt's Socket Mode client (App keeps its receiver private): after a close it either schedules a reconnect or,
    // when shutting down, emits `disconnected` (its timers cleared, its socket destroyed) and does nothing more.
    const receiver: unknown = Reflect.get(app.running.app, 'receiver');
    if (!(receiver instanceof SocketModeReceiver)) throw new Error('the app has no SocketModeReceiver');
    const disconnected = new Promise<void>((resolve) => receiver.client.once('disconnected', () => resolve()));

    await app.running.stop({ timeoutMs: 5_000 });
    await connection.whenEnded;
    expect(connection.closeCodeFromApp).toBe(1000);
    await disconnected;
    expect(socket.current()).toBeUndefined();
    expect(app.slack.callsTo('apps.connections.open')).toHaveLength(opens);
    await expect(fetch(`${app.url}/healthz`)).rejects.toThrow();
    expect(app.logs.entries().some((entry) => entry.msg === 'stopped')).toBe(true);
    // The app-level token never reached the logs.
    expect(app.logs.text()).not.toContain(app.slack.appToken);
  });
});

describe('Socket Mode, a user not in ALLOWED_SLACK_USERS', () => {
  let app: TestApp;
  let socket: FakeSocketMode;

  beforeAll(async () => {
    app = await startTestApp({ socketMode: true, env: { ALLOWED_SLACK_USERS: 'U0SOMEONE9' } });
    socket = app.socket as FakeSocketMode;
  });
  afterAll(async () => {
    await app?.close();
  });

  it('sees the refusal and no data, for a command and for a button', async () => {
    const requests = app.tencent.stats.requests;
    const target = app.responses.create();
    const envelopeId = socket.slashCommand(commandPayload('result:interrupted', target.url));
    const ack = await socket.waitForAck(envelopeId);
    // The refusal is the ack's payload: what Slack shows the person at once.
    expect(ack.payload?.response_type).toBe('ephemeral');
    expect(textOf(ack.payload)).toMatch(/not allowed.*ALLOWED_SLACK_USERS/);

    const click = app.responses.create();
    const value = encodePageButton({
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
    const clickId = socket.interactive(
      blockActionPayload({
        actionId: 'calls_page_next',
        value,
        userId: PERSON,
        channelId: 'C0SUPPORT1',
        response_url: click.url,
      }),
    );
    expect((await socket.waitForAck(clickId)).payload).toEqual({});
    const refusal = await app.reply(click.id);
    expect(refusal.replace_original).toBe(false);
    expect(textOf(refusal)).toMatch(/not allowed/);

    await app.settled();
    expect(app.responses.postsTo(target.id)).toHaveLength(0);
    expect(app.responses.postsTo(click.id)).toHaveLength(1);
    expect(app.tencent.stats.requests).toBe(requests);
    expect(callIdsIn(`${app.everythingSent()}${JSON.stringify(socket.acks)}`, app.records)).toEqual([]);
    const refused = app.logs.entries().filter((entry) => entry.audit === 'refused');
    expect(refused.map((entry) => [entry.surface, entry.reason, entry.user])).toEqual([
      ['command', 'user-not-allowed', PERSON],
      ['button', 'user-not-allowed', PERSON],
    ]);
  });
});
