/**
 * Wiring of the dropped-call incidents: the monitor job over the store, fed by the
 * new-calls feed, posting through a `ChannelPoster` over its own WebClient with the incident views. Lives in the wiring because it
 * joins `jobs/` and `slack/views/` (a job never imports `slack/`). Returns undefined when ALERT_CHANNEL is unset.
 */
import { webApi } from '@slack/bolt';
import { type CauseCount, causeBreakdown } from '../calls/cause-breakdown.js';
import type { NewCallsFeed } from '../calls/new-calls.js';
import { DROPPED_RESULTS } from '../calls/records.js';
import type { Config } from '../config/index.js';
import { createIncidentMonitor, type IncidentMonitor, type IncidentRenderer } from '../jobs/incident-monitor.js';
import type { Logger } from '../shared/logger.js';
import { createChannelPoster } from '../slack/channel-poster.js';
import { incidentChartTitle, renderEscalation, renderIncidentMessage } from '../slack/views/incident.js';
import { createIncidentStore } from '../store/incidents.js';
import type { CallStore } from '../store/open-call-store.js';
import { createUserNames } from '../store/user-names.js';

export interface StartIncidentsOptions {
  store: Pick<CallStore, 'db' | 'engine'> & Partial<Pick<CallStore, 'findCalls' | 'eventsOf'>>;
  feed: Pick<NewCallsFeed, 'subscribe'>;
  logger: Logger;
  demo: boolean;
  /** Default: a WebClient of the bot token at SLACK_API_URL, with a few quick retries. */
  client?: webApi.WebClient;
  /** Unix seconds; default the real clock. */
  now?: () => number;
  /** Default 60 s. */
  intervalMs?: number;
  holder?: string;
}

/** The views the monitor renders with: the zone of the fallbacks and demo mode added to what the job knows. */
export function incidentRenderer(timeZone: string, demo: boolean): IncidentRenderer {
  return {
    message: (input) => renderIncidentMessage({ ...input, timeZone, demo }),
    escalation: (input, escalation) => renderEscalation({ ...input, timeZone, demo }, escalation),
    chartTitle: (input) => incidentChartTitle(input),
    // ECharts and the resvg WASM load only when an incident opens.
    chart: async (window) => (await import('../slack/views/incident-chart.js')).renderIncidentChart(window),
  };
}

/** Dropped calls read for an incident's breakdown by cause at most (a bounded sample of the window's newest). */
const CAUSE_SAMPLE = 500;

/** The breakdown by cause of the dropped calls that started in a window, from their events. */
function dropCauses(
  findCalls: CallStore['findCalls'],
  eventsOf: CallStore['eventsOf'],
): (window: { from: number; to: number }) => Promise<CauseCount[]> {
  return async ({ from, to }) => {
    const filter = { users: [], results: [...DROPPED_RESULTS], callTypes: [], mediaTypes: [], from, to };
    const dropped = await findCalls(filter, { limit: CAUSE_SAMPLE });
    return dropped.length === 0 ? [] : causeBreakdown(dropped, await eventsOf(dropped.map((call) => call.callId)));
  };
}

/** Builds the monitor (not started: call `start()`, and `stop()` on shutdown); undefined without ALERT_CHANNEL. */
export function createIncidents(config: Config, options: StartIncidentsOptions): IncidentMonitor | undefined {
  const channel = config.alerts.channel;
  if (channel === undefined) return undefined;
  const client =
    options.client ??
    new webApi.WebClient(config.slack.botToken?.reveal(), {
      slackApiUrl: config.slack.apiUrl,
      logLevel: webApi.LogLevel.ERROR,
      // A check a minute retries anyway: keep each call short.
      retryConfig: { retries: 2, factor: 2, minTimeout: 500, maxTimeout: 5_000 },
      timeout: 15_000,
    });
  return createIncidentMonitor({
    channel,
    rule: {
      thresholdPercent: config.alerts.dropRatePercent,
      minCalls: config.alerts.minCalls,
      windowSeconds: config.alerts.windowSeconds,
    },
    store: createIncidentStore(options.store.db, options.store.engine),
    poster: createChannelPoster(client),
    render: incidentRenderer(config.defaultTimeZone, options.demo),
    ...(options.store.findCalls !== undefined && options.store.eventsOf !== undefined
      ? { causesOf: dropCauses(options.store.findCalls, options.store.eventsOf) }
      : {}),
    // The most affected users by name, from the store's cache (a message never waits on Tencent for a name).
    names: createUserNames(options.store.db, options.store.engine),
    feed: options.feed,
    logger: options.logger.child({ component: 'incidents' }),
    ...(options.now === undefined ? {} : { now: options.now }),
    ...(options.intervalMs === undefined ? {} : { intervalMs: options.intervalMs }),
    ...(options.holder === undefined ? {} : { holder: options.holder }),
  });
}
