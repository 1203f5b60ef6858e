import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { WireCallRecord } from '../calls/records.js';
import { checkQuery } from './auth.js';
import { type CallbackSettingState, deleteCallback, getCallback, setCallback } from './callback-config.js';
import { type CommandContext, getRecordByCallId, getRecordByFilter, RETENTION_SECONDS } from './commands.js';
import { generateDataset } from './dataset.js';
import { mulberry32, type Rng } from './prng.js';
import { demoNickname, portraitGet } from './profiles.js';
import { DemoErrorCode, envelope, failure, type Outcome } from './protocol.js';
import { RateWindow } from './rate-window.js';
import { buildRecordIndex } from './record-index.js';

export interface DemoFaults {
  /** 0..1: answer ErrorCode 101001 (after authentication passed). */
  internalErrorRate?: number;
  /**
   * Bursts of 101001 counted in requests, not time: of every `every` requests (after authentication, counted from
   * `setFaults`), the first `length` fail. The first request after `setFaults` is always in a burst.
   */
  internalErrorBursts?: { every: number; length: number };
  /** 0..1: answer HTTP 500 with a non-JSON body. */
  http500Rate?: number;
  /** 0..1: destroy the socket without answering. */
  dropRate?: number;
  /** 0..1: delay the answer by `slowMs` more. */
  slowRate?: number;
  /** Default 3000. */
  slowMs?: number;
  /** 0..1: answer portrait_get (only) with ErrorCode 101001, as a profile service having trouble would. */
  profileErrorRate?: number;
}

export interface DemoServerOptions {
  /** Default 1400000001. */
  sdkAppId?: number;
  /** Default DEMO_SECRET_KEY. */
  secretKey?: string;
  /** Default 'administrator'. */
  adminUser?: string;
  /** Default generateDataset({ seed: 42 }) ending at `now()`. */
  records?: WireCallRecord[];
  /** Cap on NumberPerPage actually honoured; default 100 (the real cap is unknown). */
  maxPageSize?: number;
  /** Requests per sliding 1-second window before answering 60007; default 200. */
  rateLimit?: number;
  /** Order of CallRecordList by StartTime; default 'asc'. */
  order?: 'asc' | 'desc';
  /**
   * Where page k starts when NumberPerPage is above the cap: at (k−1) × the size served (default) or at (k−1) ×
   * the size asked, as a server computing `OFFSET (Page−1) × NumberPerPage` before capping the LIMIT would. The
   * real behaviour is undocumented, so a client must stay exact against both.
   */
  pageOffset?: 'served' | 'asked';
  /** Default true; false ignores CallResult/CallType, to test a client that re-checks. */
  honourFilters?: boolean;
  /** Added to every answer. */
  latencyMs?: number;
  /** The nickname of an account for portrait_get (null: no such account); default `demoNickname`. */
  nicknames?: (userId: string) => string | null;
  faults?: DemoFaults;
  /**
   * Seed of the fault draws; default 1. Faults are drawn from a seeded generator, restarted by `setFaults`, so the
   * n-th draw after a configuration always answers the same: a test sees the same faults on every run.
   */
  faultSeed?: number;
  /** Unix seconds, for the 7-day clamp; default the real clock. */
  now?: () => number;
  /**
   * How long records are kept, in seconds; default 7 days as at Tencent. Shorter makes the server "forget" records
   * sooner, as Tencent does after its 7 days.
   */
  retentionSeconds?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0 (any free port). */
  port?: number;
}

export interface DemoServerStats {
  requests: number;
  byCommand: Record<string, number>;
  rateLimited: number;
  faultsInjected: number;
  maxConcurrent: number;
}

export interface DemoServer {
  /** Origin, e.g. http://127.0.0.1:40123 (what TENCENT_API_BASE_URL takes). */
  url: string;
  sdkAppId: number;
  secretKey: string;
  adminUser: string;
  /** Sorted by StartTime ascending; the server pages from this very array, so do not mutate it. */
  readonly records: WireCallRecord[];
  /**
   * Adds records as if Tencent had just listed them: a call that ended now, possibly with a StartTime hours ago
   * (a long call appears only once it has ended). A CallId already held is replaced. Re-sorts the index.
   */
  addRecords(records: readonly WireCallRecord[]): void;
  /** Live counters, mutated in place (safe to keep a reference). */
  stats: DemoServerStats;
  resetStats(): void;
  setFaults(faults: DemoFaults): void;
  setLatency(ms: number): void;
  setRateLimit(perSecond: number): void;
  /** The callback setting `set_callback` stored (undefined when none): Tencent keeps one per SDKAppID. */
  callbackSetting(): { Url: string; CallbackCommandList: string[] } | undefined;
  close(): Promise<void>;
}

export const DEMO_SDK_APP_ID = 1400000001;
/** Not a secret: the demo server accepts it so that demo mode needs no configuration. */
export const DEMO_SECRET_KEY = 'demo0secret0key0for0the0callkit0slack0demo0server0not0for0real0use';
export const DEMO_ADMIN_USER = 'administrator';

const PATH_PREFIX = '/v4/';
type Handler = (body: Record<string, unknown>, context: CommandContext, callbacks: CallbackSettingState) => Outcome;
/** By `service/command`; stats count them by the command alone. */
const COMMANDS: Readonly<Record<string, Handler>> = {
  'call_record_http_srv/get_record_by_filter': getRecordByFilter,
  'call_record_http_srv/get_record_by_callid': getRecordByCallId,
  'call_config/get_callback': (body, _context, callbacks) => getCallback(body, callbacks),
  'call_config/set_callback': (body, _context, callbacks) => setCallback(body, callbacks),
  'call_config/delete_callback': (body, _context, callbacks) => deleteCallback(body, callbacks),
  // Answered apart (it needs the nicknames and its own fault rate); listed so that its path is known.
  'profile/portrait_get': () => failure(DemoErrorCode.internal, 'portrait_get is answered apart'),
};
type CommandName = string;

// Real request bodies are tiny; anything bigger is refused without being buffered.
const MAX_BODY_BYTES = 64 * 1024;

export async function startDemoServer(options: DemoServerOptions = {}): Promise<DemoServer> {
  const now = options.now ?? (() => Math.floor(Date.now() / 1000));
  const auth = {
    sdkAppId: options.sdkAppId ?? DEMO_SDK_APP_ID,
    secretKey: options.secretKey ?? DEMO_SECRET_KEY,
    adminUser: options.adminUser ?? DEMO_ADMIN_USER,
  };
  let index = buildRecordIndex(options.records ?? generateDataset({ seed: 42, now: now() }));
  const retentionSeconds = options.retentionSeconds ?? RETENTION_SECONDS;
  const maxPageSize = options.maxPageSize ?? 100;
  const order = options.order ?? 'asc';
  const pageOffset = options.pageOffset ?? 'served';
  const honourFilters = options.honourFilters ?? true;
  const nicknames = options.nicknames ?? demoNickname;
  const limiter = new RateWindow(options.rateLimit ?? 200);
  let faults: DemoFaults = { ...options.faults };
  const faultSeed = options.faultSeed ?? 1;
  let draw: Rng = mulberry32(faultSeed);
  /** Requests counted for `internalErrorBursts` since the last `setFaults`. */
  let burstCount = 0;
  const chance = (rate: number | undefined): boolean => rate !== undefined && rate > 0 && draw() < rate;
  let latencyMs = options.latencyMs ?? 0;
  let inFlight = 0;
  const stats: DemoServerStats = { requests: 0, byCommand: {}, rateLimited: 0, faultsInjected: 0, maxConcurrent: 0 };
  const timers = new Set<NodeJS.Timeout>();
  const callbacks: CallbackSettingState = {};

  const delay = (ms: number) =>
    ms <= 0
      ? Promise.resolve()
      : new Promise<void>((resolve) => {
          const timer = setTimeout(() => {
            timers.delete(timer);
            resolve();
          }, ms);
          timers.add(timer);
        });

  function answer(req: IncomingMessage, url: URL, command: CommandName | undefined, body: Body): Outcome {
    if (command === undefined)
      return failure(DemoErrorCode.badResource, `unknown resource ${url.pathname.slice(0, 100)}`);
    if (req.method !== 'POST') return failure(DemoErrorCode.httpParse, 'only POST is supported');
    if (!limiter.tryAdmit()) {
      stats.rateLimited += 1;
      return failure(DemoErrorCode.frequencyLimit, 'REST API call frequency exceeds the limit');
    }
    const denied = checkQuery(url.searchParams, auth, now());
    if (denied !== undefined) return denied;
    const parsed = parseBody(body);
    if (typeof parsed === 'string') return failure(DemoErrorCode.jsonParse, parsed);
    const bursts = faults.internalErrorBursts;
    const inBurst = bursts !== undefined && burstCount++ % Math.max(1, bursts.every) < bursts.length;
    if (inBurst || chance(faults.internalErrorRate)) {
      stats.faultsInjected += 1;
      return failure(DemoErrorCode.internal, 'internal server error, please retry');
    }
    if (command === 'profile/portrait_get') {
      if (chance(faults.profileErrorRate)) {
        stats.faultsInjected += 1;
        return failure(DemoErrorCode.internal, 'internal server error, please retry');
      }
      return portraitGet(parsed, nicknames);
    }
    const context: CommandContext = {
      index,
      now: now(),
      retentionSeconds,
      maxPageSize,
      order,
      pageOffset,
      honourFilters,
    };
    return (COMMANDS[command] as Handler)(parsed, context, callbacks);
  }

  async function onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    stats.requests += 1;
    inFlight += 1;
    stats.maxConcurrent = Math.max(stats.maxConcurrent, inFlight);
    res.once('close', () => {
      inFlight -= 1;
    });
    const url = new URL(req.url ?? '/', 'http://demo.invalid');
    const command = commandOf(url.pathname);
    const counted = command?.slice(command.indexOf('/') + 1) ?? 'other';
    stats.byCommand[counted] = (stats.byCommand[counted] ?? 0) + 1;
    const body = await readBody(req);

    const slow = chance(faults.slowRate);
    const drop = chance(faults.dropRate);
    const http500 = !drop && chance(faults.http500Rate);
    stats.faultsInjected += Number(slow) + Number(drop) + Number(http500);
    // Decided at arrival, so the rate window sees requests when they come, not when their delay ends.
    const outcome = drop || http500 ? undefined : answer(req, url, command, body);

    await delay(latencyMs + (slow ? (faults.slowMs ?? 3000) : 0));
    if (drop) {
      req.socket.destroy();
    } else if (outcome === undefined) {
      res.writeHead(500, { 'content-type': 'text/plain' }).end('Internal Server Error');
    } else {
      const json = JSON.stringify(envelope(outcome));
      res
        .writeHead(200, {
          'content-type': 'application/json; charset=utf-8',
          'content-length': Buffer.byteLength(json),
        })
        .end(json);
    }
  }

  const server = createServer((req, res) => {
    onRequest(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500).end();
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;

  return {
    url: `http://${host}:${address.port}`,
    ...auth,
    get records() {
      return index.records;
    },
    addRecords(added) {
      const replaced = new Set(added.map((record) => record.CallId));
      index = buildRecordIndex([...index.records.filter((record) => !replaced.has(record.CallId)), ...added]);
    },
    stats,
    resetStats() {
      stats.requests = 0;
      stats.byCommand = {};
      stats.rateLimited = 0;
      stats.faultsInjected = 0;
      stats.maxConcurrent = inFlight;
    },
    setFaults(next) {
      faults = { ...next };
      draw = mulberry32(faultSeed);
      burstCount = 0;
    },
    setLatency(ms) {
      latencyMs = ms;
    },
    setRateLimit(perSecond) {
      limiter.setLimit(perSecond);
    },
    callbackSetting: () =>
      callbacks.setting === undefined
        ? undefined
        : { ...callbacks.setting, CallbackCommandList: [...callbacks.setting.CallbackCommandList] },
    close() {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      return new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

function commandOf(pathname: string): CommandName | undefined {
  if (!pathname.startsWith(PATH_PREFIX)) return undefined;
  const name = pathname.slice(PATH_PREFIX.length);
  return Object.hasOwn(COMMANDS, name) ? (name as CommandName) : undefined;
}

/** The raw body, or 'too-large' when it passed the cap (the rest is read and discarded). */
type Body = Buffer | 'too-large';

function readBody(req: IncomingMessage): Promise<Body> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    req.once('end', () => resolve(size > MAX_BODY_BYTES ? 'too-large' : Buffer.concat(chunks)));
    req.once('error', reject);
  });
}

/** The body as an object, or the reason it is not one (answered as 60003). */
function parseBody(body: Body): Record<string, unknown> | string {
  if (body === 'too-large') return 'request body is too large';
  const text = body.toString('utf8');
  if (text.trim() === '') return 'request body is empty: send {} at least';
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return 'request body is not valid JSON';
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'request body must be a JSON object';
  return value as Record<string, unknown>;
}
