/**
 * Any request timestamp more than 300 s away from now, in the past or in the future, is refused (401) by the real
 * app over HTTP, correctly signed, and nothing reaches Slack or Tencent.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendSigned, slackSignature, slashCommand } from '../../support/slack-requests.js';
import { startTestApp, type TestApp } from '../../support/test-app.js';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => {
  await app.close();
});

/** Signed like Slack signs, by the shared sender; the HTTP status the app answers. */
async function sendSignedBody(body: string, contentType: string, timestamp?: number): Promise<number> {
  const sent = await sendSigned(app.eventsUrl, app.signingSecret, { body, contentType }, { timestamp });
  return sent.status;
}

describe('request timestamps', () => {
  const now = () => Math.floor(Date.now() / 1000);
  it.each([
    ['301 s in the future', 301],
    ['an hour in the future', 3_600],
    ['301 s in the past', -301],
    ['a day in the past', -86_400],
  ])('%s: refused, and nothing reaches Slack or Tencent', async (_name, offset) => {
    const before = { slack: app.slack.calls.length, tencent: app.tencent.stats.requests };
    const target = app.responses.create();
    const command = slashCommand({ text: 'yesterday', response_url: target.url });
    expect(await sendSignedBody(command.body, command.contentType, now() + offset)).toBe(401);
    await app.settled();
    expect(app.slack.calls.length).toBe(before.slack);
    expect(app.tencent.stats.requests).toBe(before.tencent);
    expect(app.responses.postsTo(target.id)).toHaveLength(0);
  });

  it.each([
    ['290 s in the future', 290],
    ['290 s in the past', -290],
  ])('%s: answered', async (_name, offset) => {
    const sent = await app.command('help', { send: { timestamp: now() + offset } });
    expect(sent.http.status).toBe(200);
    expect(await app.reply(sent.responseId)).toHaveProperty('blocks');
  });

  it.each([
    ['not a number', 'soon'],
    ['empty', ''],
    ['fractional', '1700000000.5'],
  ])('a timestamp header %s: refused', async (_name, header) => {
    const command = slashCommand({ text: 'help', response_url: app.responses.create().url });
    const response = await fetch(app.eventsUrl, {
      method: 'POST',
      headers: {
        'content-type': command.contentType,
        'x-slack-request-timestamp': header,
        'x-slack-signature': slackSignature(app.signingSecret, Number(header), command.body),
      },
      body: command.body,
      signal: AbortSignal.timeout(10_000),
    });
    expect(response.status).toBe(401);
  });
});
