/**
 * Boots the REAL app wiring (config → backend → startService: the call-record store in a temp DATA_DIR filled by
 * the sync, Bolt's HTTPReceiver, access checks, listeners, /healthz, jobs) on a random port, against:
 * - the fake Slack Web API (`slack`), through SLACK_API_URL;
 * - local response_urls (`responses`);
 * - a demo Tencent server over HTTP: the app's own demo mode by default (`backend.demoServer`), or, with
 *   `tencent: { mode: 'live' }`, a separate demo server the app reaches in live mode (give it a wrong
 *   `appSecretKey` to get Tencent authentication failures).
 * Requests go to `/slack/events` signed exactly as Slack signs them. With `socketMode: true` the app runs in Socket
 * Mode instead (SLACK_APP_TOKEN set) against a fake Socket Mode server (`socket`), and requests go over its
 * WebSocket. See test/support/README.md.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { IncidentControls } from '../../src/calls/incident-store.js';
import type { WireCallRecord } from '../../src/calls/records.js';
import type { CallSearchOptions } from '../../src/calls/search-calls.js';
import { type Config, loadConfig } from '../../src/config/index.js';
import { type DatasetOptions, generateDataset } from '../../src/demo/dataset.js';
import { type DemoServer, type DemoServerOptions, startDemoServer } from '../../src/demo/server.js';
import type { ServerLimits } from '../../src/shared/server-limits.js';
import { createOutgoingFetch, type OutgoingFetchOptions } from '../../src/slack/http/outgoing-fetch.js';
import type { CallRecordsBackend, SyncMode } from '../../src/wiring/backend.js';
import { createCallRecordsBackend } from '../../src/wiring/backend.js';
import { type RunningService, type ServiceOptions, startService } from '../../src/wiring/service.js';
import { type FakeSlack, type FakeSlackOptions, startFakeSlack } from './fake-slack.js';
import { type FakeSocketMode, startFakeSocketMode } from './fake-socket-mode.js';
import { captureLogs, type LogCapture } from './logs.js';
import { type ResponsePost, type ResponseUrlServer, startResponseUrlServer } from './response-urls.js';
import {
  type BlockActionOptions,
  blockAction,
  eventCallback,
  type SendOptions,
  type SentRequest,
  type SlackRequest,
  type SlashCommandFields,
  sendSigned,
  slashCommand,
} from './slack-requests.js';

export const TEST_SIGNING_SECRET_PREFIX = 'test-signing-secret-';

export interface StartTestAppOptions {
  /** Environment on top of the defaults (bot token, signing secret, SLACK_API_URL, PORT=0, DEFAULT_TIMEZONE=UTC). */
  env?: Record<string, string | undefined>;
  /** The demo records: default `{ seed: 7, callsPerDay: 60 }` over the 7 days ending now. */
  dataset?: DatasetOptions;
  /** Changes the generated demo records before any server holds them (e.g. to slip in hostile records). */
  records?: (generated: WireCallRecord[]) => WireCallRecord[];
  /**
   * `demo` (default): the app runs in demo mode (no TENCENT_SDKAPPID); messages say "demo data".
   * `live`: the app runs in live mode against a separate local demo server started with `server` options;
   * `appSecretKey` is the key the app signs with (default the server's own).
   */
  tencent?: { mode: 'demo' } | { mode: 'live'; appSecretKey?: string; server?: Omit<DemoServerOptions, 'records'> };
  slack?: FakeSlackOptions;
  /** Emulate Slack's limit on uses of one response_url (default: unlimited). */
  responseUrlMaxUses?: number;
  search?: CallSearchOptions;
  /** Logger level of the captured logs (default `debug`). */
  logLevel?: string;
  /**
   * How the store is filled: `run` (default) starts the sync and waits for its first pass before returning, so a
   * search reads a filled store; `off` leaves the store empty (write to `backend.store` yourself).
   */
  sync?: SyncMode;
  /**
   * Socket Mode: SLACK_APP_TOKEN is set to the fake's app token, the app connects to a fake Socket Mode server
   * (`socket`) through `apps.connections.open`, and `url` is then its own /healthz server. Send requests with
   * `socket.slashCommand(…)` / `socket.interactive(…)` / `socket.eventsApi(…)`; `send`, `command`, `click` and
   * `event` (HTTP) have nothing to reach in this mode.
   */
  socketMode?: boolean;
  /** Timeout and retries of outgoing requests (response_urls): short ones to test them; default the app's own. */
  outgoing?: Omit<OutgoingFetchOptions, 'apiUrl'>;
  /** Limits of the app's HTTP server (short ones to test them); default the app's own. */
  serverLimits?: Partial<ServerLimits>;
  /** The watch job's check interval (default 60 s) and the callback's body timeout, for tests that need them. */
  realtime?: ServiceOptions['realtime'];
  /** Demo mode's live calls through the callbacks (off by default; pass a clock and timer to drive them). */
  demoCalls?: ServiceOptions['demoCalls'];
  /** Unix seconds for the app (the watch commands, the watch job's expiry); default the real clock. */
  now?: () => number;
  /**
   * The controls (Acknowledge, Mute) of an incident monitor the test runs itself over a store of its own; without
   * them and with ALERT_CHANNEL set, the service runs its own monitor (`running.incidents`).
   */
  incidents?: IncidentControls;
  /** How often the service's own incident monitor checks without new calls (default 60 s). */
  incidentCheckEveryMs?: number;
}

export interface CommandOptions extends Partial<Omit<SlashCommandFields, 'text' | 'response_url'>> {
  /** Default: a fresh local response_url. */
  responseUrl?: { id: string; url: string };
  send?: SendOptions;
}

export interface ClickOptions extends Omit<BlockActionOptions, 'response_url'> {
  /** Default: a fresh local response_url (`null` for none, as from the Home tab). */
  responseUrl?: { id: string; url: string } | null;
  send?: SendOptions;
}

export interface Sent {
  /** The HTTP answer to the request itself (the ack). */
  http: SentRequest;
  /** The id of the response_url the request carried ('' when none). */
  responseId: string;
}

export interface TestApp {
  /** `http://127.0.0.1:<port>` */
  url: string;
  eventsUrl: string;
  signingSecret: string;
  config: Config;
  running: RunningService;
  backend: CallRecordsBackend;
  /** The Tencent-compatible server the app talks to. */
  tencent: DemoServer;
  /** Every record the Tencent server holds (sorted by StartTime). */
  records: WireCallRecord[];
  slack: FakeSlack;
  /** The fake Socket Mode server, with `socketMode: true`. */
  socket?: FakeSocketMode;
  responses: ResponseUrlServer;
  logs: LogCapture;
  /** Signs and sends any request to /slack/events. */
  send(request: SlackRequest, options?: SendOptions): Promise<SentRequest>;
  /** `/calls <text>` from the default person in #support, with a fresh response_url. */
  command(text: string, options?: CommandOptions): Promise<Sent>;
  /** A button click (block_actions) in a message, with a fresh response_url. */
  click(options: ClickOptions): Promise<Sent>;
  /** An Events API event (acked before listeners run: wait for its side effects). */
  event(event: Record<string, unknown>, options?: { teamId?: string }): Promise<SentRequest>;
  /** Waits for the `count`-th accepted post to `responseId` and returns its body. */
  reply(responseId: string, count?: number): Promise<Record<string, unknown>>;
  /**
   * Resolves once the app has finished every command and click it acknowledged (their work after the ack included):
   * the point after which "nothing was sent" means nothing will be. Not for events: Bolt acks those before its
   * middleware runs.
   */
  settled(): Promise<void>;
  /** What Slack (the fakes) refused for breaking a Block Kit limit: empty when everything sent was valid. */
  blockKitErrors(): string[];
  /** Everything the app sent to Slack (Web API arguments, uploads, response_url posts), as one JSON string. */
  everythingSent(): string;
  /**
   * The real-time parts as src/wiring/service.ts wires them (src/wiring/realtime.ts): the callback route and its `stats`, the
   * watch store, the watch DM `job` (`check()` runs the minute's check now), and the `feed` the sync and the
   * callback publish new calls to.
   */
  realtime: RunningService['realtime'] & { feed: CallRecordsBackend['feed'] };
  /** Stops the app (gracefully) and every server. */
  close(): Promise<void>;
}

export async function startTestApp(options: StartTestAppOptions = {}): Promise<TestApp> {
  const closers: Array<() => Promise<void>> = [];
  const closeAll = async () => {
    for (const close of closers.splice(0).reverse()) await close().catch(() => {});
  };
  try {
    const slack = await startFakeSlack(options.slack);
    closers.push(slack.close);
    let socket: FakeSocketMode | undefined;
    if (options.socketMode) {
      socket = await startFakeSocketMode({ slack });
      closers.push(socket.close);
    }
    const responses = await startResponseUrlServer({ maxUses: options.responseUrlMaxUses });
    closers.push(responses.close);
    const generated = generateDataset({ seed: 7, callsPerDay: 60, ...options.dataset });
    const records = options.records === undefined ? generated : options.records(generated);
    const tencentOption = options.tencent ?? { mode: 'demo' };

    let liveServer: DemoServer | undefined;
    const tencentEnv: Record<string, string> = {};
    if (tencentOption.mode === 'live') {
      liveServer = await startDemoServer({ ...tencentOption.server, records });
      closers.push(liveServer.close);
      tencentEnv.TENCENT_SDKAPPID = String(liveServer.sdkAppId);
      tencentEnv.TENCENT_SECRET_KEY = tencentOption.appSecretKey ?? liveServer.secretKey;
      tencentEnv.TENCENT_ADMIN_USER = liveServer.adminUser;
      tencentEnv.TENCENT_API_BASE_URL = liveServer.url;
    }

    // Each app its own embedded store, unless the test points it elsewhere (DATA_DIR or DATABASE_URL in env).
    const dataDir = mkdtempSync(path.join(tmpdir(), 'callkit-app-'));
    closers.push(async () => rmSync(dataDir, { recursive: true, force: true }));
    const signingSecret = `${TEST_SIGNING_SECRET_PREFIX}${randomBytes(8).toString('hex')}`;
    const env = Object.fromEntries(
      Object.entries({
        SLACK_BOT_TOKEN: slack.token,
        SLACK_SIGNING_SECRET: signingSecret,
        SLACK_API_URL: slack.apiUrl,
        PORT: '0',
        DEFAULT_TIMEZONE: 'UTC',
        DATA_DIR: dataDir,
        LOG_LEVEL: options.logLevel ?? 'debug',
        ...(socket === undefined ? {} : { SLACK_APP_TOKEN: slack.appToken }),
        ...tencentEnv,
        ...options.env,
      }).filter((entry): entry is [string, string] => entry[1] !== undefined),
    );
    const config = loadConfig(env);
    const logs = captureLogs(config.logLevel);
    const backend = await createCallRecordsBackend(config, {
      logger: logs.logger,
      demo: { records },
      sync: options.sync ?? 'run',
      ...(options.search === undefined ? {} : { search: options.search }),
    });
    closers.push(() => backend.close());
    await backend.firstSync;
    const running = await startService(config, {
      logger: logs.logger,
      backend,
      port: 0,
      host: '127.0.0.1',
      ...(options.serverLimits === undefined ? {} : { serverLimits: options.serverLimits }),
      // Fail fast in tests: no WebClient retries.
      clientOptions: {
        retryConfig: { retries: 0 },
        ...(options.outgoing === undefined
          ? {}
          : { fetch: createOutgoingFetch({ apiUrl: config.slack.apiUrl, ...options.outgoing }) }),
      },
      ...(options.realtime === undefined ? {} : { realtime: options.realtime }),
      ...(options.now === undefined ? {} : { now: options.now }),
      ...(options.incidents === undefined ? {} : { incidents: options.incidents }),
      ...(options.incidentCheckEveryMs === undefined ? {} : { incidentCheckEveryMs: options.incidentCheckEveryMs }),
      ...(options.demoCalls === undefined ? {} : { demoCalls: options.demoCalls }),
    });
    closers.push(() => running.stop({ timeoutMs: 5_000 }));
    const tencent = liveServer ?? backend.demoServer;
    if (!tencent) throw new Error('no Tencent server: demo mode did not start its demo server');

    const eventsUrl = `${running.url}/slack/events`;
    const send = (request: SlackRequest, sendOptions?: SendOptions) =>
      sendSigned(eventsUrl, signingSecret, request, sendOptions);

    return {
      url: running.url,
      eventsUrl,
      signingSecret,
      config,
      running,
      backend,
      tencent,
      records: tencent.records,
      slack,
      ...(socket === undefined ? {} : { socket }),
      realtime: { ...running.realtime, feed: backend.feed },
      responses,
      logs,
      send,
      async command(text, { responseUrl, send: sendOptions, ...fields } = {}) {
        const target = responseUrl ?? responses.create();
        const http = await send(slashCommand({ ...fields, text, response_url: target.url }), sendOptions);
        return { http, responseId: target.id };
      },
      async click({ responseUrl, send: sendOptions, ...action }) {
        const target = responseUrl === undefined ? responses.create() : responseUrl;
        const http = await send(
          blockAction({
            channelId: 'C0SUPPORT1',
            ...action,
            ...(target === null ? {} : { response_url: target.url }),
          }),
          sendOptions,
        );
        return { http, responseId: target?.id ?? '' };
      },
      event: (event, eventOptions) => send(eventCallback(event, eventOptions)),
      async reply(responseId, count = 1) {
        const posts: ResponsePost[] = await responses.waitForPosts(responseId, { count });
        return (posts[count - 1] as ResponsePost).body;
      },
      async settled() {
        if (!(await running.inFlight.idle(10_000))) throw new Error('the app still has requests in flight after 10 s');
      },
      blockKitErrors: () => [...slack.blockKitErrors, ...responses.blockKitErrors],
      everythingSent: () =>
        JSON.stringify({
          // Arguments only: the bot token legitimately travels in the Authorization header.
          webApi: slack.calls.map(({ method, args }) => ({ method, args })),
          uploads: slack.uploads.map((upload) => upload.bytes.toString('latin1')),
          responses: responses.posts.map(({ id, body }) => ({ id, body })),
        }),
      close: closeAll,
    };
  } catch (error) {
    await closeAll();
    throw error;
  }
}

/** Every text of a message or view, joined: for "does it mention X" asserts. */
/**
 * The text a person sees in a message or view: every string but button values and private_metadata (which now
 * carry CallIds as paging anchors).
 */
export function shownTextOf(message: unknown): string {
  const parts: string[] = [];
  const walk = (value: unknown) => {
    if (typeof value === 'string') parts.push(value);
    else if (Array.isArray(value)) value.forEach(walk);
    else if (value && typeof value === 'object') {
      for (const [key, item] of Object.entries(value)) if (key !== 'value' && key !== 'private_metadata') walk(item);
    }
  };
  walk(message);
  return parts.join('\n');
}

export function textOf(message: unknown): string {
  const parts: string[] = [];
  const walk = (value: unknown) => {
    if (typeof value === 'string') parts.push(value);
    else if (Array.isArray(value)) value.forEach(walk);
    else if (value && typeof value === 'object') Object.values(value).forEach(walk);
  };
  walk(message);
  return parts.join('\n');
}
