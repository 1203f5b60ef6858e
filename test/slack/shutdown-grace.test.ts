/**
 * A search still running when the shutdown's grace period ends: the person is told, on the response_url of the
 * surface they used, that the app restarted and to run it again; nothing else is sent there after that, and the
 * stop finishes (the process then exits). Real app against a slow Slack: every search first asks `users.info` for
 * the person's time zone (once per person, then cached), and the fake Slack holds that answer until after the stop.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { RESTARTED_MESSAGE } from '../../src/slack/error-messages.js';
import { buttonsOf } from '../support/block-kit.js';
import type { HeldMethod } from '../support/fake-slack.js';
import { startTestApp, type TestApp, textOf } from '../support/test-app.js';

let app: TestApp | undefined;
let held: HeldMethod | undefined;
afterEach(async () => {
  held?.release();
  held = undefined;
  await app?.close();
  app = undefined;
});

/** Holds Slack's answer to `users.info` and waits until the request for `userId` is waiting for it. */
async function holdTimeZoneOf(running: TestApp, userId: string, act: () => Promise<unknown>): Promise<HeldMethod> {
  held = running.slack.hold('users.info');
  await act();
  const arrived = await held.waitForArrivals(1);
  expect(arrived[0]?.user).toBe(userId);
  return held;
}

describe('shutdown when the grace period runs out', () => {
  it('tells the person who ran /calls that the app restarted, and nothing after', async () => {
    app = await startTestApp({ slack: { users: { U0PERSON01: { tz: 'UTC' } } } });
    const running = app;
    let sent: Awaited<ReturnType<TestApp['command']>> | undefined;
    const slack = await holdTimeZoneOf(running, 'U0PERSON01', async () => {
      sent = await running.command('yesterday');
    });
    expect(sent?.http.status).toBe(200);
    const responseId = sent?.responseId ?? '';

    await running.running.stop({ timeoutMs: 200 });

    const posts = running.responses.postsTo(responseId);
    expect(posts).toHaveLength(1);
    expect(posts[0]?.body.replace_original).toBe(false);
    expect(textOf(posts[0]?.body)).toContain(RESTARTED_MESSAGE);
    // The search cut short by the stop answers nothing more once Slack answers (no results, no "something went
    // wrong" after the notice).
    slack.release();
    await running.settled();
    expect(running.responses.postsTo(responseId)).toHaveLength(1);
    expect(running.slack.callsTo('chat.postEphemeral')).toHaveLength(0);
  });

  it('tells the person who clicked Next, next to the results (not replacing them)', async () => {
    // A teammate's search gives the Next button; the person clicking it has not searched yet, so the click (not
    // a cache) asks Slack for their zone.
    app = await startTestApp({ slack: { users: { U0PERSON01: { tz: 'UTC' }, U0PERSON02: { tz: 'UTC' } } } });
    const running = app;
    const first = await running.command('last:7d', { user_id: 'U0PERSON02' });
    const next = buttonsOf(await running.reply(first.responseId)).find((b) => b.action_id === 'calls_page_next');
    expect(next).toBeDefined();
    let click: Awaited<ReturnType<TestApp['click']>> | undefined;
    const slack = await holdTimeZoneOf(running, 'U0PERSON01', async () => {
      click = await running.click({ actionId: 'calls_page_next', value: next?.value, userId: 'U0PERSON01' });
    });
    const responseId = click?.responseId ?? '';

    await running.running.stop({ timeoutMs: 200 });

    const posts = running.responses.postsTo(responseId);
    expect(posts).toHaveLength(1);
    expect(posts[0]?.body.replace_original).toBe(false);
    expect(textOf(posts[0]?.body)).toContain(RESTARTED_MESSAGE);
    slack.release();
    await running.settled();
    expect(running.responses.postsTo(responseId)).toHaveLength(1);
    expect(running.slack.callsTo('chat.postEphemeral')).toHaveLength(0);
  });
});

describe('shutdown when the grace period runs out, in the Home tab', () => {
  it('publishes a Home tab saying the app restarted, and nothing after it', async () => {
    app = await startTestApp({ slack: { users: { U0PERSON01: { tz: 'UTC' } } } });
    const running = app;
    const slack = await holdTimeZoneOf(running, 'U0PERSON01', () =>
      running.event({ type: 'app_home_opened', user: 'U0PERSON01', channel: 'D0HOME', tab: 'home' }),
    );

    await running.running.stop({ timeoutMs: 200 });
    const published = () => running.slack.callsTo('views.publish').filter((call) => call.args.user_id === 'U0PERSON01');
    expect(published()).toHaveLength(1);
    expect(textOf(published()[0]?.args.view)).toContain('The app restarted before it could answer this');

    // The Home tab cut short by the stop publishes nothing over the notice once Slack answers.
    slack.release();
    await running.settled();
    expect(published()).toHaveLength(1);
  });
});
