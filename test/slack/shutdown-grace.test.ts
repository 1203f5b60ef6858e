/**
 * A search still running when the shutdown's grace period ends: the person is told, on the response_url of the
 * surface they used, that the app restarted and to run it again; nothing else is sent there after that, and the
 * stop finishes (the process then exits). Real app in live mode against a Tencent server slow enough that the
 * search cannot finish within the grace period.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { RESTARTED_MESSAGE } from '../../src/slack/error-messages.js';
import { buttonsOf } from '../support/block-kit.js';
import { startTestApp, type TestApp, textOf } from '../support/test-app.js';
import { waitFor } from '../support/wait.js';

let app: TestApp | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

describe('shutdown when the grace period runs out', () => {
  it('tells the person who ran /calls that the app restarted, and nothing after', async () => {
    app = await startTestApp({ tencent: { mode: 'live' } });
    const running = app;
    running.tencent.setLatency(60_000);
    const before = running.tencent.stats.requests;
    const sent = await running.command('yesterday');
    expect(sent.http.status).toBe(200);
    await waitFor(() => running.tencent.stats.requests > before, { what: 'the search to reach Tencent' });

    await running.running.stop({ timeoutMs: 200 });

    const posts = running.responses.postsTo(sent.responseId);
    expect(posts).toHaveLength(1);
    expect(posts[0]?.body.replace_original).toBe(false);
    expect(textOf(posts[0]?.body)).toContain(RESTARTED_MESSAGE);
    // The search cut short by the stop answers nothing more (no "something went wrong" after the notice).
    await running.settled();
    expect(running.responses.posts.filter((post) => post.id === sent.responseId)).toHaveLength(1);
    expect(running.slack.callsTo('chat.postEphemeral')).toHaveLength(0);
  });

  it('tells the person who clicked Next, next to the results (not replacing them)', async () => {
    app = await startTestApp({ tencent: { mode: 'live' } });
    const running = app;
    const first = await running.command('last:7d');
    const next = buttonsOf(await running.reply(first.responseId)).find((b) => b.action_id === 'calls_page_next');
    expect(next).toBeDefined();
    running.tencent.setLatency(60_000);
    const before = running.tencent.stats.requests;
    const click = await running.click({ actionId: 'calls_page_next', value: next?.value });
    await waitFor(() => running.tencent.stats.requests > before, { what: 'the page to reach Tencent' });

    await running.running.stop({ timeoutMs: 200 });

    const posts = running.responses.postsTo(click.responseId);
    expect(posts).toHaveLength(1);
    expect(posts[0]?.body.replace_original).toBe(false);
    expect(textOf(posts[0]?.body)).toContain(RESTARTED_MESSAGE);
  });
});

describe('shutdown when the grace period runs out, in the Home tab', () => {
  it('publishes a Home tab saying the app restarted, and nothing after it', async () => {
    app = await startTestApp({ tencent: { mode: 'live' }, slack: { users: { U0PERSON01: { tz: 'UTC' } } } });
    const running = app;
    running.tencent.setLatency(60_000);
    const before = running.tencent.stats.requests;
    await running.event({ type: 'app_home_opened', user: 'U0PERSON01', channel: 'D0HOME', tab: 'home' });
    await waitFor(() => running.tencent.stats.requests > before, { what: 'the Home tab to reach Tencent' });

    await running.running.stop({ timeoutMs: 200 });
    await running.settled();

    const published = running.slack.callsTo('views.publish').filter((call) => call.args.user_id === 'U0PERSON01');
    expect(published).toHaveLength(1);
    expect(textOf(published[0]?.args.view)).toContain('The app restarted before it could answer this');
  });
});
