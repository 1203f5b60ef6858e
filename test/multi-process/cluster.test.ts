/**
 * Several processes on one store, as real processes: three app processes (the built `npm start` entry) on one PostgreSQL database,
 * behind no load balancer but the test itself, which sends each request to the process it chooses.
 *
 * The daily summary is fired by the real schedules: SUMMARY_TIME is the first whole minute at least
 * START_LEAD_SECONDS after the processes are started, and two runs of the command line start around that same
 * second (one 2 s before it, one on it). That minute is up to a minute away, so the summary is fired in the
 * background while the other scenarios run, and checked last; the failover's kill waits for it when the minute is
 * near (a process killed mid-post would leave its claim to go stale: the contract tests cover that).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORE_UNAVAILABLE } from '../../src/calls/problem-sentences.js';
import type { WireCallRecord } from '../../src/calls/records.js';
import { yesterdayIn } from '../../src/calls/time-range.js';
import { MIGRATIONS } from '../../src/store/migrations/index.js';
import type { AppProcess } from '../support/app-process.js';
import { buttonsOf } from '../support/block-kit.js';
import { appHomeOpened, blockAction } from '../support/slack-requests.js';
import { testDatabaseUrl } from '../support/store-engines.js';
import { shownTextOf, textOf } from '../support/test-app.js';
import { sleep, waitFor } from '../support/wait.js';
import { builtApp } from './support/build-app.js';
import {
  CALLBACK_TOKEN,
  type CliResult,
  type Cluster,
  describeProcess,
  PERSON,
  postFresh,
  SUMMARY_CHANNEL,
  SYNC_INTERVAL_SECONDS,
  startCluster,
} from './support/cluster.js';

/** The CallIds a result page shows. */
const callIdsOf = (reply: unknown) => [...textOf(reply).matchAll(/CallId `([^`]+)`/g)].map((m) => m[1] as string);
/** The page number a result page says it is. */
const pageOf = (reply: unknown) => Number(/page (\d+) of \d+/.exec(textOf(reply))?.[1]);

interface HomeView {
  blocks: Array<{ block_id?: string; text?: { text?: string } }>;
  private_metadata?: string;
}

/** A click in the Home tab, as Slack sends it: the view (with its private_metadata and the controls' values). */
function homeClick(actionId: string, view: HomeView, value?: string) {
  const option = (v: string) => ({ text: { type: 'plain_text', text: v }, value: v });
  const values: Record<string, Record<string, unknown>> = {
    home_user: { user: { type: 'plain_text_input', value: null } },
    home_results: { results: { type: 'multi_static_select', selected_options: [] } },
    home_type: { type: { type: 'static_select', selected_option: option('any') } },
    home_media: { media: { type: 'static_select', selected_option: option('any') } },
    home_preset: { preset: { type: 'static_select', selected_option: option('last_7d') } },
  };
  // The controls' block_ids carry a version suffix (`home_user.2`): answer under the ids the view has.
  const ids = view.blocks.map((block) => block.block_id ?? '');
  const keyed = Object.fromEntries(
    Object.entries(values).map(([base, v]) => [ids.find((id) => id === base || id.startsWith(`${base}.`)) ?? base, v]),
  );
  return blockAction({
    actionId,
    blockId: actionId === 'home_search' ? 'home_actions' : 'home_nav',
    ...(value === undefined ? {} : { value }),
    userId: PERSON,
    view: {
      id: 'V0HOME0001',
      hash: `${Date.now()}.000001`,
      type: 'home',
      callback_id: 'calls_home',
      private_metadata: view.private_metadata ?? '',
      blocks: view.blocks,
      state: { values: keyed },
    },
  });
}

/** The page number the Home tab's result header says. */
const homePageOf = (view: HomeView) =>
  Number(/page (\d+) of \d+/.exec(textOf(view.blocks.find((b) => /^home_head_p\d+$/.test(b.block_id ?? ''))))?.[1]);
/** The CallIds of the calls the Home tab shows. */
const homeCallIdsOf = (view: HomeView) =>
  view.blocks
    .filter((b) => /^home_p\d+_c\d+$/.test(b.block_id ?? ''))
    .map((b) => /CallId `([^`]+)`/.exec(b.text?.text ?? '')?.[1] ?? '');

const ALERT_CHANNEL = 'C0ALERTS01';

/** Time for three processes to start on a loaded 2-core machine, with room to spare. */
const START_LEAD_SECONDS = 15;

/** The first whole minute at least `lead` seconds from now, as Unix seconds and as `HH:mm` in UTC. */
function nextMinute(lead: number): { at: number; time: string } {
  const at = Math.ceil((Date.now() / 1000 + lead) / 60) * 60;
  return { at, time: new Date(at * 1000).toISOString().slice(11, 16) };
}

/** What the daily summary's runs did at SUMMARY_TIME. */
interface SummaryFired {
  /** The processes whose schedule existed before SUMMARY_TIME, with the line that says how their run ended. */
  fired: Array<{ app: AppProcess; outcome: Record<string, unknown> }>;
  cli: CliResult[];
}

const summaryOutcome = (line: Record<string, unknown>) =>
  line.msg === 'posted the daily summary' || /^daily summary of .*not posted/.test(String(line.msg));

describe.skipIf(testDatabaseUrl() === null)('three app processes on one PostgreSQL', () => {
  let cluster: Cluster;
  let fireAt: { at: number; time: string };
  let summary: Promise<SummaryFired | { error: unknown }>;
  let summaryDone = false;
  beforeAll(async () => {
    // The lead counts from when the build is ready (compiling may take a while on a loaded machine).
    await builtApp();
    fireAt = nextMinute(START_LEAD_SECONDS);
    cluster = await startCluster({
      processes: 3,
      env: {
        SUMMARY_TIME: fireAt.time,
        SUMMARY_TIMEZONE: 'UTC',
        ALERT_CHANNEL,
        ALERT_DROP_RATE: '50',
        ALERT_MIN_CALLS: '6',
        ALERT_WINDOW: '15m',
      },
    });
    summary = fireSummary()
      .catch((error: unknown) => ({ error }))
      .finally(() => {
        summaryDone = true;
      });
    await cluster.backfilled();
  }, 90_000);
  afterAll(async () => {
    await cluster?.close();
  });

  it('answers a search on any process, and each Next click on another process than the page before', async () => {
    const [a, b, c] = cluster.apps as [AppProcess, AppProcess, AppProcess];
    let reply = await cluster.command(a, 'last:3d');
    const shown = callIdsOf(reply);
    const pages = [pageOf(reply)];
    for (const app of [b, c, a, b]) {
      const next = buttonsOf(reply).find((button) => button.action_id === 'calls_page_next');
      expect(next, textOf(reply)).toBeDefined();
      reply = await cluster.click(app, 'calls_page_next', next?.value ?? '');
      pages.push(pageOf(reply));
      shown.push(...callIdsOf(reply));
    }
    // Five consecutive pages of one search, whichever process answered: no call twice.
    expect(pages).toEqual([1, 2, 3, 4, 5]);
    expect(new Set(shown).size).toBe(shown.length);
    expect(shown.length).toBeGreaterThanOrEqual(5 * 5);
    expect(cluster.responses.blockKitErrors).toEqual([]);
  });

  it('keeps the Home tab working when its opening, search and Next clicks reach three different processes', async () => {
    const [a, b, c] = cluster.apps as [AppProcess, AppProcess, AppProcess];
    let view = await published(() => cluster.send(a, appHomeOpened(PERSON)));
    view = await published(() => cluster.send(b, homeClick('home_search', view)));
    const pages = [homePageOf(view)];
    const shown = homeCallIdsOf(view);
    for (const app of [c, a]) {
      const next = buttonsOf(view.blocks).find((button) => button.action_id === 'home_page_next');
      expect(next, textOf(view.blocks)).toBeDefined();
      view = await published(() => cluster.send(app, homeClick('home_page_next', view, next?.value)));
      pages.push(homePageOf(view));
      shown.push(...homeCallIdsOf(view));
    }
    expect(pages).toEqual([1, 2, 3]);
    expect(new Set(shown).size).toBe(shown.length);
    expect(shown.length).toBeGreaterThanOrEqual(3 * 5);
  });

  /** Runs `send`, then resolves with the Home view the next views.publish carries. */
  async function published(send: () => Promise<{ status: number }>): Promise<HomeView> {
    const before = cluster.slack.callsTo('views.publish').length;
    expect((await send()).status).toBe(200);
    const calls = await cluster.slack.waitForCalls('views.publish', { count: before + 1, timeoutMs: 15_000 });
    return calls[before]?.args.view as HomeView;
  }

  it('keeps answering while PostgreSQL is cut off (store unavailable), reconnects, and the sync catches up', async () => {
    // Not across the summary's second: with the store down, its claim fails everywhere and nothing is posted.
    if (!summaryDone && Date.now() > fireAt.at * 1000 - 15_000) await summary;
    const [a, b, c] = cluster.apps as [AppProcess, AppProcess, AppProcess];
    // A call Tencent gets while the store is down: the sync must fetch it once the store is back.
    const late = tencentCall('outage_caller');
    await cluster.proxy.cut();
    try {
      cluster.tencent.addRecords([late]);
      for (const app of [a, b, c]) {
        const reply = await cluster.command(app, 'user:outage_caller last:1d');
        expect(shownTextOf(reply)).toContain(STORE_UNAVAILABLE);
      }
      // Operators see it: /healthz says the store is unavailable (503), and the Home tab still opens.
      const health = await fetch(`${a.url}/healthz`);
      expect(health.status).toBe(503);
      expect(await health.json()).toMatchObject({
        ok: false,
        store: { error: 'the call-record store is unavailable' },
      });
      await published(() => cluster.send(b, appHomeOpened(PERSON)));
    } finally {
      // Restored even when a check fails, so the scenarios after this one do not fail for it.
      await cluster.proxy.restore();
    }

    await waitFor(() => storedCall(late.CallId), {
      timeoutMs: (2 * SYNC_INTERVAL_SECONDS + 5) * 1000,
      what: 'the sync to store the call Tencent got during the outage',
    });
    for (const app of [a, b, c]) {
      expect(callIdsOf(await cluster.command(app, 'user:outage_caller last:1d'))).toEqual([late.CallId]);
      expect(describeProcess(app)).toBe('running');
      expect(app.logs.filter((line) => String(line.msg).startsWith('uncaught exception'))).toEqual([]);
    }
    expect((await fetch(`${c.url}/healthz`)).status).toBe(200);
  }, 60_000);

  it('fails the sync over within two SYNC_INTERVALs when the syncing process is killed, and misses nothing', async () => {
    // Not while the summary is being posted (its poster could be the process killed); before or after is fine.
    if (!summaryDone && Date.now() > fireAt.at * 1000 - 5_000) await summary;
    const holder = await syncLeaseHolder();
    const syncing = cluster.apps.find((app) => holder?.includes(String(app.pid)));
    expect(syncing, `the sync lease is held by ${holder}`).toBeDefined();
    const others = cluster.apps.filter((app) => app !== syncing && app.child.exitCode === null);
    (syncing as AppProcess).child.kill('SIGKILL');
    await (syncing as AppProcess).exited;
    const killedAt = Date.now();

    // Another process holds the lease within two intervals (a margin for process scheduling on a loaded machine).
    const next = await waitFor(
      async () => {
        const now = await syncLeaseHolder();
        return others.find((app) => now?.includes(String(app.pid)));
      },
      {
        timeoutMs: 2 * SYNC_INTERVAL_SECONDS * 1000 + 2_000,
        intervalMs: 250,
        what: 'another process to take the sync over',
      },
    );
    const tookOverAfter = Date.now() - killedAt;
    // A replacement starts (as a platform restarts a dead dyno), so three processes remain for what follows.
    cluster.apps.splice(cluster.apps.indexOf(syncing as AppProcess), 1);
    const replacement = cluster.spawn();
    // A call Tencent gets after the failover is stored by the new syncer and found on every process still running.
    const after = tencentCall('failover_caller');
    cluster.tencent.addRecords([after]);
    // Its first pass as the syncer compares every hour (a full pass), then a quiet pass follows each interval.
    await waitFor(() => storedCall(after.CallId), {
      timeoutMs: (2 * SYNC_INTERVAL_SECONDS + 5) * 1000,
      what: 'the new syncer to store a call Tencent got after the failover',
    });
    for (const app of others) {
      expect(callIdsOf(await cluster.command(app, 'user:failover_caller last:1d'))).toEqual([after.CallId]);
    }
    console.log(`sync failover: taken over by pid ${next.pid} ${tookOverAfter} ms after the SIGKILL`);
    await replacement;
  }, 60_000);

  it('stores one callback delivered to every process once, and the watcher gets one DM', async () => {
    const watch = await cluster.command(cluster.apps[0] as AppProcess, 'watch user:callback_caller');
    expect(shownTextOf(watch)).toContain('Watching');
    // Ended now, after the watch began: a watch sends only calls that end while it runs.
    const call = tencentCall('callback_caller', 0);
    const answers = await Promise.all(cluster.apps.map((app) => postCallback(app, call)));
    for (const answer of answers) {
      expect(answer).toEqual({ status: 200, body: { ActionStatus: 'OK', ErrorInfo: '', ErrorCode: 0 } });
    }
    expect(await cluster.query('select call_id from calls where call_id = $1', [call.CallId])).toHaveLength(1);
    const dms = () =>
      cluster.slack
        .callsTo('chat.postMessage')
        .filter((sent) => sent.args.channel === PERSON && JSON.stringify(sent.args).includes('callback_caller'));
    await waitFor(() => dms().length > 0, { timeoutMs: 10_000, what: 'the DM' });
    // A second call through the same three processes: once its DM is out, any duplicate of the first would be too.
    const second = tencentCall('callback_caller', 0);
    await Promise.all(cluster.apps.map((app) => postCallback(app, second)));
    await waitFor(() => dms().length > 1, { timeoutMs: 10_000, what: 'the second DM' });
    expect(dms()).toHaveLength(2);
    expect(await cluster.query('select call_id from watch_deliveries order by call_id')).toEqual(
      [call.CallId, second.CallId].sort().map((id) => ({ call_id: id })),
    );
  });

  it('opens one incident message when dropped calls reach all three processes at once', async () => {
    const dropped = Array.from({ length: 12 }, (_, i) => tencentCall(`incident_caller_${i % 4}`, 0, 'Interrupt'));
    // Four callbacks to each process, all at once: each process stores its own, hears of them and checks the rule.
    const answers = await Promise.all(dropped.map((call, i) => postCallback(cluster.apps[i % 3] as AppProcess, call)));
    expect(answers.map((answer) => answer.status)).toEqual(dropped.map(() => 200));
    const topLevel = () =>
      cluster.slack
        .callsTo('chat.postMessage')
        .filter((sent) => sent.args.channel === ALERT_CHANNEL && sent.args.thread_ts === undefined);
    await waitFor(() => topLevel().length > 0, { timeoutMs: 15_000, what: 'the incident message' });
    // Each process answers a search after the checks its callbacks started (a barrier, not proof of absence: the
    // store's unique open incident is what rules a second message out).
    for (const app of cluster.apps) await cluster.command(app, 'user:incident_caller_0 last:1h');
    expect(topLevel()).toHaveLength(1);
    const incidents = await cluster.query('select message_ts from incidents where resolved_at is null');
    expect(incidents).toEqual([{ message_ts: topLevel()[0]?.result.ts }]);
  }, 60_000);

  /** `Call.CallbackAfterEndCall` for `record`, as Tencent posts it, to `app`'s callback URL. */
  async function postCallback(app: AppProcess, record: WireCallRecord) {
    const query = new URLSearchParams({
      SdkAppid: String(cluster.tencent.sdkAppId),
      CallbackCommand: 'Call.CallbackAfterEndCall',
      contenttype: 'json',
      ClientIP: '127.0.0.1',
      OptPlatform: 'RESTAPI',
    });
    const body = JSON.stringify({
      CallbackCommand: 'Call.CallbackAfterEndCall',
      CallRecord: record,
      EventTime: record.EndTime * 1000,
    });
    const answer = await postFresh(`${app.url}/tencent/callback/${CALLBACK_TOKEN}?${query}`, body, {
      'content-type': 'application/json',
    });
    return { status: answer.status, body: JSON.parse(answer.text) as unknown };
  }

  it('posts the daily summary once when three schedules and two `npm run summary` fire in the same second', async () => {
    const result = await summary;
    if ('error' in result) throw result.error;
    const posts = cluster.slack.callsTo('chat.postMessage').filter((call) => call.args.channel === SUMMARY_CHANNEL);
    expect(posts).toHaveLength(1);
    expect(result.fired.length, 'processes whose schedule fired').toBeGreaterThanOrEqual(2);
    const date = yesterdayIn('UTC', fireAt.at);
    const cliPosted = result.cli.filter((run) => run.stdout.startsWith(`Posted the summary of ${date}`));
    const appPosted = result.fired.filter(({ outcome }) => outcome.msg === 'posted the daily summary');
    expect(cliPosted.length + appPosted.length).toBe(1);
    for (const run of result.cli) {
      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout).toMatch(
        new RegExp(`^(Posted the summary of ${date}|The summary of ${date} (was already posted|is being posted))`),
      );
    }
    for (const { outcome } of result.fired)
      if (!appPosted.some((p) => p.outcome === outcome)) {
        expect(outcome.msg).toMatch(/not posted (again|here)$/);
      }
    // The poster logs "posted the daily summary" as its post returns and records the claim as posted just after:
    // wait for that write rather than read the row at the moment of the log line.
    const claim = await waitFor(
      async () => {
        const [row] = await cluster.query('select status, message_ts from summary_posts');
        return row?.status === 'posted' ? row : undefined;
      },
      { timeoutMs: 30_000, what: 'the summary claim recorded as posted' },
    );
    expect(claim).toEqual({ status: 'posted', message_ts: posts[0]?.result.ts });
  }, 120_000);

  it('migrated the empty database once for three processes starting together, and refuses a newer schema', async () => {
    const migrated = await cluster.query('select name from kysely_migration order by name');
    expect(migrated.map((row) => row.name)).toEqual(Object.keys(MIGRATIONS).sort());
    // A version of the app that knows fewer migrations than the database has ran: a process of it must not start.
    await cluster.query("insert into kysely_migration (name, timestamp) values ('999_from_a_newer_version', $1)", [
      new Date().toISOString(),
    ]);
    const refused = await cluster.spawn().then(
      () => null,
      (error: unknown) => String(error),
    );
    expect(refused).toMatch(/the app exited \(1\) first/);
    expect(refused).toMatch(
      /Could not start: The call-record store \(PostgreSQL database \S+ on 127\.0\.0\.1\) was migrated by a newer version of callkit-slack/,
    );
  });

  /** Runs the CLI twice around SUMMARY_TIME and collects how every process's scheduled run ended. */
  async function fireSummary(): Promise<SummaryFired> {
    const at = fireAt.at * 1000;
    await sleep(at - 2_000 - Date.now());
    const early = cluster.runCli(['summary']);
    await sleep(at - Date.now());
    const onTime = cluster.runCli(['summary']);
    // Every process running whose schedule was set up before that second fires (not one killed before it, nor a
    // replacement started after it).
    const scheduled = cluster.apps.filter(
      (app) =>
        app.child.exitCode === null &&
        app.child.signalCode === null &&
        app.logs.some((line) => String(line.msg).startsWith('daily summary scheduled') && Number(line.time) < at),
    );
    const fired = await Promise.all(
      scheduled.map(async (app) => ({ app, outcome: await app.waitForLog(summaryOutcome, 30_000) })),
    );
    return { fired, cli: await Promise.all([early, onTime]) };
  }

  async function storedCall(callId: string): Promise<boolean> {
    return (await cluster.query('select call_id from calls where call_id = $1', [callId])).length === 1;
  }

  async function syncLeaseHolder(): Promise<string | undefined> {
    const [row] = await cluster.query("select holder from leases where name = 'sync'");
    return row?.holder as string | undefined;
  }
});

let calls = 0;
/** A call that ended `endedAgo` seconds ago (a minute by default), with a caller no other call has. */
function tencentCall(caller: string, endedAgo = 60, result = 'NormalEnd'): WireCallRecord {
  const now = Math.floor(Date.now() / 1000);
  calls += 1;
  return {
    CallId: `multi-process-${caller}-${calls}-${now}`,
    Caller_Account: caller,
    MediaType: 'Audio',
    CallType: 'SingleCall',
    StartTime: now - 120,
    EndTime: now - endedAgo,
    AcceptTime: now - 115,
    CallResult: result,
    CalleeList_Account: [caller, '147'],
    RoomId: `room-${caller}`,
    RoomIdType: 2,
  };
}
