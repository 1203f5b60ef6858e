/**
 * The Bolt app: built from the config and a call-records backend, in HTTP mode (HTTPReceiver at /slack/events,
 * plus the app's own routes such as GET /healthz) or in Socket Mode when SLACK_APP_TOKEN is set (then the routes get
 * a small server of their own). Which routes and which jobs run beside Slack is the wiring's business
 * (src/wiring/service.ts): nothing here starts a job.
 *
 * `startApp` is what src/wiring/service.ts runs; `stop()` is the graceful shutdown: stop taking requests, let the
 * requests in flight finish (including the work each listener does after its ack), then close the backend.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  type AnyMiddlewareArgs,
  App,
  type Logger as BoltLogger,
  type CustomRoute,
  HTTPReceiver,
  HTTPReceiverDeferredRequestError,
  LogLevel,
  type Middleware,
  webApi,
} from '@slack/bolt';
import type { CallEventReader } from '../calls/call-events.js';
import type { IncidentControls } from '../calls/incident-store.js';
import type { NameDirectory } from '../calls/user-names.js';
import type { Config } from '../config/index.js';
import { dropUndefined } from '../shared/drop-undefined.js';
import { type Logger, pathForLog } from '../shared/logger.js';
import type { Metrics } from '../shared/metrics.js';
import { limitServer, SERVER_LIMITS, type ServerLimits, serverOptions } from '../shared/server-limits.js';
import { accessMiddleware } from './access.js';
import { RESTARTED_MESSAGE } from './error-messages.js';
import { guardEvents, guardSocketEnvelopes } from './http/event-guard.js';
import { InFlight } from './http/in-flight.js';
import { createOutgoingFetch } from './http/outgoing-fetch.js';
import { gateSlackRequests } from './http/request-gate.js';
import { meterSlackApi, meterSlackRequests, trackSocketConnection } from './http/request-metrics.js';
import { type RouteServer, startRouteServer } from './http/route-server.js';
import { registerListeners } from './listeners/index.js';
import { PendingReplies } from './pending-replies.js';
import type { ExportCalls, OperationsServices, SlackIdentity, SlackServices, WatchServices } from './services.js';
import { createUserTimeZones, type UserTimeZones } from './user-time-zone.js';
import { renderProblem } from './views/errors.js';
import { renderRestartedHome } from './views/restarted-home.js';

export const EVENTS_PATH = '/slack/events';

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
  /** The search (see `createCallRecordsBackend`), whether it serves demo data, and the Home tab's glance. */
  backend: { search: SlackServices['search']; demo: boolean; glance?: SlackServices['glance'] };
  identity: SlackIdentity;
  /** Served beside /slack/events (HTTP mode) or by a server of their own (Socket Mode): `/healthz`, the callback. */
  routes?: readonly CustomRoute[];
  /** `/calls watch` and its store (src/wiring/realtime.ts). */
  watches?: WatchServices;
  /** Merged into Bolt's `clientOptions` (tests pass a fast `retryConfig`). */
  clientOptions?: webApi.WebClientOptions;
  /** Unix seconds; default the real clock. */
  now?: () => number;
  /** Default: `users.info` through the app's client, cached. */
  timeZones?: UserTimeZones;
  /** Display names from the store's cache (`createUserNames`); absent: IDs alone. */
  names?: NameDirectory;
  /** Call events from the store (timelines, causes, `/calls live`); absent: none shown. */
  events?: CallEventReader;
  /** "Export CSV" from the store; absent: no Export CSV button. */
  exportCalls?: ExportCalls;
  /** The incident monitor's controls (Acknowledge, Mute), when ALERT_CHANNEL is set; the monitor is not ours. */
  incidents?: IncidentControls;
  /** Where Slack requests and Web API errors are counted; absent: not recorded. */
  metrics?: Pick<Metrics, 'slackRequest' | 'slackAck' | 'slackApiError'>;
  /** `/calls status` for ADMIN_SLACK_USERS; absent: `/calls status` is not offered. */
  operations?: OperationsServices;
}

export interface SlackApp {
  app: App;
  services: SlackServices;
  inFlight: InFlight;
  /** Tells everyone whose request is still running that the app restarted (see PendingReplies); how many. */
  tellRestarted(): Promise<number>;
  mode: 'http' | 'socket';
  /** Whether Slack can reach the app now: always in HTTP mode; in Socket Mode, while the WebSocket is connected. */
  slackConnected(): boolean;
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
    // Bolt's respond() posts to response_urls with this fetch too: timed out, and retried when Slack hiccups.
    fetch: createOutgoingFetch({ apiUrl: config.slack.apiUrl }),
    ...deps.clientOptions,
  };
  const pendingReplies = new PendingReplies();
  const outgoingFetch = (clientOptions.fetch ?? fetch) as typeof fetch;
  const metered =
    deps.metrics === undefined ? outgoingFetch : meterSlackApi(outgoingFetch, config.slack.apiUrl, deps.metrics);
  clientOptions.fetch = pendingReplies.guard(metered);
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
    guardSocketEnvelopes(app, logger);
  } else {
    const signingSecret = config.slack.signingSecret?.reveal();
    if (!signingSecret) throw new Error('SLACK_SIGNING_SECRET is required in HTTP mode');
    const receiver = new HTTPReceiver({
      signingSecret,
      endpoints: EVENTS_PATH,
      customRoutes: [...(deps.routes ?? [])],
      logger: boltLog,
      // ack() answers Slack at once; listeners keep working after it (never near the 3-second limit).
      processBeforeResponse: false,
      // Bolt's own handler logs the full URL of a request nothing serves: a near miss of the callback path would
      // write TENCENT_CALLBACK_TOKEN into the logs.
      dispatchErrorHandler: ({ error, request, response }) => {
        const known = error instanceof HTTPReceiverDeferredRequestError;
        const fields = { method: request.method, path: pathForLog(request.url) };
        if (known) logger.info(fields, 'request to a path nothing serves: 404');
        else logger.error({ ...fields, err: error }, 'request failed before reaching a handler: 500');
        response.writeHead(known ? 404 : 500).end();
      },
    });
    gateSlackRequests(receiver, { signingSecret, paths: [EVENTS_PATH], logger });
    app = new App({ ...common, receiver });
  }
  if (deps.metrics !== undefined) meterSlackRequests(app, deps.metrics);
  const slackConnected = socketMode ? trackSocketConnection(app) : () => true;

  const now = deps.now ?? (() => Math.floor(Date.now() / 1000));
  const timeZones =
    deps.timeZones ??
    createUserTimeZones({
      defaultTimeZone: config.defaultTimeZone,
      logger,
      lookup: async (userId) => (await app.client.users.info({ user: userId })).user?.tz,
    });
  const services: SlackServices = {
    ...(deps.names === undefined ? {} : { names: deps.names }),
    ...(deps.events === undefined ? {} : { events: deps.events }),
    ...(deps.exportCalls === undefined ? {} : { exportCalls: deps.exportCalls }),
    search: deps.backend.search,
    demo: deps.backend.demo,
    timeZones,
    identity,
    access: { teamId: identity.teamId, users: config.access.users, channels: config.access.channels },
    defaultTimeZone: config.defaultTimeZone,
    logger,
    now,
    retentionDays: config.store.retentionDays,
    ...(deps.backend.glance === undefined ? {} : { glance: deps.backend.glance }),
    ...(deps.incidents === undefined ? {} : { incidents: deps.incidents }),
    ...(deps.watches === undefined ? {} : { watches: deps.watches }),
    ...(deps.operations === undefined ? {} : { operations: deps.operations }),
    ...(config.publicUrl === undefined ? {} : { publicUrl: config.publicUrl }),
  };

  guardEvents(app, logger);
  const inFlight = new InFlight();
  const track: Middleware<AnyMiddlewareArgs> = ({ next }) => inFlight.track(next);
  app.use(track);
  app.use(pendingReplies.middleware);
  app.use(accessMiddleware(services.access, logger, { demo: services.demo }));
  registerListeners(app, services);

  // The last resort for a listener that threw: logged, never fatal, and never shown to anyone.
  app.error(async (error) => {
    logger.error({ err: error }, 'unhandled error in a Slack listener');
  });
  // What a shutdown that runs out of time tells the people whose requests are still running.
  const tellRestarted = () =>
    pendingReplies.tellAll(outgoingFetch, renderProblem(RESTARTED_MESSAGE, { demo: deps.backend.demo }), (userId) =>
      app.client.views.publish({ user_id: userId, view: renderRestartedHome(config, deps.backend.demo) }),
    );
  return { app, services, inFlight, tellRestarted, mode: socketMode ? 'socket' : 'http', slackConnected };
}

/** Asks Slack who the bot token belongs to. Throws a plain sentence when Slack refuses it. */
export async function whoAmI(config: Config, clientOptions: webApi.WebClientOptions = {}): Promise<SlackIdentity> {
  const client = new webApi.WebClient(config.slack.botToken?.reveal(), {
    slackApiUrl: config.slack.apiUrl,
    logLevel: webApi.LogLevel.ERROR,
    retryConfig: { retries: 2, factor: 2, minTimeout: 500 },
    timeout: 15_000,
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

/** What the app takes (but the identity, which `startApp` asks Slack for), and the HTTP server's own options. */
export interface StartOptions extends Omit<SlackAppDeps, 'config' | 'identity' | 'backend'> {
  /** Closed by `stop()`. */
  backend: SlackAppDeps['backend'] & { close(): Promise<void> };
  /** Default `config.port`; 0 for any free port. */
  port?: number;
  /** Default all interfaces. */
  host?: string;
  /** Timeouts and connection cap of the HTTP server; default SERVER_LIMITS (tests inject short ones). */
  serverLimits?: Partial<ServerLimits>;
}

export interface RunningApp extends SlackApp {
  identity: SlackIdentity;
  /** The port /slack/events (HTTP mode) or /healthz (both modes) listens on. */
  port: number;
  /** `http://127.0.0.1:<port>` */
  url: string;
  /** The HTTP server on `port` (Bolt's receiver in HTTP mode, the route server in Socket Mode). */
  server: Server;
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
  // What is not the server's own goes to the app as given (`routes` serves both).
  const { port: _port, host: _host, serverLimits: _serverLimits, ...appOptions } = options;
  const slackApp = createSlackApp({ ...dropUndefined(appOptions), config, identity });
  const { app, inFlight } = slackApp;
  const listenPort = options.port ?? config.port;

  const limits = { ...SERVER_LIMITS, ...options.serverLimits };
  let server: Server | undefined;
  let health: RouteServer | undefined;
  let port: number;
  if (slackApp.mode === 'http') {
    server = (await app.start(
      options.host === undefined ? listenPort : { port: listenPort, host: options.host },
      serverOptions(limits),
    )) as unknown as Server;
    limitServer(server, limits);
    port = (server.address() as AddressInfo).port;
  } else {
    health = await startRouteServer(listenPort, options.host, options.routes ?? [], limits);
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

  let stopping: Promise<void> | undefined;
  const stop = async ({ timeoutMs = 25_000 } = {}) => {
    logger.info({ inFlight: inFlight.count }, 'stopping: no new requests; finishing those in flight');
    // 1. Stop taking requests. HTTP: the server stops accepting and drops idle keep-alive connections;
    //    Socket Mode: the WebSocket closes.
    const closed = app.stop().catch((error: unknown) => logger.warn({ err: error }, 'closing the Slack receiver'));
    server?.closeIdleConnections();
    // 2. Finish the work in flight (a listener keeps running after its ack: search, respond).
    const finished = await inFlight.idle(timeoutMs);
    if (!finished) {
      logger.warn({ inFlight: inFlight.count }, 'gave up waiting for requests in flight');
      logger.info({ told: await slackApp.tellRestarted() }, 'told the people waiting that the app restarted');
    }
    server?.closeAllConnections();
    await closed;
    await health?.close();
    // 3. Close the backend (the sync, the store, Tencent connections, the demo server).
    await options.backend.close();
    logger.info('stopped');
  };

  return {
    ...slackApp,
    identity,
    port,
    url: `http://127.0.0.1:${port}`,
    server: (server ?? health?.server) as Server,
    stop(stopOptions) {
      stopping ??= stop(stopOptions);
      return stopping;
    },
  };
}
