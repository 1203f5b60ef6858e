/**
 * Replies through a response_url survive Slack's hiccups and say the right thing when they cannot: one 500, a 429
 * with Retry-After or a reset connection is retried and the reply arrives; a response_url that never answers is
 * given up after a timeout (so the request, and shutdown, are not held); only an expired one (404/410) is called
 * expired; a Share while Slack is down says so in words. Real app, local response_urls, fake Web API.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXPIRED_REPLY_MESSAGE, UNDELIVERED_REPLY_MESSAGE } from '../../src/slack/error-messages.js';
import { buttonsOf } from '../support/block-kit.js';
import { startTestApp, type TestApp, textOf } from '../support/test-app.js';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp({ outgoing: { timeoutMs: 1_000, baseDelayMs: 20, maxAttempts: 3 } });
});
afterAll(async () => {
  expect(app.blockKitErrors()).toEqual([]);
  await app.close();
});

/** `/calls help` (no Tencent involved) on a response_url prepared by `prepare`. */
async function helpOn(prepare: (id: string) => void) {
  const target = app.responses.create();
  prepare(target.id);
  const ephemeralsBefore = app.slack.callsTo('chat.postEphemeral').length;
  const sent = await app.command('help', { responseUrl: target });
  expect(sent.http.status).toBe(200);
  await app.settled();
  return {
    target,
    accepted: app.responses.postsTo(target.id),
    attempts: app.responses.attemptsAt(target.id),
    ephemerals: app.slack.callsTo('chat.postEphemeral').slice(ephemeralsBefore),
  };
}

describe('replies through a response_url', () => {
  it('retries a 500 and the reply arrives', async () => {
    const result = await helpOn((id) => app.responses.failNext(id, { status: 500 }));
    expect(result.attempts).toHaveLength(2);
    expect(result.accepted).toHaveLength(1);
    expect(textOf(result.accepted[0]?.body)).toMatch(/calls/);
    expect(result.ephemerals).toHaveLength(0);
  });

  it('retries a 429 after its Retry-After', async () => {
    const result = await helpOn((id) => app.responses.failNext(id, { status: 429, headers: { 'retry-after': '1' } }));
    expect(result.accepted).toHaveLength(1);
    const [first = 0, second = 0] = result.attempts;
    expect(second - first).toBeGreaterThanOrEqual(900);
    expect(result.ephemerals).toHaveLength(0);
  });

  it('retries a connection reset', async () => {
    const result = await helpOn((id) => app.responses.failNext(id, { status: 'reset' }));
    expect(result.attempts).toHaveLength(2);
    expect(result.accepted).toHaveLength(1);
  });

  it('gives up a response_url that never answers, and tells the person to try again (not that it expired)', async () => {
    const result = await helpOn((id) => app.responses.neverAnswer(id));
    expect(result.accepted).toHaveLength(0);
    expect(app.running.inFlight.count).toBe(0);
    expect(result.ephemerals).toHaveLength(1);
    const told = textOf(result.ephemerals[0]?.args);
    expect(told).toContain(UNDELIVERED_REPLY_MESSAGE);
    expect(told).not.toContain(EXPIRED_REPLY_MESSAGE);
  });

  it('after 500s on every try, tells the person Slack did not take the reply (not that it expired)', async () => {
    const result = await helpOn((id) => app.responses.failNext(id, { status: 503, times: 5 }));
    expect(result.attempts).toHaveLength(3);
    expect(result.accepted).toHaveLength(0);
    expect(textOf(result.ephemerals[0]?.args)).toContain(UNDELIVERED_REPLY_MESSAGE);
  });

  it.each([404, 410])('an expired response_url (%i) is not retried and is called expired', async (status) => {
    const result = await helpOn((id) => app.responses.expire(id, status));
    expect(result.attempts).toHaveLength(1);
    expect(result.ephemerals).toHaveLength(1);
    expect(textOf(result.ephemerals[0]?.args)).toContain(EXPIRED_REPLY_MESSAGE);
  });
});

describe('Share while Slack is down', () => {
  it('says Slack did not answer and to try again, never an error code', async () => {
    const first = await app.command('result:interrupted');
    const reply = await app.reply(first.responseId);
    const share = buttonsOf(reply).find((button) => button.action_id === 'calls_share');
    app.slack.failWith('chat.postMessage', 'service_unavailable', { times: 1, status: 503 });
    const sent = await app.click({ actionId: 'calls_share', value: share?.value });
    const answer = textOf(await app.reply(sent.responseId));
    expect(answer).toMatch(/Slack did not answer.*try again/);
    expect(answer).not.toMatch(/unknown_error|service_unavailable/);
  });
});
