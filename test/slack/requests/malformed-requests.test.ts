/**
 * Correctly signed requests whose body is not what Slack sends (JSON `null`, arrays, numbers, strings, missing
 * fields) get HTTP 400 at once, from the real app over HTTP, and nothing reaches Slack or Tencent.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FORM_CONTENT_TYPE, JSON_CONTENT_TYPE, sendSigned } from '../../support/slack-requests.js';
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

const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
const payload = (json: string) => form({ payload: json });

const MALFORMED: Array<[string, string, string]> = [
  ['payload=null', 'payload=null', FORM_CONTENT_TYPE],
  ['payload JSON null (encoded)', payload('null'), FORM_CONTENT_TYPE],
  ['payload an array', payload('[]'), FORM_CONTENT_TYPE],
  ['payload a number', payload('42'), FORM_CONTENT_TYPE],
  ['payload a string', payload('"block_actions"'), FORM_CONTENT_TYPE],
  ['payload true', payload('true'), FORM_CONTENT_TYPE],
  ['payload not JSON', payload('{nope'), FORM_CONTENT_TYPE],
  ['payload twice', 'payload=%7B%7D&payload=%7B%7D', FORM_CONTENT_TYPE],
  ['payload without a type', payload('{"user":{"id":"U0PERSON01"}}'), FORM_CONTENT_TYPE],
  ['payload with a type that is not a string', payload('{"type":7}'), FORM_CONTENT_TYPE],
  ['block_actions without actions', payload('{"type":"block_actions","user":{"id":"U0PERSON01"}}'), FORM_CONTENT_TYPE],
  [
    'block_actions with actions null',
    payload('{"type":"block_actions","user":{"id":"U0PERSON01"},"actions":null}'),
    FORM_CONTENT_TYPE,
  ],
  ['block_actions without a user', payload('{"type":"block_actions","actions":[]}'), FORM_CONTENT_TYPE],
  ['empty form', '', FORM_CONTENT_TYPE],
  ['form without a command', form({ text: 'yesterday', user_id: 'U0PERSON01' }), FORM_CONTENT_TYPE],
  ['command without a user', form({ command: '/calls', text: 'yesterday', team_id: 'T0TEST0001' }), FORM_CONTENT_TYPE],
  ['JSON null', 'null', JSON_CONTENT_TYPE],
  ['JSON array', '[{"type":"event_callback"}]', JSON_CONTENT_TYPE],
  ['JSON number', '12', JSON_CONTENT_TYPE],
  ['JSON string', '"event_callback"', JSON_CONTENT_TYPE],
  ['JSON false', 'false', JSON_CONTENT_TYPE],
  ['JSON not JSON', '{', JSON_CONTENT_TYPE],
  ['JSON without a type', '{"team_id":"T0TEST0001"}', JSON_CONTENT_TYPE],
  ['event_callback without an event', '{"type":"event_callback","team_id":"T0TEST0001"}', JSON_CONTENT_TYPE],
  ['event_callback with event null', '{"type":"event_callback","event":null}', JSON_CONTENT_TYPE],
  ['event_callback with an event array', '{"type":"event_callback","event":[1]}', JSON_CONTENT_TYPE],
  ['event without a type', '{"type":"event_callback","event":{"user":"U0PERSON01"}}', JSON_CONTENT_TYPE],
];

describe('signed requests that are not what Slack sends', () => {
  it.each(MALFORMED)('%s: 400, and nothing reaches Slack or Tencent', async (_name, body, contentType) => {
    const before = { slack: app.slack.calls.length, tencent: app.tencent.stats.requests };
    expect(await sendSignedBody(body, contentType)).toBe(400);
    await app.settled();
    expect(app.slack.calls.length).toBe(before.slack);
    expect(app.tencent.stats.requests).toBe(before.tencent);
    expect(app.responses.posts).toHaveLength(0);
  });

  it('a well-formed command still works after all of them', async () => {
    const sent = await app.command('help');
    expect(sent.http.status).toBe(200);
    expect(await app.reply(sent.responseId)).toHaveProperty('blocks');
  });
});
