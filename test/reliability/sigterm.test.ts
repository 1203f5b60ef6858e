/**
 * Graceful shutdown: on SIGTERM the app stops taking requests, finishes those in flight, then exits 0.
 * The real app runs as a child process (src/app.ts, as `npm start` runs it) in live mode against a local demo
 * Tencent server that answers slowly, so `/calls id:` lookups (a CallId the store has not seen yet: its first sync is
 * still running) are still waiting for Tencent when the signal arrives.
 */
import { randomBytes } from 'node:crypto';
import { get } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { generateDataset } from '../../src/demo/dataset.js';
import { type DemoServer, startDemoServer } from '../../src/demo/server.js';
import { type AppProcess, spawnApp } from '../support/app-process.js';
import { type FakeSlack, startFakeSlack } from '../support/fake-slack.js';
import { type ResponseUrlServer, startResponseUrlServer } from '../support/response-urls.js';
import { sendSigned, slashCommand } from '../support/slack-requests.js';
import { textOf } from '../support/test-app.js';
import { waitFor } from '../support/wait.js';

const TENCENT_LATENCY_MS = 1500;

/** A GET on a new connection (no keep-alive socket reused): resolves with the status, rejects if refused. */
function freshGet(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = get(url, { agent: false, timeout: 5_000 }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.once('timeout', () => req.destroy(new Error('timed out')));
    req.once('error', reject);
  });
}

describe('SIGTERM with requests in flight', () => {
  const cleanups: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it('finishes the searches in flight, answers on their response_urls, then exits 0; new connections are refused', async () => {
    const slack: FakeSlack = await startFakeSlack({ users: { U0PERSON01: { tz: 'UTC' } } });
    cleanups.push(() => slack.close());
    const responses: ResponseUrlServer = await startResponseUrlServer();
    cleanups.push(() => responses.close());
    const tencent: DemoServer = await startDemoServer({
      records: generateDataset({ seed: 3, callsPerDay: 50 }),
      latencyMs: TENCENT_LATENCY_MS,
    });
    cleanups.push(() => tencent.close());

    const signingSecret = `sigterm-${randomBytes(8).toString('hex')}`;
    const app: AppProcess = await spawnApp({
      env: {
        SLACK_BOT_TOKEN: slack.token,
        SLACK_SIGNING_SECRET: signingSecret,
        SLACK_API_URL: slack.apiUrl,
        PORT: '0',
        LOG_LEVEL: 'info',
        DEFAULT_TIMEZONE: 'UTC',
        TENCENT_SDKAPPID: String(tencent.sdkAppId),
        TENCENT_SECRET_KEY: tencent.secretKey,
        TENCENT_ADMIN_USER: tencent.adminUser,
        TENCENT_API_BASE_URL: tencent.url,
      },
    });
    cleanups.push(() => app.kill());

    // A search (answered from the store at once) and two calls by CallId, which wait on Tencent's slow answers.
    const someCall = tencent.records[Math.floor(tencent.records.length / 2)]?.CallId ?? 'missing';
    const otherCall = tencent.records[Math.floor(tencent.records.length / 3)]?.CallId ?? 'missing';
    const texts = ['yesterday', `id:${otherCall}`, `id:${someCall}`];
    const targets = texts.map(() => responses.create());
    const acks = await Promise.all(
      texts.map((text, i) =>
        sendSigned(
          app.eventsUrl,
          signingSecret,
          slashCommand({ text, response_url: (targets[i] as { url: string }).url }),
        ),
      ),
    );
    expect(acks.map((ack) => ack.status)).toEqual([200, 200, 200]);

    // The sync and both lookups have reached Tencent, whose answers take 1.5 s each: they are in flight now.
    await waitFor(() => tencent.stats.requests >= texts.length, {
      timeoutMs: 10_000,
      what: 'the app to call Tencent for every search',
    });
    expect(responses.postsTo((targets[1] as { id: string }).id)).toHaveLength(0);
    expect(await freshGet(`${app.url}/healthz`)).toBe(200);
    app.child.kill('SIGTERM');

    // It stops taking requests at once: the listening socket is closed before it logs that it is stopping.
    await app.waitForLog((line) => String(line.msg ?? '').startsWith('stopping'));
    // Refused, or reset when the connection reached the backlog as the socket closed: never served.
    const refused = await freshGet(`${app.url}/healthz`).then(
      (status) => `answered ${status}`,
      (error: NodeJS.ErrnoException) => error.code,
    );
    expect(['ECONNREFUSED', 'ECONNRESET']).toContain(refused);

    const exit = await app.exited;
    expect(exit).toEqual({ code: 0, signal: null });

    // The requests in flight were finished before the exit: each answer is on its response_url.
    const answers = targets.map((target) => responses.postsTo(target.id));
    expect(answers.map((posts) => posts.length)).toEqual([1, 1, 1]);
    const [search, byOtherId, byId] = answers.map((posts) => textOf(posts[0]?.body ?? {}));
    expect(search).toMatch(/calls found|\d+ calls?\b.*page 1 of/i);
    expect(byOtherId).toContain(otherCall);
    expect(byId).toContain(someCall);
    for (const text of [search, byOtherId, byId]) {
      expect(text).not.toMatch(/run the search again|went wrong|could not/i);
    }
    expect(app.logs.some((line) => line.msg === 'stopped')).toBe(true);
    expect(app.stderr()).not.toMatch(/error|unhandled|uncaught/i);
  });
});
