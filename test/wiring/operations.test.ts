/**
 * The operator's side of the REAL app (startTestApp): `/metrics` parses as Prometheus text and its counters move
 * after a search, a callback and a sync pass, with no user or call ID in any label; METRICS_TOKEN guards it;
 * `/livez` and `/readyz` answer; `/calls status` answers admins only.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { END_CALL_COMMAND } from '../../src/tencent/callback-request.js';
import { anyCall } from '../support/call-records.js';
import { startTestApp, type TestApp, textOf } from '../support/test-app.js';
import { waitFor } from '../support/wait.js';
import { parsePrometheusText, sampleSum } from './prometheus-text.js';

const TOKEN = 'OpsCallbackToken_0123456789';
const ADMIN = 'U0ADMIN001';
const NOW = Math.floor(Date.now() / 1000);

const callbackBody = (callId: string, caller: string, command = END_CALL_COMMAND) =>
  JSON.stringify({
    CallbackCommand: command,
    CallRecord: {
      CallId: callId,
      Caller_Account: caller,
      MediaType: 'Audio',
      CallType: 'SingleCall',
      StartTime: NOW - 120,
      EndTime: NOW - 5,
      AcceptTime: NOW - 110,
      CallResult: 'Normal',
      CalleeList_Account: [caller, '42'],
      RoomId: 'r-1',
      RoomIdType: 2,
    },
    EventTime: NOW * 1000,
  });

async function scrape(app: TestApp, headers: Record<string, string> = {}) {
  const response = await fetch(`${app.url}/metrics`, { headers });
  const text = await response.text();
  return { status: response.status, contentType: response.headers.get('content-type'), text };
}

async function metrics(app: TestApp) {
  const { status, text } = await scrape(app);
  expect(status).toBe(200);
  return { samples: parsePrometheusText(text), text };
}

describe('operations on the app (SQLite, HTTP mode)', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp({ env: { TENCENT_CALLBACK_TOKEN: TOKEN, ADMIN_SLACK_USERS: ADMIN } });
  });
  afterAll(() => app.close());

  it('serves /metrics as Prometheus text with every metric the operations guide lists', async () => {
    const { status, contentType, text } = await scrape(app);
    expect(status).toBe(200);
    expect(contentType).toMatch(/^text\/plain; version=0\.0\.4/);
    const names = new Set(parsePrometheusText(text).map((s) => s.name));
    for (const family of [
      'callkit_tencent_requests_total',
      'callkit_tencent_request_duration_seconds_bucket',
      'callkit_sync_last_success_timestamp_seconds',
      'callkit_sync_passes_total',
      'callkit_store_query_duration_seconds_count',
      'callkit_incidents_open',
      'callkit_watches_active',
      'callkit_store_calls',
      'process_cpu_seconds_total',
    ]) {
      expect(names, family).toContain(family);
    }
    for (const declared of [
      'callkit_callbacks_total',
      'callkit_slack_requests_total',
      'callkit_slack_api_errors_total',
    ]) {
      expect(text).toContain(`# TYPE ${declared} counter`);
    }
    expect(text).toContain('# TYPE callkit_slack_ack_duration_seconds histogram');
    // The first sync pass filled the store: its calls are counted.
    expect(sampleSum(parsePrometheusText(text), 'callkit_store_calls')).toBe(
      await app.backend.store.countCalls(anyCall()),
    );
  });

  it('moves the Slack counters and the ack histogram after a search', async () => {
    const before = (await metrics(app)).samples;
    const sent = await app.command('last:24h');
    await app.reply(sent.responseId);
    await app.settled();
    const after = (await metrics(app)).samples;
    const moved = (name: string, labels: Record<string, string>) =>
      sampleSum(after, name, labels) - sampleSum(before, name, labels);
    expect(moved('callkit_slack_requests_total', { kind: 'command', outcome: 'ok' })).toBe(1);
    expect(moved('callkit_slack_ack_duration_seconds_count', { kind: 'command' })).toBe(1);
    expect(moved('callkit_store_query_duration_seconds_count', { operation: 'select' })).toBeGreaterThan(0);
  });

  it('counts a callback by command and outcome, and a refused one by its reason', async () => {
    const before = (await metrics(app)).samples;
    const query = `SdkAppid=${app.tencent.sdkAppId}&contenttype=json`;
    const post = (body: string) =>
      fetch(`${app.url}/tencent/callback/${TOKEN}?${query}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
      }).then((r) => r.status);
    expect(await post(callbackBody('ops-call-0001', 'caller-7001'))).toBe(200);
    expect(await post(callbackBody('ops-call-0001', 'caller-7001'))).toBe(200);
    expect(await post('{not json')).toBe(400);
    // A command nobody knows is counted as `other`, never under its own name.
    expect(await post(callbackBody('ops-call-0002', 'caller-7002', 'Call.U0PERSON01'))).toBe(200);
    const { samples, text } = await metrics(app);
    const moved = (labels: Record<string, string>) =>
      sampleSum(samples, 'callkit_callbacks_total', labels) - sampleSum(before, 'callkit_callbacks_total', labels);
    expect(moved({ command: END_CALL_COMMAND, outcome: 'stored' })).toBe(1);
    expect(moved({ command: END_CALL_COMMAND, outcome: 'duplicate' })).toBe(1);
    expect(moved({ command: 'unknown', outcome: 'not-json' })).toBe(1);
    expect(moved({ command: 'other', outcome: 'ignored' })).toBe(1);
    // No label carries a user or call ID.
    for (const id of ['ops-call-0001', 'ops-call-0002', 'caller-7001', 'U0PERSON01', 'Call.U0PERSON01', TOKEN]) {
      expect(text).not.toContain(id);
    }
  });

  it('counts a sync pass, its Tencent requests and its time of success', async () => {
    const before = (await metrics(app)).samples;
    const sync = app.backend.sync;
    if (sync === undefined) throw new Error('the app runs no sync');
    const report = await sync.runOnce();
    expect(report.outcome).toBe('synced');
    const after = (await metrics(app)).samples;
    expect(
      sampleSum(after, 'callkit_sync_passes_total', { outcome: 'synced' }) -
        sampleSum(before, 'callkit_sync_passes_total', { outcome: 'synced' }),
    ).toBe(1);
    expect(sampleSum(after, 'callkit_sync_last_success_timestamp_seconds')).toBeGreaterThanOrEqual(NOW);
    expect(
      sampleSum(after, 'callkit_tencent_requests_total', { outcome: 'ok' }) -
        sampleSum(before, 'callkit_tencent_requests_total', { outcome: 'ok' }),
    ).toBeGreaterThan(0);
    for (const sample of after) {
      for (const value of Object.values(sample.labels)) expect(value).not.toMatch(/^U0|^r-|caller/);
    }
  });

  it('answers /livez and /readyz while healthy', async () => {
    const live = await fetch(`${app.url}/livez`);
    expect(live.status).toBe(200);
    const ready = await fetch(`${app.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ ok: true });
  });

  it('refuses /calls status in one sentence to someone not in ADMIN_SLACK_USERS', async () => {
    const sent = await app.command('status', { user_id: 'U0PERSON01' });
    const text = textOf(await app.reply(sent.responseId));
    expect(text).toContain('`/calls status` is only for the people listed in ADMIN_SLACK_USERS');
    expect(text).not.toMatch(/SQLite|Processes|Last sync/);
  });

  it('shows an admin the store, the last sync, the callbacks, Tencent, incidents and this process', async () => {
    const sent = await app.command('status', { user_id: ADMIN });
    const text = textOf(await app.reply(sent.responseId));
    expect(text).toContain('*Store*: SQLite');
    expect(text).toMatch(/\*Last sync\*: <!date\^\d+\^/);
    expect(text).toContain('no problem');
    expect(text).toMatch(/\*Callbacks, last hour\*: \d+ callbacks \(Call\.CallbackAfterEndCall \d+/);
    expect(text).toContain('refused: not-json 1');
    expect(text).toMatch(/call_record_http_srv\/get_record_by_filter [\d,]+ requests, 0 errors/);
    expect(text).toContain('*Open incidents*: none.');
    expect(text).toContain(`pid ${process.pid}`);
    expect(text).toContain('holds the sync lease');
    expect(app.blockKitErrors()).toEqual([]);
  });

  it('lists status in the /calls help', async () => {
    const sent = await app.command('help');
    expect(textOf(await app.reply(sent.responseId))).toContain('`/calls status`');
  });
});

describe('METRICS_TOKEN', () => {
  let app: TestApp;
  const token = 'metrics-token-0123456789abcdef';

  beforeAll(async () => {
    app = await startTestApp({ sync: 'off', env: { METRICS_TOKEN: token } });
  });
  afterAll(() => app.close());

  it('answers 401 without the token and with a wrong one, 200 with it', async () => {
    expect((await scrape(app)).status).toBe(401);
    expect((await scrape(app, { authorization: 'Bearer wrong-token' })).status).toBe(401);
    expect((await scrape(app, { authorization: `Bearer ${token}x` })).status).toBe(401);
    expect((await scrape(app, { authorization: token })).status).toBe(401);
    const ok = await scrape(app, { authorization: `Bearer ${token}` });
    expect(ok.status).toBe(200);
    expect(parsePrometheusText(ok.text).length).toBeGreaterThan(0);
    expect(app.logs.text()).not.toContain(token);
  });
});

describe('operations in Socket Mode', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp({ socketMode: true, sync: 'off' });
  });
  afterAll(() => app.close());

  it('counts and times a command over the WebSocket; /readyz says when Slack is no longer connected', async () => {
    const socket = app.socket;
    if (socket === undefined) throw new Error('no Socket Mode server');
    const before = (await metrics(app)).samples;
    const id = socket.slashCommand({
      command: '/calls',
      text: 'help',
      user_id: 'U0PERSON01',
      channel_id: 'C0SUPPORT1',
      team_id: 'T0TEST0001',
      response_url: 'http://127.0.0.1:9/unused',
      trigger_id: 't.1',
    });
    await socket.waitForAck(id);
    await app.settled();
    const after = (await metrics(app)).samples;
    expect(
      sampleSum(after, 'callkit_slack_ack_duration_seconds_count', { kind: 'command' }) -
        sampleSum(before, 'callkit_slack_ack_duration_seconds_count', { kind: 'command' }),
    ).toBe(1);
    expect((await fetch(`${app.url}/readyz`)).status).toBe(200);

    await socket.close();
    await waitFor(async () => (await fetch(`${app.url}/readyz`)).status === 503, { what: '/readyz to say 503' });
    const ready = (await (await fetch(`${app.url}/readyz`)).json()) as unknown;
    expect(ready).toEqual({ ok: false, problems: { slack: 'Socket Mode is not connected to Slack' } });
    expect((await fetch(`${app.url}/livez`)).status).toBe(200);
  });
});
