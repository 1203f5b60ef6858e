/**
 * SPEC §13: the daily summary is posted once per day and channel even when the in-process schedules of three
 * processes and `npm run summary` fire together. The real schedule fires: SUMMARY_TIME is set to a minute that
 * starts at least START_LEAD_SECONDS after the test begins (so every process is up by then), and two runs of the
 * command line start around that same moment (one just before, one on it). The fake Slack counts the posts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { yesterdayIn } from '../../src/calls/time-range.js';
import { testDatabaseUrl } from '../support/store-engines.js';
import { sleep } from '../support/wait.js';
import { type Cluster, SUMMARY_CHANNEL, startCluster } from './support/cluster.js';

/** Time to start three processes on a loaded 2-core machine, with room to spare. */
const START_LEAD_SECONDS = 20;

/** The first whole minute at least `lead` seconds from now, as Unix seconds and as `HH:mm` in UTC. */
function nextMinute(lead: number): { at: number; time: string } {
  const at = Math.ceil((Date.now() / 1000 + lead) / 60) * 60;
  return { at, time: new Date(at * 1000).toISOString().slice(11, 16) };
}

const outcomeLine = (line: Record<string, unknown>) =>
  line.msg === 'posted the daily summary' || /^daily summary of .*not posted/.test(String(line.msg));

describe.skipIf(testDatabaseUrl() === null)('the daily summary fired by three processes and the CLI at once', () => {
  let cluster: Cluster;
  const fireAt = nextMinute(START_LEAD_SECONDS);
  beforeAll(async () => {
    cluster = await startCluster({
      processes: 3,
      env: { SUMMARY_TIME: fireAt.time, SUMMARY_TIMEZONE: 'UTC' },
    });
  }, 60_000);
  afterAll(async () => {
    await cluster?.close();
  });

  it('posts exactly once; every other run says it was posted or is being posted', async () => {
    const untilFire = fireAt.at * 1000 - Date.now();
    expect(untilFire, 'the processes started after SUMMARY_TIME: raise START_LEAD_SECONDS').toBeGreaterThan(2_000);
    await sleep(untilFire - 2_000);
    const early = cluster.runCli(['summary']);
    await sleep(fireAt.at * 1000 - Date.now());
    const onTime = cluster.runCli(['summary']);

    const runs = await Promise.all([early, onTime]);
    const logged = await Promise.all(cluster.apps.map((app) => app.waitForLog(outcomeLine, 30_000)));

    const posts = cluster.slack.callsTo('chat.postMessage').filter((call) => call.args.channel === SUMMARY_CHANNEL);
    expect(posts).toHaveLength(1);
    const date = yesterdayIn('UTC', fireAt.at);
    const cliPosted = runs.filter((run) => run.stdout.startsWith(`Posted the summary of ${date}`));
    const appPosted = logged.filter((line) => line.msg === 'posted the daily summary');
    expect(cliPosted.length + appPosted.length).toBe(1);
    for (const run of runs) {
      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout).toMatch(
        new RegExp(`^(Posted the summary of ${date}|The summary of ${date} (was already posted|is being posted))`),
      );
    }
    for (const line of logged) if (line !== appPosted[0]) expect(line.msg).toMatch(/not posted/);
  }, 120_000);
});
