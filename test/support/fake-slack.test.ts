import { webApi } from '@slack/bolt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeSlack, startFakeSlack } from './fake-slack.js';
import { type ResponseUrlServer, startResponseUrlServer } from './response-urls.js';

describe('the test harness itself', () => {
  let slack: FakeSlack;
  let responses: ResponseUrlServer;
  let client: webApi.WebClient;

  beforeAll(async () => {
    slack = await startFakeSlack({ users: { U1: { tz: 'Asia/Tokyo' } } });
    responses = await startResponseUrlServer({ maxUses: 2 });
    client = new webApi.WebClient(slack.token, { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 } });
  });
  afterAll(async () => {
    await slack?.close();
    await responses?.close();
  });

  it('answers and records Web API calls, with JSON arguments decoded', async () => {
    expect((await client.users.info({ user: 'U1' })).user?.tz).toBe('Asia/Tokyo');
    await expect(client.users.info({ user: 'U2' })).rejects.toMatchObject({ data: { error: 'user_not_found' } });
    await client.chat.postMessage({ channel: 'C1', text: 't', blocks: [{ type: 'divider' }] });
    expect(slack.callsTo('chat.postMessage')[0]?.args.blocks).toEqual([{ type: 'divider' }]);
    const stranger = new webApi.WebClient('xoxb-wrong', { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 } });
    await expect(stranger.auth.test()).rejects.toMatchObject({ data: { error: 'invalid_auth' } });
  });

  it('fails a method on demand', async () => {
    slack.failWith('chat.postMessage', 'not_in_channel', { times: 1 });
    await expect(client.chat.postMessage({ channel: 'C1', text: 'a' })).rejects.toMatchObject({
      data: { error: 'not_in_channel' },
    });
    await expect(client.chat.postMessage({ channel: 'C1', text: 'b' })).resolves.toMatchObject({ ok: true });
  });

  it('holds a method until released: the call arrives, its answer waits', async () => {
    const answeredBefore = slack.callsTo('users.info').length;
    const held = slack.hold('users.info');
    let answered = false;
    const lookup = client.users.info({ user: 'U1' }).then((answer) => {
      answered = true;
      return answer;
    });
    try {
      expect(await held.waitForArrivals(1)).toEqual([expect.objectContaining({ user: 'U1' })]);
      // Another method is not held, and answers while users.info still waits.
      await client.chat.postMessage({ channel: 'C1', text: 'meanwhile' });
      expect(answered).toBe(false);
      expect(slack.callsTo('users.info')).toHaveLength(answeredBefore);
    } finally {
      held.release();
    }
    expect((await lookup).user?.tz).toBe('Asia/Tokyo');
    await expect(client.users.info({ user: 'U1' })).resolves.toMatchObject({ ok: true }); // no longer held
    expect(held.arrived).toHaveLength(1);
    expect(slack.callsTo('users.info')).toHaveLength(answeredBefore + 2);
  });

  it('takes a file upload end to end (files.uploadV2)', async () => {
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]);
    await client.filesUploadV2({ channel_id: 'C1', file: png, filename: 'chart.png', title: 'Chart' });
    expect(slack.uploads).toHaveLength(1);
    expect(slack.uploads[0]?.bytes.equals(png)).toBe(true);
    const complete = slack.callsTo('files.completeUploadExternal')[0];
    expect(complete?.args.channel_id).toBe('C1');
    expect(complete?.args.files).toEqual([{ id: slack.uploads[0]?.fileId, title: 'Chart' }]);
  });

  it('refuses, like Slack, blocks and views that break a Block Kit limit, and says what broke', async () => {
    const tooMany = Array.from({ length: 51 }, () => ({ type: 'divider' }));
    await expect(client.chat.postMessage({ channel: 'C1', text: 't', blocks: tooMany })).rejects.toMatchObject({
      data: { error: 'invalid_blocks' },
    });
    const longText = [{ type: 'section', text: { type: 'mrkdwn', text: 'x'.repeat(3001) } }];
    await expect(
      client.views.publish({ user_id: 'U1', view: { type: 'home', blocks: longText } }),
    ).rejects.toMatchObject({ data: { error: 'invalid_blocks' } });
    await expect(
      client.views.publish({ user_id: 'U1', view: { type: 'home', blocks: tooMany } }), // 100 allowed in a view
    ).resolves.toMatchObject({ ok: true });
    expect(slack.blockKitErrors).toEqual([
      'chat.postMessage: 51 blocks > 50',
      'views.publish: blocks[0].text: text 3001 > 3000',
    ]);

    const target = responses.create();
    const refused = await fetch(target.url, { method: 'POST', body: JSON.stringify({ text: 't', blocks: tooMany }) });
    expect(refused.status).toBe(400);
    expect(responses.postsTo(target.id)).toEqual([]);
    expect(responses.blockKitErrors).toEqual([`response_url ${target.id}: 51 blocks > 50`]);
    slack.blockKitErrors.length = 0;
    responses.blockKitErrors.length = 0;
  });

  it('records response_url posts, expires URLs and counts uses', async () => {
    const target = responses.create();
    const post = (body: object) =>
      fetch(target.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    expect((await post({ text: '1' })).status).toBe(200);
    expect((await post({ text: '2' })).status).toBe(200);
    expect((await post({ text: '3' })).status).toBe(404); // maxUses: 2
    expect(responses.postsTo(target.id).map((p) => p.body.text)).toEqual(['1', '2']);
    const other = responses.create();
    responses.expire(other.id, 410);
    expect((await fetch(other.url, { method: 'POST', body: '{}' })).status).toBe(410);
  });
});
