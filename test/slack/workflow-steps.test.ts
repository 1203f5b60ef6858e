/**
 * Workflow Builder steps through the real Bolt app: a signed `function_executed` event is acknowledged, and the step
 * ends with functions.completeSuccess (the outputs) or functions.completeError (one sentence), as the person who
 * ran the workflow, whom the access rules check like anyone else.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callLink } from '../../src/calls/call-links.js';
import type { WireCallRecord } from '../../src/calls/records.js';
import { FUNCTION_IDS } from '../../src/slack/views/ids.js';
import { FAKE_FUNCTION_TOKEN, type RecordedCall } from '../support/fake-slack.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

const ORIGIN = 'https://callkit.example.com';
const PERSON = 'U0PERSON01';
const OUTSIDER = 'U0OUTSIDE1';
let executions = 0;

function functionExecuted(callbackId: string, inputs: Record<string, unknown>) {
  executions += 1;
  return {
    type: 'function_executed',
    function: {
      id: `Fn0${callbackId.length}`,
      callback_id: callbackId,
      title: callbackId,
      type: 'app',
      input_parameters: [],
      output_parameters: [],
      app_id: 'A0TESTAPP1',
      date_created: 1700000000,
      date_updated: 1700000000,
      date_deleted: 0,
    },
    inputs,
    function_execution_id: `Fx${String(executions).padStart(8, '0')}`,
    workflow_execution_id: `Wx${String(executions).padStart(8, '0')}`,
    bot_access_token: FAKE_FUNCTION_TOKEN,
  };
}

const asUser = (id: string) => ({ user_context: { id, secret: 'c2VjcmV0' } });

/** Sends the step and waits for the call that ended it (success or error). */
async function run(app: TestApp, callbackId: string, inputs: Record<string, unknown>): Promise<RecordedCall> {
  const event = functionExecuted(callbackId, inputs);
  const sent = await app.event(event);
  expect(sent.status).toBe(200);
  const ended = (c: RecordedCall) => c.args.function_execution_id === event.function_execution_id;
  await Promise.race([
    app.slack.waitForCalls('functions.completeSuccess', { where: ended }),
    app.slack.waitForCalls('functions.completeError', { where: ended }),
  ]).catch(() => {});
  const calls = app.slack.calls.filter(
    (c) => (c.method === 'functions.completeSuccess' || c.method === 'functions.completeError') && ended(c),
  );
  expect(calls).toHaveLength(1);
  return calls[0] as RecordedCall;
}

/** `2026-11-20T15:00` in UTC. */
const minute = (unix: number) => new Date(unix * 1000).toISOString().slice(0, 16);

describe('Workflow Builder steps', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ env: { PUBLIC_URL: ORIGIN, ALLOWED_SLACK_USERS: PERSON } });
  });
  afterAll(() => app.close());

  it('"Look up calls" outputs the count, the dropped count and the newest call with its link', async () => {
    const counts = new Map<string, number>();
    for (const r of app.records) counts.set(r.Caller_Account, (counts.get(r.Caller_Account) ?? 0) + 1);
    const [user] = [...counts.entries()].sort((a, b) => b[1] - a[1])[0] ?? [''];
    // An absolute range of whole minutes inside the dataset: the same calls whenever the test runs.
    const first = app.records[0] as WireCallRecord;
    const last = app.records[app.records.length - 1] as WireCallRecord;
    const from = Math.ceil((first.StartTime + 3600) / 60) * 60;
    const to = Math.floor((last.StartTime - 3600) / 60) * 60;
    const inRange = app.records.filter(
      (r) =>
        r.StartTime >= from && r.StartTime < to && (r.Caller_Account === user || r.CalleeList_Account.includes(user)),
    );
    expect(inRange.length).toBeGreaterThan(0);
    const newest = [...inRange].sort((a, b) => b.StartTime - a.StartTime || a.CallId.localeCompare(b.CallId))[0];

    const ended = await run(app, FUNCTION_IDS.lookUpCalls, {
      user,
      range: `from:${minute(from)} to:${minute(to)}`,
      ...asUser(PERSON),
    });
    expect(ended.method).toBe('functions.completeSuccess');
    expect(ended.token).toBe(FAKE_FUNCTION_TOKEN);
    const outputs = ended.args.outputs as Record<string, unknown>;
    expect(outputs.count).toBe(inRange.length);
    expect(outputs.dropped_count).toBe(
      inRange.filter((r) => r.CallResult === 'Interrupt' || r.CallResult === 'Offline').length,
    );
    expect(outputs.newest_call_link).toBe(callLink(ORIGIN, newest?.CallId ?? ''));
    expect(outputs.newest_call).toContain(`\`${newest?.Caller_Account}\``);
  });

  it('"Look up calls" fails with a sentence for a range it cannot read', async () => {
    const ended = await run(app, FUNCTION_IDS.lookUpCalls, { user: '147', range: 'result:dropped', ...asUser(PERSON) });
    expect(ended.method).toBe('functions.completeError');
    expect(ended.args.error).toMatch(/^The range must be a time range such as last:24h/);
  });

  it('"Get call" outputs the result, duration, participants and link', async () => {
    const record = app.records.find((r) => r.AcceptTime > 0 && r.CalleeList_Account.length > 0) as WireCallRecord;
    const ended = await run(app, FUNCTION_IDS.getCall, { call_id: record.CallId, ...asUser(PERSON) });
    expect(ended.method).toBe('functions.completeSuccess');
    const outputs = ended.args.outputs as Record<string, string>;
    expect(outputs.result).toContain(`(${record.CallResult})`);
    expect(outputs.duration).toMatch(/^\d+(s|m \d{2}s|h \d{2}m)/);
    expect(outputs.participants).toContain(`\`${record.Caller_Account}\``);
    for (const callee of record.CalleeList_Account) expect(outputs.participants).toContain(`\`${callee}\``);
    expect(outputs.link).toBe(callLink(ORIGIN, record.CallId));
    expect(outputs).toHaveProperty('cause');
  });

  it('"Get call" fails with a sentence for a call nobody has', async () => {
    const ended = await run(app, FUNCTION_IDS.getCall, {
      call_id: '00000000-0000-4000-8000-00000000beef',
      ...asUser(PERSON),
    });
    expect(ended.method).toBe('functions.completeError');
    expect(ended.args.error).toContain('No call with ID 00000000-0000-4000-8000-00000000beef');
  });

  it('fails, with the refusal, for a person the access rules refuse, and reveals nothing', async () => {
    const record = app.records[4] as WireCallRecord;
    const ended = await run(app, FUNCTION_IDS.getCall, { call_id: record.CallId, ...asUser(OUTSIDER) });
    expect(ended.method).toBe('functions.completeError');
    expect(ended.args.error).toMatch(/^You are not allowed to search call records/);
    // The step itself never ran: no lookup was made for that person.
    expect(app.logs.audits().filter((line) => line.user === OUTSIDER)).toEqual([]);
    expect(JSON.stringify(ended.args)).not.toContain(record.Caller_Account);
  });

  it('fails when the step does not say who runs the workflow', async () => {
    const ended = await run(app, FUNCTION_IDS.getCall, { call_id: (app.records[0] as WireCallRecord).CallId });
    expect(ended.method).toBe('functions.completeError');
  });
});
