import { randomInt } from 'node:crypto';
import { type Dispatcher, Pool } from 'undici';
import type { RequestOptions } from '../calls/record-source.js';
import { TencentError, type TencentErrorKind } from '../calls/source-errors.js';
import { backoffDelay, type RetryPolicy } from '../shared/backoff.js';
import type { LogSink } from '../shared/log-sink.js';
import type { Metrics } from '../shared/metrics.js';
import { linkAbort, sleep } from './abort.js';
import {
  type CodeMeaning,
  codeMeaning,
  httpStatusMeaning,
  isKnownCode,
  networkMeaning,
  RECORDS_NOT_FOUND,
} from './error-codes.js';
import { envelopeSchema } from './normalize-record.js';
import type { RateLimiter } from './rate-limiter.js';
import { redact, sanitizeError } from './redact.js';
import type { UserSigProvider } from './user-sig.js';

/**
 * The HTTP side of Tencent's REST API, shared by every command: one keep-alive undici Pool, the signed query
 * string, the shared rate limit, retries with backoff inside one deadline, the envelope every answer has
 * (ErrorCode, ActionStatus, RequestId) and typed, redacted errors. A command's own request and answer shape live
 * with the method that uses it (TencentCallRecordsClient); this file knows none of them.
 */

/** `service/command` under `/v4/`, e.g. `call_record_http_srv/get_record_by_filter`. */
export type TencentCommand = `${string}/${string}`;

export interface TransportCounters {
  /** HTTP requests sent, retries included. */
  requests: number;
  /** Requests that were retries of a failed attempt. */
  retries: number;
  /** Answers that were frequency-limit errors. */
  rateLimited: number;
}

export interface TencentTransportOptions {
  sdkAppId: number;
  adminUser: string;
  /** Blanked from every message passed on, with the current UserSig. */
  secretKey: string;
  origin: string;
  basePath: string;
  limiter: RateLimiter;
  userSig: UserSigProvider;
  retry: RetryPolicy;
  connectMs: number;
  headersMs: number;
  bodyMs: number;
  connections: number;
  maxResponseBytes: number;
  logger: LogSink;
  random: () => number;
  /** Counted into as requests go (the client's stats object). */
  counters: TransportCounters;
  /** Each attempt is counted and timed here (`callkit_tencent_*`); absent: not recorded. */
  metrics?: Pick<Metrics, 'tencentRequest'>;
}

/** Why one attempt failed, before it becomes a TencentError (which needs the attempt count). */
interface AttemptFailure {
  meaning: CodeMeaning;
  code?: number;
  httpStatus?: number;
  requestId?: string;
  /** Tencent's ErrorInfo, redacted; only shown for codes we have no sentence for. */
  info?: string;
  cause?: Error;
}

/** `response` is the answer's `Response` field; `body` the whole answer (portrait_get has no `Response`). */
export type SendOutcome =
  | { found: true; response: unknown; body: unknown; requestId?: string }
  | { found: false; requestId?: string };
export type CallOutcome = SendOutcome & { latencyMs: number };

export class TencentTransport {
  readonly #sdkAppId: number;
  readonly #adminUser: string;
  readonly #basePath: string;
  readonly #pool: Pool;
  readonly #limiter: RateLimiter;
  readonly #userSig: UserSigProvider;
  readonly #retry: RetryPolicy;
  readonly #headersMs: number;
  readonly #bodyMs: number;
  readonly #maxResponseBytes: number;
  readonly #logger: LogSink;
  readonly #random: () => number;
  readonly #stats: TransportCounters;
  readonly #metrics: TencentTransportOptions['metrics'];
  /** Strings that must never leave this object: blanked from every message we pass on. */
  readonly #secrets: () => string[];

  constructor(options: TencentTransportOptions) {
    this.#sdkAppId = options.sdkAppId;
    this.#adminUser = options.adminUser;
    this.#basePath = options.basePath;
    this.#limiter = options.limiter;
    this.#userSig = options.userSig;
    this.#retry = options.retry;
    this.#headersMs = options.headersMs;
    this.#bodyMs = options.bodyMs;
    this.#maxResponseBytes = options.maxResponseBytes;
    this.#logger = options.logger;
    this.#random = options.random;
    this.#stats = options.counters;
    this.#metrics = options.metrics;
    const secretKey = options.secretKey;
    const userSig = options.userSig;
    this.#secrets = () => [secretKey, userSig.get()];
    this.#pool = new Pool(options.origin, {
      connections: options.connections,
      connect: { timeout: options.connectMs },
      headersTimeout: this.#headersMs,
      bodyTimeout: this.#bodyMs,
      // Tencent asks for persistent connections; keep idle sockets a while so a scan reuses them.
      keepAliveTimeout: 30_000,
    });
  }

  /** Closes the pool; a request still in flight is aborted rather than waited for. */
  async close(): Promise<void> {
    await this.#pool.destroy();
  }

  /**
   * One API call: limiter, send, classify, retry with backoff, all inside one overall deadline and the caller's
   * signal. Returns the `Response` object, or `found: false` for 101050.
   */
  async call(command: TencentCommand, body: object, options: RequestOptions): Promise<CallOutcome> {
    const policy = this.#retry;
    const started = performance.now();
    const link = linkAbort(options.signal, policy.deadlineMs);
    let last: AttemptFailure | undefined;
    let attempts = 0;
    try {
      for (;;) {
        try {
          await this.#limiter.acquire(link.signal);
        } catch {
          throw this.#stopped(link.timedOut, last, attempts, options.signal);
        }
        attempts += 1;
        this.#stats.requests += 1;
        if (options.meter !== undefined) options.meter.requests += 1;
        if (attempts > 1) this.#stats.retries += 1;
        const sentAt = performance.now();
        const record = (outcome: string) =>
          this.#metrics?.tencentRequest(command, outcome, (performance.now() - sentAt) / 1000);
        let failure: AttemptFailure;
        try {
          const outcome = await this.#send(command, body, link.signal);
          if ('meaning' in outcome) failure = outcome;
          else {
            record(outcome.found ? 'ok' : 'not-found');
            return { ...outcome, latencyMs: performance.now() - sentAt };
          }
        } catch (error) {
          if (link.signal.aborted) {
            record('aborted');
            throw this.#stopped(link.timedOut, last, attempts, options.signal);
          }
          failure = this.#networkFailure(error);
        }
        record(failure.meaning.kind);
        last = failure;
        if (failure.meaning.kind === 'rate-limit') this.#stats.rateLimited += 1;
        const retryable = failure.meaning.kind === 'rate-limit' || failure.meaning.kind === 'transient';
        if (!retryable || attempts >= policy.maxAttempts) throw this.#toError(failure, attempts);
        const delay = backoffDelay(attempts, policy, this.#random);
        if (performance.now() - started + delay >= policy.deadlineMs) {
          throw this.#stopped(true, failure, attempts, options.signal);
        }
        this.#logger.warn(
          {
            command,
            attempt: attempts,
            kind: failure.meaning.kind,
            code: failure.code,
            httpStatus: failure.httpStatus,
            requestId: failure.requestId,
            delayMs: delay,
          },
          'Tencent request failed; retrying',
        );
        try {
          await sleep(delay, link.signal);
        } catch {
          throw this.#stopped(link.timedOut, last, attempts, options.signal);
        }
      }
    } finally {
      link.dispose();
    }
  }

  /** Sends one request. Resolves with the outcome or an AttemptFailure; throws only network errors. */
  async #send(command: TencentCommand, body: object, signal: AbortSignal): Promise<SendOutcome | AttemptFailure> {
    // Only this function ever sees the URL with the UserSig; it is never logged, stored or put in an error.
    const query = new URLSearchParams({
      sdkappid: String(this.#sdkAppId),
      identifier: this.#adminUser,
      usersig: this.#userSig.get(),
      random: String(randomInt(0, 2 ** 32)),
      contenttype: 'json',
    });
    const response = await this.#pool.request({
      method: 'POST',
      path: `${this.#basePath}/v4/${command}?${query.toString()}`,
      headers: { 'content-type': 'application/json' },
      // Tencent refuses an empty body; every command has at least one field, and {} would do otherwise.
      body: JSON.stringify(body),
      signal,
      headersTimeout: this.#headersMs,
      bodyTimeout: this.#bodyMs,
    });
    if (response.statusCode !== 200) {
      await response.body.dump().catch(() => {});
      return { meaning: httpStatusMeaning(response.statusCode), httpStatus: response.statusCode };
    }
    const text = await this.#readText(response.body);
    if (text === undefined) {
      const mb = Math.round((this.#maxResponseBytes / 1024 / 1024) * 10) / 10;
      return { meaning: { kind: 'invalid-response', sentence: `Tencent answered with more than ${mb} MB` } };
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      return { meaning: { kind: 'invalid-response', sentence: 'Tencent answered with something that is not JSON' } };
    }
    const envelope = envelopeSchema.safeParse(json);
    if (!envelope.success) {
      return {
        meaning: { kind: 'invalid-response', sentence: 'Tencent answered without the ErrorCode every answer has' },
      };
    }
    const { ErrorCode: code, ActionStatus: status, RequestId, ErrorInfo } = envelope.data;
    const requestId = RequestId ?? undefined;
    const withId = requestId === undefined ? {} : { requestId };
    if (code === RECORDS_NOT_FOUND) return { found: false, ...withId };
    if (code !== 0) {
      // Tencent says the UserSig expired: sign a new one next time (this request still fails, see codeMeaning).
      if (code === 70001) this.#userSig.invalidate();
      const info = ErrorInfo ? redact(ErrorInfo, this.#secrets()).slice(0, 120) : undefined;
      return { meaning: codeMeaning(code), code, ...withId, ...(info ? { info } : {}) };
    }
    if (status !== undefined && status !== 'OK') {
      return {
        meaning: { kind: 'invalid-response', sentence: 'Tencent answered ErrorCode 0 without ActionStatus OK' },
        code,
        ...withId,
      };
    }
    return { found: true, response: envelope.data.Response, body: json, ...withId };
  }

  /** The body as text, or undefined (and the connection dropped) once it passes maxResponseBytes. */
  async #readText(body: Dispatcher.ResponseData['body']): Promise<string | undefined> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of body) {
      size += (chunk as Buffer).length;
      if (size > this.#maxResponseBytes) {
        body.destroy();
        return undefined;
      }
      chunks.push(chunk as Buffer);
    }
    return Buffer.concat(chunks, size).toString('utf8');
  }

  #networkFailure(error: unknown): AttemptFailure {
    const meaning = networkMeaning(error) ?? {
      kind: 'transient' as const,
      sentence: 'The request to Tencent failed on the network',
    };
    return { meaning, cause: sanitizeError(error, this.#secrets()) };
  }

  #toError(failure: AttemptFailure, attempts: number): TencentError {
    const parts: string[] = [];
    if (failure.code !== undefined) parts.push(`ErrorCode ${failure.code}`);
    // Tencent's own ErrorInfo only helps where we have no sentence of our own for the code.
    if (failure.info !== undefined && failure.code !== undefined && !isKnownCode(failure.code)) {
      parts.push(`"${failure.info}"`);
    }
    if (failure.httpStatus !== undefined) parts.push(`HTTP ${failure.httpStatus}`);
    if (failure.requestId !== undefined) parts.push(`RequestId ${failure.requestId}`);
    if (attempts > 1) parts.push(`gave up after ${attempts} attempts`);
    const message = `${failure.meaning.sentence}${parts.length > 0 ? ` (${parts.join(', ')})` : ''}.`;
    return new TencentError(failure.meaning.kind, redact(message, this.#secrets()), {
      ...(failure.code === undefined ? {} : { code: failure.code }),
      ...(failure.httpStatus === undefined ? {} : { httpStatus: failure.httpStatus }),
      ...(failure.requestId === undefined ? {} : { requestId: failure.requestId }),
      attempts,
      ...(failure.cause === undefined ? {} : { cause: failure.cause }),
    });
  }

  /** The deadline passed, or the caller aborted: a 'deadline' error saying which, and the last problem seen. */
  #stopped(
    timedOut: boolean,
    last: AttemptFailure | undefined,
    attempts: number,
    callerSignal: AbortSignal | undefined,
  ): TencentError {
    const cancelled = !timedOut && callerSignal?.aborted === true;
    const lastProblem = last === undefined ? '' : `; last problem: ${last.meaning.sentence}`;
    const tries = `${attempts} attempt${attempts === 1 ? '' : 's'}`;
    const sentence = cancelled
      ? `The Tencent request was cancelled (${tries}${lastProblem}).`
      : `Tencent did not answer within ${Math.round(this.#retry.deadlineMs / 100) / 10} s; try again in a moment (${tries}${lastProblem}).`;
    const kind: TencentErrorKind = 'deadline';
    return new TencentError(kind, redact(sentence, this.#secrets()), {
      ...(last?.code === undefined ? {} : { code: last.code }),
      ...(last?.httpStatus === undefined ? {} : { httpStatus: last.httpStatus }),
      ...(last?.requestId === undefined ? {} : { requestId: last.requestId }),
      attempts,
      ...(last === undefined ? {} : { cause: this.#toError(last, attempts) }),
    });
  }

  /** A TencentError for an answer that lacks what the command promises (never retried). */
  invalid(sentence: string, outcome: { requestId?: string }): TencentError {
    const suffix = outcome.requestId === undefined ? '' : ` (RequestId ${outcome.requestId})`;
    return new TencentError('invalid-response', `${sentence}${suffix}.`, {
      ...(outcome.requestId === undefined ? {} : { requestId: outcome.requestId }),
      attempts: 1,
    });
  }
}
