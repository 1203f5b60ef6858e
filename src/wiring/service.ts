import { hostname } from 'node:os';
import { exportCalls } from '../calls/export-calls.js';
import type { IncidentControls } from '../calls/incident-store.js';
import { dayBounds, yesterdayIn } from '../calls/time-range.js';
import type { Config } from '../config/index.js';
import type { WatchDelivery } from '../jobs/deliver-watches.js';
import type { IncidentMonitor } from '../jobs/incident-monitor.js';
import { postSummaryOnce, retryUnpostedSummary, type SummaryOnceOutcome } from '../jobs/post-summary-once.js';
import type { ProcessHeartbeat } from '../jobs/process-heartbeat.js';
import { SUMMARY_RETRY_DELAYS_MS, type SummarySchedule, startSummarySchedule } from '../jobs/summary-schedule.js';
import { dropUndefined } from '../shared/drop-undefined.js';
import type { Logger } from '../shared/logger.js';
import { type RunningApp, type StartOptions, startApp } from '../slack/create-app.js';
import { type PostedSummary, postDailySummary } from '../slack/post-daily-summary.js';
import { createSummaryPosts } from '../store/summary-posts.js';
import type { CallRecordsBackend } from './backend.js';
import { callLinkPageRoute } from './call-link-page.js';
import { healthRoute } from './health-route.js';
import { createIncidents } from './incidents.js';
import { createOperations } from './operations.js';
import { createRealtime, type Realtime, type RealtimeDeps } from './realtime.js';

/** The options the service hands the Slack app as they are (`startApp`'s, documented there). */
type SlackOptions = Pick<StartOptions, 'port' | 'host' | 'serverLimits' | 'clientOptions' | 'now' | 'timeZones'>;

export interface ServiceOptions extends SlackOptions {
  logger: Logger;
  /** Closed when the service stops. */
  backend: CallRecordsBackend;
  /** Tests: the watch job's check interval, the callback's body timeout. */
  realtime?: Pick<RealtimeDeps, 'watchCheckEveryMs' | 'callbackBodyTimeoutMs'>;
  /** Tests: how often the incident monitor checks without new calls (default 60 s). */
  incidentCheckEveryMs?: number;
  /** Tests: the controls of a monitor the test runs itself; then the service starts none of its own. */
  incidents?: IncidentControls;
  /** Tests: how often this process heartbeats into the store (default 30 s). */
  heartbeatEveryMs?: number;
}

export interface RunningService extends RunningApp {
  backend: CallRecordsBackend;
  /** The Tencent callback route (with TENCENT_CALLBACK_TOKEN), watches and their DM job. */
  realtime: Realtime & { job: WatchDelivery };
  /** The in-process daily summary, when SUMMARY_TIME and SUMMARY_CHANNEL are set. */
  summarySchedule?: SummarySchedule<SummaryOnceOutcome<PostedSummary>>;
  /** The dropped-call incident monitor, when ALERT_CHANNEL is set. */
  incidents?: IncidentMonitor;
}

/** Starts Slack with its routes, then the jobs. `stop()` stops the jobs, drains Slack, then closes the backend. */
export async function startService(config: Config, options: ServiceOptions): Promise<RunningService> {
  const {
    backend,
    logger,
    realtime: realtimeOptions,
    incidentCheckEveryMs,
    incidents: controls,
    heartbeatEveryMs,
    ...slackOptions
  } = options;
  let schedule: SummarySchedule<SummaryOnceOutcome<PostedSummary>> | undefined;
  let watchJob: WatchDelivery | undefined;
  let incidents: IncidentMonitor | undefined;
  let heartbeat: ProcessHeartbeat | undefined;
  const operations = createOperations(config, backend, {
    logger,
    ...dropUndefined({ now: options.now, heartbeatEveryMs }),
  });
  // Callbacks are accepted for this app's SDKAppID only: the demo server's in demo mode.
  const sdkAppId = config.tencent.mode === 'live' ? config.tencent.sdkAppId : backend.demoServer?.sdkAppId;
  const realtime = createRealtime({
    config,
    store: backend.store,
    feed: backend.feed,
    sdkAppId: sdkAppId ?? 0,
    demo: backend.demo,
    logger,
    ...dropUndefined({ now: options.now, metrics: backend.metrics }),
    ...realtimeOptions,
  });
  const running = await startApp(config, {
    logger,
    backend: {
      search: backend.search,
      demo: backend.demo,
      glance: backend.glance,
      // Last: a summary being posted may finish first (it reads the store).
      close: async () => {
        await schedule?.stop();
        await watchJob?.stop();
        await incidents?.stop();
        await heartbeat?.stop();
        await backend.close();
      },
    },
    routes: [
      healthRoute(() => backend.store.coverage()),
      ...operations.routes,
      ...realtime.routes,
      // Call links opened in a browser: a page that says to open them in Slack.
      ...(config.publicUrl === undefined ? [] : [callLinkPageRoute()]),
    ],
    ...(backend.metrics === undefined ? {} : { metrics: backend.metrics }),
    operations: operations.services,
    // Names beside IDs, `name:`, and Export CSV: all read the store.
    names: backend.names,
    exportCalls: (query, timeZone) => exportCalls(backend.store, backend.names, query, { timeZone }),
    watches: realtime.watches,
    // The monitor posts through the app's own client, so it exists only once the app does; clicks come later.
    ...(controls !== undefined
      ? { incidents: controls }
      : config.alerts.channel === undefined
        ? {}
        : {
            incidents: {
              acknowledge: async (id, user) => (await incidents?.acknowledge(id, user)) ?? false,
              mute: async (id, user, seconds) => (await incidents?.mute(id, user, seconds)) ?? false,
            },
          }),
    ...dropUndefined(slackOptions),
  });
  operations.attachSlack(running);
  heartbeat = operations.start();
  schedule = startConfiguredSchedule(config, running, backend, logger, options.now);
  const job = realtime.startJobs({ client: running.app.client, teamId: running.identity.teamId });
  watchJob = job;
  incidents =
    controls !== undefined
      ? undefined
      : createIncidents(config, {
          store: backend.store,
          feed: backend.feed,
          logger,
          demo: backend.demo,
          client: running.app.client,
          ...dropUndefined({ now: options.now, intervalMs: incidentCheckEveryMs }),
        });
  incidents?.start();
  const scheduled = schedule;
  return {
    ...running,
    backend,
    realtime: { ...realtime, job },
    ...(incidents === undefined ? {} : { incidents }),
    ...(scheduled === undefined ? {} : { summarySchedule: scheduled }),
    stop(stopOptions) {
      // No more daily summaries from here on; one being posted may finish while Slack drains.
      void scheduled?.stop(stopOptions);
      return running.stop(stopOptions);
    },
  };
}

/** The daily summary schedule, when SUMMARY_TIME (and so SUMMARY_CHANNEL) is set; posts through the app's client. */
function startConfiguredSchedule(
  config: Config,
  running: RunningApp,
  backend: CallRecordsBackend,
  logger: Logger,
  now: (() => number) | undefined,
): SummarySchedule<SummaryOnceOutcome<PostedSummary>> | undefined {
  const { time, channel, timeZone } = config.summary;
  if (time === undefined || channel === undefined) return undefined;
  const jobLogger = logger.child({ component: 'daily-summary' });
  // Every process sharing the store runs the schedule; the claim in the store lets one of them post.
  const claims = createSummaryPosts(backend.store.db);
  const once = (date: string) => ({
    claims,
    key: { day: date, channel },
    claimer: `${hostname()}/${process.pid}`,
    logger: jobLogger,
  });
  const postDay = (date: string, at: number) => () =>
    postDailySummary({
      client: running.app.client,
      store: backend.store,
      channel,
      day: { date, timeZone },
      demo: backend.demo,
      logger: jobLogger,
      now: at,
      botName: running.identity.botName || 'callkit',
      names: backend.names,
    });
  return startSummarySchedule({
    time,
    timeZone,
    channel,
    logger: jobLogger,
    ...(now === undefined ? {} : { now }),
    retryDelaysMs: SUMMARY_RETRY_DELAYS_MS,
    post: async ({ day, now: at }) => {
      const dayBefore = yesterdayIn(timeZone, dayBounds(day.date, timeZone).from);
      await retryUnpostedSummary(once(dayBefore), postDay(dayBefore, at)).catch((error: unknown) =>
        jobLogger.error({ err: error, date: dayBefore }, `daily summary of ${dayBefore}: the retry failed`),
      );
      return postSummaryOnce(once(day.date), postDay(day.date, at));
    },
  });
}
