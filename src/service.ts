/**
 * The wiring of `npm start` (src/app.ts) and of the end-to-end tests: the backend (store, Tencent client, sync),
 * the Slack app, the HTTP routes served beside it (`/healthz`) and the jobs (the daily summary schedule). Slack
 * itself starts no job and jobs know nothing of Slack: what a job does with Slack is passed in here.
 */
import { hostname } from 'node:os';
import type { webApi } from '@slack/bolt';
import type { CallRecordsBackend } from './backend.js';
import { exportCalls } from './calls/export-calls.js';
import { dayBounds, yesterdayIn } from './calls/time-range.js';
import type { Config } from './config.js';
import { healthRoute } from './health.js';
import { postSummaryOnce, retryUnpostedSummary, type SummaryOnceOutcome } from './jobs/post-summary-once.js';
import { SUMMARY_RETRY_DELAYS_MS, type SummarySchedule, startSummarySchedule } from './jobs/summary-schedule.js';
import type { Logger } from './logger.js';
import type { ServerLimits } from './server-limits.js';
import { type RunningApp, startApp } from './slack/create-app.js';
import { type PostedSummary, postDailySummary } from './slack/post-daily-summary.js';
import type { UserTimeZones } from './slack/user-time-zone.js';
import { createSummaryPosts } from './store/summary-posts.js';

export interface ServiceOptions {
  logger: Logger;
  /** Closed when the service stops. */
  backend: CallRecordsBackend;
  /** Default `config.port`; 0 for any free port. */
  port?: number;
  host?: string;
  /** Overrides of the HTTP server's timeouts and connection cap (tests use short ones). */
  serverLimits?: Partial<ServerLimits>;
  clientOptions?: webApi.WebClientOptions;
  /** Unix seconds; default the real clock. */
  now?: () => number;
  timeZones?: UserTimeZones;
}

export interface RunningService extends RunningApp {
  backend: CallRecordsBackend;
  /** The in-process daily summary, when SUMMARY_TIME and SUMMARY_CHANNEL are set. */
  summarySchedule?: SummarySchedule<SummaryOnceOutcome<PostedSummary>>;
}

/** Starts Slack with its routes, then the jobs. `stop()` stops the jobs, drains Slack, then closes the backend. */
export async function startService(config: Config, options: ServiceOptions): Promise<RunningService> {
  const { backend, logger } = options;
  let schedule: SummarySchedule<SummaryOnceOutcome<PostedSummary>> | undefined;
  const running = await startApp(config, {
    logger,
    backend: {
      search: backend.search,
      demo: backend.demo,
      glance: backend.glance,
      // Last: a summary being posted may finish first (it reads the store).
      close: async () => {
        await schedule?.stop();
        await backend.close();
      },
    },
    routes: [healthRoute(() => backend.store.coverage())],
    // Names beside IDs, `name:`, and Export CSV: all read the store.
    names: backend.names,
    exportCalls: (query, timeZone) => exportCalls(backend.store, backend.names, query, { timeZone }),
    ...(options.port === undefined ? {} : { port: options.port }),
    ...(options.host === undefined ? {} : { host: options.host }),
    ...(options.serverLimits === undefined ? {} : { serverLimits: options.serverLimits }),
    ...(options.clientOptions === undefined ? {} : { clientOptions: options.clientOptions }),
    ...(options.now === undefined ? {} : { now: options.now }),
    ...(options.timeZones === undefined ? {} : { timeZones: options.timeZones }),
  });
  schedule = startConfiguredSchedule(config, running, backend, logger, options.now);
  const scheduled = schedule;
  return {
    ...running,
    backend,
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
