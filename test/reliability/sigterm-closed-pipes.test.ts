/**
 * Shutdown never depends on a log write: with the log pipe gone (stdout and stderr closed by a dead log shipper or
 * parent, so every write fails with EPIPE), SIGTERM still stops the app and the process exits. The real app as a
 * child process (src/app.ts, as `npm start` runs it), in demo mode.
 */
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { type AppProcess, spawnApp } from '../support/app-process.js';
import { type FakeSlack, startFakeSlack } from '../support/fake-slack.js';

describe('SIGTERM with stdout and stderr closed', () => {
  const cleanups: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it('still shuts down and exits', async () => {
    const slack: FakeSlack = await startFakeSlack();
    cleanups.push(() => slack.close());
    const app: AppProcess = await spawnApp({
      env: {
        SLACK_BOT_TOKEN: slack.token,
        SLACK_SIGNING_SECRET: `pipes-${randomBytes(8).toString('hex')}`,
        SLACK_API_URL: slack.apiUrl,
        PORT: '0',
        LOG_LEVEL: 'info',
        DEFAULT_TIMEZONE: 'UTC',
      },
    });
    cleanups.push(() => app.kill());
    await app.waitForLog((line) => String(line.msg ?? '').startsWith('ready'));

    // The reading ends of both pipes go away: the child's next write fails with EPIPE.
    app.child.stdout?.destroy();
    app.child.stderr?.destroy();
    app.child.kill('SIGTERM');

    const exit = await Promise.race([
      app.exited,
      new Promise<'still running'>((resolve) => setTimeout(() => resolve('still running'), 15_000)),
    ]);
    expect(exit).not.toBe('still running');
    expect(exit).toEqual({ code: 0, signal: null });
  }, 30_000);
});
