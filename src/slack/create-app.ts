/**
 * The Bolt app: built from the config and a call-records backend, in HTTP mode (HTTPReceiver at /slack/events,
 * plus GET /healthz) or in Socket Mode when SLACK_APP_TOKEN is set (then /healthz gets a small server of its own).
 *
 * `startApp` is what `src/app.ts` runs and what the tests boot in-process; `stop()` is the graceful shutdown: stop
 * taking requests, let the requests in flight finish (including the work each listener does after its ack), then
 * close the backend.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  type AnyMiddlewareArgs,
  App,
  type Logger as BoltLogger,
  HTTPReceiver,
  LogLevel,
  type Middleware,
  webApi,
} from '@slack/bolt';
import { CallGlance } from '../calls/glance.js';
import type { IncidentControls } from '../calls/incident-store.js';
import type { Config } from '../config.js';
import { type SummarySchedule, startSummarySchedule } from '../jobs/summary-schedule.js';
import type { Logger } from '../logger.js';
import type { CallRecordsApi } from '../tencent/call-records-api.js';
import { accessMiddleware } from './access.js';
import { type ExtraRoute, type HealthServer, healthRoute, startHealthServer } from './health.js';
import { registerListeners } from './listeners/index.js';
import type { SlackIdentity, SlackServices, WatchServices } from './services.js';
import { createUserTimeZones, type UserTimeZones } from './user-time-zone.js';

export const EVENTS_PATH = '/slack/events';

/** Counts the requests being handled, so shutdown can wait for them. */
export class InFlight {
  #count = 0;
  #waiters: Array<() => void> = [];

  get count(): number {
    return this.#count;
  }

  /** Runs `work`, counted until it settles. */
  async track<T>(work: () => Promise<T>): Promise<T> {
    this.#count += 1;
    try {
      return await work();
    } finally {
      this.#count -= 1;
      if (this.#count === 0) for (const wake of this.#waiters.splice(0)) wake();
    }
  }

  /** Resolves true when nothing is in flight, or false when `timeoutMs` passed first. */
  idle(timeoutMs: number): Promise<boolean> {
    if (this.#count === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#waiters = this.#waiters.filter((waiter) => waiter !== wake);
        resolve(false);
      }, timeoutMs);
      const wake = () => {
        clearTimeout(timer);
        resolve(true);
      };
      this.#waiters.push(wake);
    });
  }
}

/** Bolt's logger interface on top of our pino logger (Bolt's own messages, at its level or above). */
export function boltLogger(logger: Logger): BoltLogger {
  const child = logger.child({ component: 'bolt' });
  const write =
    (level: 'debug' | 'info' | 'warn' | 'error') =>
    (...parts: unknown[]) => {
      const error = parts.find((part): part is Error => part instanceof Error);
      const text = parts
        .filter((part) => part !== error)
        .map((part) => (typeof part === 'string' ? part : JSON.stringify(part)))
        .join(' ');
      if (error) child[level]({ err: error }, text || error.message);
      else child[level](text);
    };
  let level = LogLevel.INFO;
  return {
    debug: write('debug'),
    info: write('info'),
    warn: write('warn'),
    error: write('error'),
    setLevel(next) {
      level = next;
    },
    getLevel: () => level,
    setName() {},
  };
}

export interface SlackAppDeps {
  config: Config;
  logger: Logger;
  /** The search (see `createCallRecordsBackend`) and whether it serves demo data. */
  backend: { search: SlackServices['search']; demo: boolean; api?: Pick<CallRecordsApi, 'countRecords'> };
  identity: SlackIdentity;
  /** Merged into Bolt's `clientOptions` (tests pass a fast `retryConfig`). */
  clientOptions?: webApi.WebClientOptions;
  /** Unix seconds; default the real clock. */
  now?: () => number;
  /** Default: `users.info` through the app's client, cached. */
  timeZones?: UserTimeZones;
  /** The incident monitor's controls (Acknowledge, Mute), when ALERT_CHANNEL is set. */
  incidents?: IncidentControls;
  /** Served on the app's port beside /slack/events and /healthz (the Tencent callback), in both modes. */
  routes?: readonly ExtraRoute[];
  /** `/calls watch` and its store. */
  watches?: WatchServices;
}

export interface SlackApp {
  app: App;
  services: SlackServices;
  inFlight: InFlight;
  mode: 'http' | 'socket';
}

/** Builds the Bolt app with every listener registered; nothing listens yet. */
export function createSlackApp(deps: SlackAppDeps): SlackApp {
  const { config, logger, identity } = deps;
  const botToken = config.slack.botToken?.reveal();
  if (!botToken) throw new Error('SLACK_BOT_TOKEN is required to build the Slack app');
  const socketMode = config.slack.socketMode;
  const clientOptions: webApi.WebClientOptions = {
    slackApiUrl: config.slack.apiUrl,
    // Bounded: a reply is worth little after a minute (the WebClient default retries for about 30 minutes).
    retryConfig: { retries: 3, factor: 2, minTimeout: 1_000, maxTimeout: 10_000, randomize: true },
    timeout: 15_000,
    ...deps.clientOptions,
  };
  const boltLog = boltLogger(logger);
  const common = {
    token: botToken,
    // Both IDs given: Bolt does not call auth.test again (startApp already did).
    botId: identity.botId,
    botUserId: identity.botUserId,
    clientOptions,
    logger: boltLog,
    // Our own state lives in button values and views; Bolt's conversation store is not used.
    convoStore: false as const,
  };
  let app: App;
  if (socketMode) {
    const appToken = config.slack.appToken?.reveal();
    // Bolt would hand `clientOptions` to the Socket Mode client as well (through installerOptions), and our bounded
    // retries would then apply to `apps.connections.open` when it reconnects: after a few failed tries the client
    // gives up for good (an unhandled rejection) and the app stays connected to nothing while /healthz says ok.
    // The connection keeps the Socket Mode client's own, patient retries.
    const { retryConfig: _repliesOnly, ...connectionOptions } = clientOptions;
    app = new App({ ...common, socketMode: true, appToken, installerOptions: { clientOptions: connectionOptions } });
  } else {
    const signingSecret = config.slack.signingSecret?.reveal();
    if (!signingSecret) throw new Error('SLACK_SIGNING_SECRET is required in HTTP mode');
    const receiver = new HTTPReceiver({
      signingSecret,
      endpoints: EVENTS_PATH,
      customRoutes: [healthRoute, ...(deps.routes ?? [])],
      logger: boltLog,
      // ack() answers Slack at once; listeners keep working after it (never near the 3-second limit).
      processBeforeResponse: false,
    });
    app = new App({ ...common, receiver });
  }

  const now = deps.now ?? (() => Math.floor(Date.now() / 1000));
  const timeZones =
    deps.timeZones ??
    createUserTimeZones({
      defaultTimeZone: config.defaultTimeZone,
      logger,
      lookup: async (userId) => (await app.client.users.info({ user: userId })).user?.tz,
    });
  const services: SlackServices = {
    search: deps.backend.search,
    demo: deps.backend.demo,
    timeZones,
    identity,
    access: { teamId: identity.teamId, users: config.access.users, channels: config.access.channels },
    defaultTimeZone: config.defaultTimeZone,
    logger,
    now,
    ...(deps.incidents === undefined ? {} : { incidents: deps.incidents }),
    // The Home tab's glance: one cache for everybody, three TotalNum counts a minute at most.
    ...(deps.backend.api === undefined
      ? {}
      : {
          glance: new CallGlance(deps.backend.api, {
            now,
            onError: (error) => logger.warn({ err: error }, 'Home tab glance unavailable'),
          }),
        }),
    ...(deps.watches === undefined ? {} : { watches: deps.watches }),
  };

  const inFlight = new InFlight();
  const track: Middleware<AnyMiddlewareArgs> = ({ next }) => inFlight.track(next);
  app.use(track);
  app.use(accessMiddleware(services.access, logger, { demo: services.demo }));
  registerListeners(app, services);

  // The last resort for a listener that threw: logged, never fatal, and never shown to anyone.
  app.error(async (error) => {
    logger.error({ err: error }, 'unhandled error in a Slack listener');
  });
  return { app, services, inFlight, mode: socketMode ? 'socket' : 'http' };
}

/** Asks Slack who the bot token belongs to. Throws a plain sentence when Slack refuses it. */
export async function whoAmI(config: Config, clientOptions: webApi.WebClientOptions = {}): Promise<SlackIdentity> {
  const client = new webApi.WebClient(config.slack.botToken?.reveal(), {
    slackApiUrl: config.slack.apiUrl,
    logLevel: webApi.LogLevel.ERROR,
    retryConfig: { retries: 2, factor: 2, minTimeout: 500 },
    ...clientOptions,
  });
  let result: webApi.AuthTestResponse;
  try {
    result = await client.auth.test();
  } catch (error) {
    const code = (error as { data?: { error?: string } }).data?.error;
    if (code === 'invalid_auth' || code === 'not_authed' || code === 'account_inactive' || code === 'token_revoked') {
      throw new Error(
        `Slack refused SLACK_BOT_TOKEN (${code}): copy the Bot User OAuth Token (xoxb-…) again from OAuth & Permissions, and reinstall the app if it was removed.`,
      );
    }
    throw new Error(
      `Could not reach Slack at ${config.slack.apiUrl} to check SLACK_BOT_TOKEN: ${(error as Error).message}`,
    );
  }
  if (!result.team_id || !result.user_id || !result.bot_id) {
    throw new Error(
      'Slack did not say which workspace and bot SLACK_BOT_TOKEN belongs to (auth.test): is it a bot token?',
    );
  }
  return { teamId: result.team_id, botUserId: result.user_id, botId: result.bot_id, botName: result.user ?? '' };
}

export interface StartOptions {
  logger: Logger;
  /** Closed by `stop()`. */
  backend: {
    search: SlackServices['search'];
    demo: boolean;
    /** The Home tab's glance counts with it; the daily summary schedule (SUMMARY_TIME) needs it too. */
    api?: CallRecordsApi;
    close(): Promise<void>;
  };
  /** Default `config.port`; 0 for any free port. */
  port?: number;
  /** Default all interfaces. */
  host?: string;
  clientOptions?: webApi.WebClientOptions;
  now?: () => number;
  timeZones?: UserTimeZones;
  /** The incident monitor's controls (Acknowledge, Mute); `app.ts` starts the monitor itself. */
  incidents?: IncidentControls;
  /** Served on the app's port beside /slack/events and /healthz (the Tencent callback), in both modes. */
  routes?: readonly ExtraRoute[];
  /** `/calls watch` and its store. */
  watches?: WatchServices;
}

export interface RunningApp extends SlackApp {
  identity: SlackIdentity;
  /** The port /slack/events (HTTP mode) or /healthz (both modes) listens on. */
  port: number;
  /** `http://127.0.0.1:<port>` */
  url: string;
  /** The in-process daily summary, when SUMMARY_TIME and SUMMARY_CHANNEL are set; `stop()` stops it. */
  summarySchedule?: SummarySchedule;
  /**
   * Graceful stop: no new connections, wait (up to `timeoutMs`, default 25 s) for the requests in flight to finish
   * their work, then close the backend. Safe to call more than once.
   */
  stop(options?: { timeoutMs?: number }): Promise<void>;
}

/** Checks the bot token, builds the app and starts listening. */
export async function startApp(config: Config, options: StartOptions): Promise<RunningApp> {
  const { logger } = options;
  const identity = await whoAmI(config, options.clientOptions);
  const slackApp = createSlackApp({
    config,
    logger,
    backend: options.backend,
    identity,
    ...(options.clientOptions === undefined ? {} : { clientOptions: options.clientOptions }),
    ...(options.now === undefined ? {} : { now: options.now }),
    ...(options.timeZones === undefined ? {} : { timeZones: options.timeZones }),
    ...(options.incidents === undefined ? {} : { incidents: options.incidents }),
    ...(options.routes === undefined ? {} : { routes: options.routes }),
    ...(options.watches === undefined ? {} : { watches: options.watches }),
  });
  const { app, inFlight } = slackApp;
  const listenPort = options.port ?? config.port;

  let server: Server | undefined;
  let health: HealthServer | undefined;
  let port: number;
  if (slackApp.mode === 'http') {
    server = (await app.start(
      options.host === undefined ? listenPort : { port: listenPort, host: options.host },
    )) as unknown as Server;
    port = (server.address() as AddressInfo).port;
  } else {
    health = await startHealthServer(listenPort, options.host, options.routes);
    try {
      await app.start();
    } catch (error) {
      await health.close();
      throw error;
    }
    port = health.port;
  }
  logger.info(
    { mode: slackApp.mode, port, team: identity.teamId, bot: identity.botUserId, demo: options.backend.demo },
    slackApp.mode === 'http'
      ? `listening on port ${port}: POST ${EVENTS_PATH}, GET /healthz`
      : 'connected in Socket Mode',
  );

  const summarySchedule = startConfiguredSchedule(config, options, app, identity);

  let stopping: Promise<void> | undefined;
  const stop = async ({ timeoutMs = 25_000 } = {}) => {
    logger.info({ inFlight: inFlight.count }, 'stopping: no new requests; finishing those in flight');
    // No more daily summaries; one being posted may finish (it needs the backend, closed last).
    const scheduleStopped = summarySchedule?.stop({ timeoutMs });
    // 1. Stop taking requests. HTTP: the server stops accepting and drops idle keep-alive connections;
    //    Socket Mode: the WebSocket closes.
    const closed = app.stop().catch((error: unknown) => logger.warn({ err: error }, 'closing the Slack receiver'));
    server?.closeIdleConnections();
    // 2. Finish the work in flight (a listener keeps running after its ack: search, respond).
    const finished = await inFlight.idle(timeoutMs);
    if (!finished) logger.warn({ inFlight: inFlight.count }, 'gave up waiting for requests in flight');
    server?.closeAllConnections();
    await closed;
    await health?.close();
    await scheduleStopped;
    // 3. Close the backend (Tencent connections, the demo server).
    await options.backend.close();
    logger.info('stopped');
  };

  return {
    ...slackApp,
    identity,
    port,
    url: `http://127.0.0.1:${port}`,
    ...(summarySchedule === undefined ? {} : { summarySchedule }),
    stop(stopOptions) {
      stopping ??= stop(stopOptions);
      return stopping;
    },
  };
}

/** The daily summary schedule, when SUMMARY_TIME (and so SUMMARY_CHANNEL) is set; posts through the app's client. */
function startConfiguredSchedule(
  config: Config,
  options: StartOptions,
  app: App,
  identity: SlackIdentity,
): SummarySchedule | undefined {
  const { time, channel, timeZone } = config.summary;
  if (time === undefined || channel === undefined) return undefined;
  const api = options.backend.api;
  if (api === undefined) {
    options.logger.warn({ time, channel }, 'SUMMARY_TIME is set but there is no Tencent client: no daily summary');
    return undefined;
  }
  return startSummarySchedule({
    time,
    timeZone,
    channel,
    client: app.client,
    api,
    demo: options.backend.demo,
    logger: options.logger.child({ component: 'daily-summary' }),
    botName: identity.botName || 'callkit',
    ...(options.now === undefined ? {} : { now: options.now }),
  });
}
