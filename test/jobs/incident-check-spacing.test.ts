/**
 * New calls check the dropped-call rule at most once a second, however fast they arrive (a drop wave of 100
 * callbacks a second once ran a check per callback), and at once when a batch takes the rate across the threshold.
 * The real monitor over a real SQLite store, the fake Slack Web API, a hand-driven clock; the store's window read is
 * counted, so "how many checks" is what the test asserts, never how long anything took.
 */
import { webApi } from '@slack/bolt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EndedCallsReader } from '../../src/calls/incident-store.js';
import { createNewCallsFeed } from '../../src/calls/new-calls.js';
import type { CallRecord } from '../../src/calls/records.js';
import { createIncidentMonitor, type IncidentMonitor } from '../../src/jobs/incident-monitor.js';
import { createChannelPoster } from '../../src/slack/channel-poster.js';
import { createIncidentStore } from '../../src/store/incidents.js';
import { incidentRenderer } from '../../src/wiring/incidents.js';
import { aCall } from '../support/call-records.js';
import { type FakeSlack, startFakeSlack } from '../support/fake-slack.js';
import { sqliteEngine } from '../support/store-engines.js';

const T0 = 1_790_003_600;

describe('incident checks on new calls', () => {
  let slack: FakeSlack;
  beforeAll(async () => {
    slack = await startFakeSlack();
  });
  afterAll(() => slack.close());

  it('check once a second however many batches arrive, and at once when the rate crosses the threshold', async () => {
    const store = await sqliteEngine().open();
    const incidents = createIncidentStore(store.db, store.engine);
    let reads = 0;
    const counted: typeof incidents = {
      ...incidents,
      countEndedCalls: (...args: Parameters<EndedCallsReader['countEndedCalls']>) => {
        reads++;
        return incidents.countEndedCalls(...args);
      },
    };
    let now = T0;
    const feed = createNewCallsFeed();
    const monitor: IncidentMonitor = createIncidentMonitor({
      channel: 'C0ALERTS1',
      rule: { thresholdPercent: 10, minCalls: 20, windowSeconds: 900 },
      store: counted,
      poster: createChannelPoster(
        new webApi.WebClient(slack.token, { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 } }),
      ),
      render: { ...incidentRenderer('UTC', true), chart: async () => new Uint8Array() },
      feed,
      now: () => now,
      intervalMs: 3_600_000,
    });
    const arrive = async (calls: CallRecord[]) => {
      const { inserted } = await store.upsertCalls(calls);
      await feed.publish(calls.filter((call) => inserted.includes(call.callId)));
    };
    const ended = (result: string) => aCall({ startTime: now - 100, endTime: now, result });
    monitor.start();
    await monitor.settled();
    expect(reads).toBe(1); // the check at start

    // 100 callbacks in one second, all calls ending normally: one check at once, the rest wait for one more.
    now = T0 + 1;
    for (let i = 0; i < 100; i++) await arrive([ended('NormalEnd')]);
    expect(reads).toBe(2);
    await monitor.settled(); // runs the check put off to the next second
    expect(reads).toBe(3);

    // Same second still: a dropped call that does not reach 10 % waits; the one that reaches it checks at once.
    for (let i = 0; i < 10; i++) await arrive([ended('Interrupt')]);
    expect(reads).toBe(3);
    await arrive([ended('Offline')]); // 11 of 111 dropped: 9.9 %, still under
    expect(reads).toBe(3);
    await arrive([ended('Offline')]); // 12 of 112: 10.7 %, crosses
    expect(reads).toBe(4);
    await monitor.settled();
    const opened = await slack.waitForCalls('chat.postMessage');
    expect(opened).toHaveLength(1);

    // A new second: the first batch checks at once again.
    now = T0 + 2;
    await arrive([ended('NormalEnd')]);
    expect(reads).toBe(5);
    await monitor.stop();
  });
});
