/**
 * Socket Mode receives the same shapes over its WebSocket: an envelope whose payload is JSON `null`, an array, a
 * number, a string or lacks the fields the app relies on is acknowledged (so Slack does not redeliver it), reaches
 * no listener (nothing reaches Slack or Tencent), and leaves the connection serving the next request.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { slashCommand } from '../../support/slack-requests.js';
import { startTestApp, type TestApp, textOf } from '../../support/test-app.js';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp({ socketMode: true });
});
afterAll(async () => {
  await app.close();
});

const SHAPES: Array<[string, 'slash_commands' | 'interactive' | 'events_api', unknown]> = [
  ['slash command null', 'slash_commands', null],
  ['slash command an array', 'slash_commands', ['/calls']],
  ['slash command without a command', 'slash_commands', { text: 'yesterday', user_id: 'U0PERSON01' }],
  ['interactive null', 'interactive', null],
  ['interactive a number', 'interactive', 42],
  ['interactive a string', 'interactive', 'block_actions'],
  ['block_actions without actions', 'interactive', { type: 'block_actions', user: { id: 'U0PERSON01' } }],
  ['events null', 'events_api', null],
  ['event_callback without an event', 'events_api', { type: 'event_callback', team_id: 'T0TEST0001' }],
  ['event_callback with event null', 'events_api', { type: 'event_callback', event: null }],
  ['event_callback with an event of no type', 'events_api', { type: 'event_callback', event: { user: 'U0PERSON01' } }],
];

describe('Socket Mode envelopes that are not what Slack sends', () => {
  it.each(SHAPES)('%s: acknowledged, and nothing reaches Slack or Tencent', async (_name, type, payload) => {
    const socket = app.socket;
    if (!socket) throw new Error('no Socket Mode server');
    const before = { slack: app.slack.calls.length, tencent: app.tencent.stats.requests };
    const id = socket.sendEnvelope(type, payload as Record<string, unknown>);
    await socket.waitForAck(id);
    await app.settled();
    expect(app.slack.calls.length).toBe(before.slack);
    expect(app.tencent.stats.requests).toBe(before.tencent);
    expect(app.responses.posts).toHaveLength(0);
  });

  it('the connection still serves a well-formed command after all of them', async () => {
    const socket = app.socket;
    if (!socket) throw new Error('no Socket Mode server');
    const target = app.responses.create();
    const fields = Object.fromEntries(
      new URLSearchParams(slashCommand({ text: 'help', response_url: target.url }).body),
    );
    await socket.waitForAck(socket.slashCommand(fields));
    expect(textOf(await app.reply(target.id))).toMatch(/calls/);
  });
});
