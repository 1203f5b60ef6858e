/**
 * The watch DM job against a real store whose watch repository fails for a while (a database outage): the new
 * calls of that time are matched at the next check once the store answers, each DM still sent once.
 */
import { describe, expect, it } from 'vitest';
import { StoreUnavailableError } from '../../src/calls/call-store.js';
import { createNewCallsFeed } from '../../src/calls/new-calls.js';
import type { WatchStore } from '../../src/calls/watch-rules.js';
import { startWatchDelivery } from '../../src/jobs/deliver-watches.js';
import { createWatchStore } from '../../src/store/watch-repository.js';
import { aCall } from '../support/call-records.js';
import { captureLogs } from '../support/logs.js';
import { storeEngines } from '../support/store-engines.js';

describe.each(storeEngines())('$name: watch DMs through a store outage', (engine) => {
  it('keeps the calls of the outage and sends their DMs at the next check, once', async () => {
    const store = await engine.open();
    const real = createWatchStore(store.db);
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
