/**
 * `POST /tencent/callback/<TENCENT_CALLBACK_TOKEN>`: the HTTP side of Tencent's end-of-call callback. The record is
 * stored BEFORE the answer (so a search right after sees it), then the calls the store did not have are published
 * to the new-calls feed (watches, incidents). Mounted by src/wiring/service.ts (through src/wiring/realtime.ts) as a Bolt custom
 * route in HTTP mode, and on the route server in Socket Mode.
 *
 * Everything refused gets a 4xx and stores nothing, and is counted in a log line that shows the path as
 * `/tencent/callback/[redacted]`. A wrong token answers exactly like a path that does not exist (Bolt's bare 404)
 * and without reading the body, so it tells a prober nothing.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { CallRefusedError, createBatchedUpserts } from '../calls/batched-upserts.js';
import type { CallWriter } from '../calls/call-store.js';
import type { NewCallsFeed } from '../calls/new-calls.js';
import type { Logger } from '../shared/logger.js';
import type { Metrics } from '../shared/metrics.js';
import {
  CALLBACK_OK,
  CALLBACK_PATH_PREFIX,
  type CallbackRejection,
  checkCallbackQuery,
  END_CALL_COMMAND,
  MAX_CALLBACK_BODY_BYTES,
  parseCallbackBody,
  REDACTED_CALLBACK_PATH,
  REJECTION_STATUS,
  secretEquals,
  tokenOfPath,
} from './callback-request.js';

export interface CallbackRouteOptions {
  /** TENCENT_CALLBACK_TOKEN. */
  token: string;
  /** TENCENT_SDKAPPID, or the demo server's SDKAppID in demo mode. */
  sdkAppId: number;
  /** TENCENT_CALLBACK_SIGN_TOKEN. */
  signToken?: string;
  store: Pick<CallWriter, 'upsertCalls'> & {
    /**
     * Counts a refused record among the unreadable ones (/healthz, App Home, search notices). The next sync pass
     * replaces the count with its own, which includes the same record if Tencent's records still have it.
     */
    addInvalidRecords?(count: number): Promise<void>;
  };
  /** Gets the calls the store did not have yet. */
  feed?: Pick<NewCallsFeed, 'publish'>;
  logger: Logger;
  /** Unix seconds; default the real clock. */
  now?: () => number;
  /** A body still arriving after this long is cut off (408). Default 10 s. */
  bodyTimeoutMs?: number;
  /** Rejections of one reason are logged at most once per this window, with their count. Default 10 s. */
  logWindowMs?: number;
  /** Every callback is counted here by command and outcome (`callkit_callbacks_total`); absent: not recorded. */
  metrics?: Pick<Metrics, 'callback'>;
}

/** The command as a metric label: Tencent's end-of-call command, `other`, or `unknown` (not said, or refused first). */
function commandLabel(command: string | undefined): string {
  if (command === undefined) return 'unknown';
  return command === END_CALL_COMMAND ? END_CALL_COMMAND : 'other';
}

export interface CallbackStats {
  stored: number;
  /** Valid callbacks for a call already stored (a retry, or a forward of the same body). */
  duplicates: number;
  ignored: number;
  rejected: Partial<Record<CallbackRejection | 'store-failed', number>>;
}

/** Shaped like a Bolt `CustomRoute`, plus `matches` for the Socket Mode route server. */
export interface CallbackRoute {
  path: string;
  method: string[];
  handler(req: IncomingMessage, res: ServerResponse): void;
  matches(pathname: string): boolean;
  stats: CallbackStats;
  /** Writes the rejection counts still waiting for their log line. */
  flushLog(): void;
}

const JSON_HEADERS = { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' };
const OK_BODY = JSON.stringify(CALLBACK_OK);
/** Every method, so that no other handler (Bolt's 404 logs the URL) ever sees the secret path. */
const ALL_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];

type BodyOutcome = { ok: true; text: string } | { ok: false; reason: 'too-large' | 'slow-body' };

export function createCallbackRoute(options: CallbackRouteOptions): CallbackRoute {
  const logger = options.logger.child({ component: 'tencent-callback' });
  const now = options.now ?? (() => Math.floor(Date.now() / 1000));
  const bodyTimeoutMs = options.bodyTimeoutMs ?? 10_000;
  const stats: CallbackStats = { stored: 0, duplicates: 0, ignored: 0, rejected: {} };
  const rejectionLog = createRejectionLog(logger, stats, options.logWindowMs ?? 10_000);
  // Callbacks that arrive while one is being written are written together (group commit): see batched-upserts.ts.
  const writes = createBatchedUpserts(options.store);

  const count = (command: string | undefined, outcome: string) =>
    options.metrics?.callback(commandLabel(command), outcome);

  function reject(
    req: IncomingMessage,
    res: ServerResponse,
    reason: CallbackRejection,
    detail?: string,
    command?: string,
  ): void {
    rejectionLog.count(reason, detail);
    count(command, reason);
    const status = REJECTION_STATUS[reason];
    const closeAfter = reason === 'too-large' || reason === 'slow-body';
    if (reason === 'wrong-token') {
      // Byte for byte what Bolt answers for a route that does not exist.
      res.writeHead(404).end();
      return;
    }
    const headers = closeAfter ? { ...JSON_HEADERS, connection: 'close' } : JSON_HEADERS;
    const body = JSON.stringify({ ActionStatus: 'FAIL', ErrorInfo: reason, ErrorCode: status });
    res.writeHead(status, headers).end(body, () => {
      // Stop reading a body we refused: the rest of it is never wanted.
      if (closeAfter) req.socket.destroy();
    });
  }

  async function countInvalidRecord(): Promise<void> {
    try {
      await options.store.addInvalidRecords?.(1);
    } catch (error) {
      // The answer is already sent; a count that could not be written only makes the health figure low.
      logger.warn({ err: error }, 'could not count a refused callback record as unreadable');
    }
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://callback.invalid');
    const token = tokenOfPath(url.pathname);
    if (token === undefined || !secretEquals(options.token, token)) return reject(req, res, 'wrong-token');
    if (req.method !== 'POST') return reject(req, res, 'wrong-method');
    const query = checkCallbackQuery(url.searchParams, {
      sdkAppId: options.sdkAppId,
      ...(options.signToken === undefined ? {} : { signToken: options.signToken }),
      now: now(),
    });
    if (!query.ok) return reject(req, res, query.reason);

    const body = await readBody(req, MAX_CALLBACK_BODY_BYTES, bodyTimeoutMs);
    if (!body.ok) return reject(req, res, body.reason, undefined, query.command);
    const parsed = parseCallbackBody(body.text, query.command, now());
    if (!parsed.ok) {
      reject(req, res, parsed.reason, parsed.detail, query.command);
      if (parsed.reason === 'invalid-record') await countInvalidRecord();
      return;
    }
    if (parsed.kind === 'ignored') {
      stats.ignored += 1;
      count(parsed.command, 'ignored');
      logger.debug({ command: parsed.command }, 'tencent callback ignored: not the end of a call');
      res.writeHead(200, JSON_HEADERS).end(OK_BODY);
      return;
    }

    let inserted: boolean;
    try {
      ({ inserted } = await writes.upsert(parsed.record));
    } catch (error) {
      if (error instanceof CallRefusedError) {
        // A value no store can hold: a 4xx, as for any invalid record, so that Tencent does not retry it for ever.
        reject(req, res, 'invalid-record', error.message, END_CALL_COMMAND);
        await countInvalidRecord();
        return;
      }
      // Not stored, so not OK: the sync repairs the call from Tencent's records later. Counted like the other
      // refusals: with the store down every callback fails the same way, and one stack each would flood the logs.
      rejectionLog.count('store-failed', `the store failed: ${errorMessage(error)}`);
      count(END_CALL_COMMAND, 'store-failed');
      res
        .writeHead(503, JSON_HEADERS)
        .end(JSON.stringify({ ActionStatus: 'FAIL', ErrorInfo: 'store', ErrorCode: 503 }));
      return;
    }
    res.writeHead(200, JSON_HEADERS).end(OK_BODY);
    if (!inserted) {
      stats.duplicates += 1;
      count(END_CALL_COMMAND, 'duplicate');
      return;
    }
    stats.stored += 1;
    count(END_CALL_COMMAND, 'stored');
    logger.debug({ callId: parsed.record.callId.slice(0, 80) }, 'tencent callback stored a new call');
    await options.feed?.publish([parsed.record]);
  }

  return {
    path: `${CALLBACK_PATH_PREFIX}:token`,
    method: ALL_METHODS,
    handler(req, res) {
      handle(req, res).catch((error: unknown) => {
        logger.error({ err: error, path: REDACTED_CALLBACK_PATH }, 'tencent callback failed');
        if (!res.headersSent) res.writeHead(500).end();
        else res.destroy();
      });
    },
    matches: (pathname) => tokenOfPath(pathname) !== undefined,
    stats,
    flushLog: () => rejectionLog.flush(),
  };
}

/**
 * Reads at most `limit` bytes: a longer body (by its Content-Length, or as it arrives) and a body still arriving
 * after `timeoutMs` stop being read at once.
 */
function readBody(req: IncomingMessage, limit: number, timeoutMs: number): Promise<BodyOutcome> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) return Promise.resolve({ ok: false, reason: 'too-large' });
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const finish = (outcome: BodyOutcome) => {
      clearTimeout(timer);
      req.off('data', onData).off('end', onEnd).off('error', onError);
      if (!outcome.ok) req.pause();
      resolve(outcome);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) finish({ ok: false, reason: 'too-large' });
      else chunks.push(chunk);
    };
    const onEnd = () => finish({ ok: true, text: Buffer.concat(chunks, size).toString('utf8') });
    const onError = () => finish({ ok: false, reason: 'slow-body' });
    const timer = setTimeout(() => finish({ ok: false, reason: 'slow-body' }), timeoutMs);
    req.on('data', onData).once('end', onEnd).once('error', onError);
  });
}

/**
 * Counts rejections and logs them without flooding: the first of a reason at once, the others of the next window in
 * one line with their count. Totals since start ride on every line.
 */
function createRejectionLog(logger: Logger, stats: CallbackStats, windowMs: number) {
  type Reason = CallbackRejection | 'store-failed';
  const pending = new Map<Reason, number>();
  let timer: NodeJS.Timeout | undefined;
  const write = (reason: Reason, count: number, detail?: string) => {
    const failed = reason === 'store-failed';
    logger[failed ? 'error' : 'warn'](
      {
        path: REDACTED_CALLBACK_PATH,
        reason,
        status: failed ? 503 : REJECTION_STATUS[reason],
        count,
        ...(detail === undefined ? {} : { detail }),
        rejectedTotal: stats.rejected,
      },
      failed ? 'tencent callback not stored: the store failed' : 'tencent callback refused',
    );
  };
  const flush = () => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    for (const [reason, count] of pending) if (count > 0) write(reason, count);
    pending.clear();
  };
  return {
    count(reason: Reason, detail?: string) {
      stats.rejected[reason] = (stats.rejected[reason] ?? 0) + 1;
      if (pending.has(reason)) {
        pending.set(reason, (pending.get(reason) ?? 0) + 1);
        return;
      }
      pending.set(reason, 0);
      write(reason, 1, detail);
      timer ??= setTimeout(flush, windowMs).unref();
    },
    flush,
  };
}

/** An error's first line, short: the store's own words (the logger removes any credential from them). */
function errorMessage(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return (text.split('\n', 1)[0] ?? '').slice(0, 300);
}
