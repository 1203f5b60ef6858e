/**
 * The watch DM job against a real store whose watch repository fails for a while (a database outage): the new
 * calls of that time are matched at the next check once the store answers, each DM still sent once.
 */
import { describe, expect, it } from 'vitest';
import { StoreUnavailableError } from '../../src/calls/call-store.js';
import { createNewCallsFeed } from '../../src/calls/new-calls.js';
import type { WatchStore } from '../../src/calls/watch-rules.js';
import { startWatchDelivery } from '../../src/jobs/deliver-watches.js';
import { slackRefusedForGood } from '../../src/slack/slack-api-error.js';
import { createWatchStore } from '../../src/store/watch-repository.js';
import { aCall } from '../support/call-records.js';
import { captureLogs } from '../support/logs.js';
import { storeEngines } from '../support/store-engines.js';

describe.each(storeEngines())('$name: watch DMs through a store outage', (engine) => {
  it('keeps the calls of the outage and sends their DMs at the next check, once', async () => {
    const store = await engine.open();
    const real = createWatchStore(store.db, store.engine);
    let down = true;
    const flaky: WatchStore = {
      ...real,
      activeWatches: (now) => (down ? Promise.reject(new StoreUnavailableError('down')) : real.activeWatches(now)),
      claimExpired: (now) => (down ? Promise.reject(new StoreUnavailableError('down')) : real.claimExpired(now)),
    };
    const now = Math.floor(Date.now() / 1000);
    await real.createWatch(
      {
        teamId: 'T1',
        userId: 'U1',
        channelId: 'C1',
        filter: { users: ['147'], results: [], callTypes: [], mediaTypes: [] },
        createdAt: now - 60,
        expiresAt: now + 86_400,
      },
      now,
    );
    const posts: string[] = [];
    const feed = createNewCallsFeed();
    const job = startWatchDelivery({
      watches: flaky,
      feed,
      client: { chat: { postMessage: async (args) => void posts.push(`${args.channel}:${args.text}`) } },
      render: {
        call: (_watch, record) => ({ text: record.callId, blocks: [] }),
        ended: () => ({ text: 'ended', blocks: [] }),
        overflow: () => ({ text: 'more', blocks: [] }),
      },
      mayReceive: () => true,
      logger: captureLogs().logger,
      checkEveryMs: 3_600_000,
    });
    try {
      const call = aCall({ caller: '147', startTime: now });
      await feed.publish([call]);
      await job.check();
      expect(posts).toEqual([]);
      down = false;
      await job.check();
      await job.check();
      await feed.publish([call]);
      expect(posts).toEqual([`U1:${call.callId}`]);
    } finally {
      await job.stop();
    }
  });
});

describe.each(storeEngines())('$name: the watch-ended DM to a person who cannot get it', (engine) => {
  const slackError = (code: string) =>
    Object.assign(new Error(`An API error occurred: ${code}`), {
      code: 'slack_webapi_platform_error',
      data: { ok: false, error: code },
    });

  async function endedWatchJob(fail: () => Error) {
    const store = await engine.open();
    const watches = createWatchStore(store.db, store.engine);
    const now = Math.floor(Date.now() / 1000);
    await watches.createWatch(
      {
        teamId: 'T1',
        userId: 'U1',
        channelId: 'C1',
        filter: { users: ['147'], results: [], callTypes: [], mediaTypes: [] },
        createdAt: now - 600,
        expiresAt: now - 10,
      },
      now - 600,
    );
    const logs = captureLogs();
    let attempts = 0;
    const job = startWatchDelivery({
      watches,
      feed: createNewCallsFeed(),
      client: {
        chat: {
          postMessage: async () => {
            attempts += 1;
            throw fail();
          },
        },
      },
      render: {
        call: (_watch, record) => ({ text: record.callId, blocks: [] }),
        ended: () => ({ text: 'ended', blocks: [] }),
        overflow: () => ({ text: 'more', blocks: [] }),
      },
      refusedForGood: slackRefusedForGood,
      mayReceive: () => true,
      logger: logs.logger,
      checkEveryMs: 3_600_000,
    });
    const checks = async (count: number) => {
      for (let i = 0; i < count; i++) await job.check();
    };
    const endedLines = () => logs.entries().filter((entry) => String(entry.msg).startsWith('watch-ended DM'));
    return { job, checks, attempts: () => attempts, endedLines, close: () => store.close() };
  }

  it('gives up at once when Slack refuses the person, and logs it once', async () => {
    const t = await endedWatchJob(() => slackError('cannot_dm_bot'));
    try {
      await t.checks(5);
      expect(t.attempts()).toBe(1);
      expect(t.endedLines()).toHaveLength(1);
      expect(t.endedLines()[0]).toMatchObject({ slackError: 'cannot_dm_bot', tries: 1 });
    } finally {
      await t.job.stop();
      await t.close();
    }
  });

  it('retries through an outage for a bounded number of checks, then gives up with one line', async () => {
    const t = await endedWatchJob(() => new Error('socket hang up'));
    try {
      await t.checks(25);
      const tries = t.attempts();
      expect(tries).toBeGreaterThan(1);
      expect(tries).toBeLessThan(25);
      await t.checks(5);
      expect(t.attempts()).toBe(tries);
      // One line when it first fails, one when it is given up.
      expect(t.endedLines().map((entry) => entry.level)).toEqual([40, 50]);
    } finally {
      await t.job.stop();
      await t.close();
    }
  });
});
