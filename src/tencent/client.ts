import { randomInt } from 'node:crypto';
import { type Dispatcher, Pool } from 'undici';
import type { CallRecordsApi, RecordFilter, RecordPage, RequestOptions, ScanOptions } from '../calls/record-source.js';
import type { CallRecord } from '../calls/records.js';
import { TencentError, type TencentErrorKind } from '../calls/source-errors.js';
import { backoffDelay, DEFAULT_RETRY_POLICY, type RetryPolicy } from '../shared/backoff.js';
import type { LogSink } from '../shared/log-sink.js';
import type { Metrics } from '../shared/metrics.js';
import { linkAbort, sleep } from './abort.js';
import {
  CALLBACK_NOT_SET,
  type CodeMeaning,
  codeMeaning,
  httpStatusMeaning,
  isKnownCode,
  networkMeaning,
  RECORDS_NOT_FOUND,
} from './error-codes.js';
import {
  callbackSettingSchema,
  callIdResponseSchema,
  envelopeSchema,
  filterResponseSchema,
  normalizeRecord,
} from './normalize-record.js';
import {
  ACCOUNT_NOT_FOUND,
  type NicknameLookup,
  portraitRequest,
  portraitResponseSchema,
  readPortraitAnswer,
} from './profile-names.js';
import { type RateLimiter, sharedRateLimiter } from './rate-limiter.js';
import { redact, sanitizeError } from './redact.js';
import { resolveEndpoint } from './regions.js';
import { type RawPage, scanPages } from './scan.js';
import { UserSigProvider } from './user-sig.js';

export interface TencentClientOptions {
  sdkAppId: number;
  secretKey: string;
  /** App administrator account used as `identifier`. */
  adminUser: string;
  /** A key of TENCENT_REGION_DOMAINS; default singapore. */
  region?: string;
  /** Full origin overriding the region (TENCENT_API_BASE_URL), e.g. http://127.0.0.1:4000. */
  baseUrl?: string;
  /** Ceiling on requests per second (TENCENT_MAX_QPS); default 150. Ignored when `limiter` is given. */
  maxQps?: number;
  /** A limiter to share; default: the process-wide one for this origin and SDKAppID. */
  limiter?: RateLimiter;
  /**
   * Socket timeouts. Tencent's backend gives up after 3 s, so the defaults sit above that: 5 s to connect,
   * 10 s for the headers and 10 s between body chunks.
   */
  timeouts?: { connectMs?: number; headersMs?: number; bodyMs?: number };
  retry?: Partial<RetryPolicy>;
  /**
   * Connections the pool may open (keep-alive). Default 128: above rate × latency (200/s × 300 ms = 60), so a
   * request granted by the limiter never queues inside undici and then leaves in a burst.
   */
  connections?: number;
  /**
   * Largest answer read, in bytes; a longer one fails as 'invalid-response' without being retried. Default 16 MiB:
   * a page of 100 records is ~40 kB, so only an answer that ignores NumberPerPage (or a broken proxy) gets there,
   * and reading it whole, five times over with retries, could exhaust the process's memory for everybody.
   */
  maxResponseBytes?: number;
  /** Scan tuning: the most pages fetched but not yet consumed. Default 128. */
  scan?: { maxPagesInFlight?: number };
  userSig?: { validitySeconds?: number; renewAfterSeconds?: number };
  logger?: LogSink;
  /** Wall clock in ms (UserSig renewal, pinning a scan's end time); injectable for tests. */
  now?: () => number;
  /** Source of [0, 1) randomness for backoff jitter; injectable for tests. */
  random?: () => number;
  /** Each attempt is counted and timed here (`callkit_tencent_*`); absent: not recorded. */
  metrics?: Pick<Metrics, 'tencentRequest'>;
}

/** Counters since the client was created. */
export interface TencentClientStats {
  /** HTTP requests sent, retries included. */
  requests: number;
  /** Requests that were retries of a failed attempt. */
  retries: number;
  /** Answers that were frequency-limit errors (60007, 60011, 60018, 60019, HTTP 429). */
  rateLimited: number;
  /**
   * Records that came back although they did not match the CallResult/CallType filter that was sent, and were
   * dropped. Non-zero means the API ignores (some of) its filters, so TotalNum counts are not filtered either.
   */
  filterMismatches: number;
  /** Records dropped because they did not have the documented shape. */
  invalidRecords: number;
  /** Records seen twice within one scan (pages shifted) and yielded once. */
  duplicatesDropped: number;
  /** Scan passes repeated because the count changed or a page was short. */
  scanRepairs: number;
  /** Scans that stayed unstable through every pass (some records may have been missed; logged). */
  incompleteScans: number;
}

/** `service/command` under `/v4/`. */
type Command =
  | 'call_record_http_srv/get_record_by_filter'
  | 'call_record_http_srv/get_record_by_callid'
  | 'profile/portrait_get'
  | `call_config/${'get' | 'set' | 'delete'}_callback`;

/** Tencent's callback setting for the SDKAppID (`v4/call_config/get_callback`). */
export interface CallbackSetting {
  url: string;
  commands: string[];
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
type SendOutcome =
  | { found: true; response: unknown; body: unknown; requestId?: string }
  | { found: false; requestId?: string };
type CallOutcome = SendOutcome & { latencyMs: number };

const NOOP_LOGGER: LogSink = { debug() {}, info() {}, warn() {}, error() {} };

const DEFAULT_MAX_QPS = 150;

/**
 * Tencent's call-record REST API over one keep-alive undici Pool, with signing, the shared rate limit, retries,
 * typed errors and normalised records.
 */
export class TencentCallRecordsClient implements CallRecordsApi {
  readonly stats: TencentClientStats = {
    requests: 0,
    retries: 0,
    rateLimited: 0,
    filterMismatches: 0,
    invalidRecords: 0,
    duplicatesDropped: 0,
    scanRepairs: 0,
    incompleteScans: 0,
  };
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
  readonly #maxPagesInFlight: number;
  readonly #logger: LogSink;
  readonly #now: () => number;
  readonly #random: () => number;
  readonly #metrics: TencentClientOptions['metrics'];
  /** Strings that must never leave this object: blanked from every message we pass on. */
  readonly #secrets: () => string[];

  constructor(options: TencentClientOptions) {
    if (!Number.isSafeInteger(options.sdkAppId) || options.sdkAppId <= 0) {
      throw new Error('TENCENT_SDKAPPID must be a positive integer');
    }
    if (options.secretKey === '') throw new Error('TENCENT_SECRET_KEY must not be empty');
    if (options.adminUser === '') throw new Error('TENCENT_ADMIN_USER must not be empty');
    const endpoint = resolveEndpoint({
      ...(options.region === undefined ? {} : { region: options.region }),
      ...(options.baseUrl === undefined ? {} : { baseUrl: options.baseUrl }),
    });
    this.#sdkAppId = options.sdkAppId;
    this.#adminUser = options.adminUser;
    this.#basePath = endpoint.basePath;
    this.#now = options.now ?? Date.now;
    this.#random = options.random ?? Math.random;
    this.#metrics = options.metrics;
    this.#logger = options.logger ?? NOOP_LOGGER;
    this.#retry = { ...DEFAULT_RETRY_POLICY, ...options.retry };
    if (this.#retry.maxAttempts < 1) throw new Error('retry.maxAttempts must be at least 1');
    this.#headersMs = options.timeouts?.headersMs ?? 10_000;
    this.#bodyMs = options.timeouts?.bodyMs ?? 10_000;
    this.#maxResponseBytes = options.maxResponseBytes ?? 16 * 1024 * 1024;
    this.#maxPagesInFlight = Math.max(2, options.scan?.maxPagesInFlight ?? 128);
    this.#limiter =
      options.limiter ?? sharedRateLimiter(`${endpoint.origin}|${options.sdkAppId}`, options.maxQps ?? DEFAULT_MAX_QPS);
    this.#userSig = new UserSigProvider({
      sdkAppId: options.sdkAppId,
      secretKey: options.secretKey,
      identifier: options.adminUser,
      now: this.#now,
      ...options.userSig,
    });
    const secretKey = options.secretKey;
    const userSig = this.#userSig;
    this.#secrets = () => [secretKey, userSig.get()];
    this.#pool = new Pool(endpoint.origin, {
      connections: options.connections ?? 128,
      connect: { timeout: options.timeouts?.connectMs ?? 5000 },
      headersTimeout: this.#headersMs,
      bodyTimeout: this.#bodyMs,
      // Tencent asks for persistent connections; keep idle sockets a while so a scan reuses them.
      keepAliveTimeout: 30_000,
    });
  }

  /** The limiter in use (shared by every client of this origin and SDKAppID unless one was passed in). */
  get limiter(): RateLimiter {
    return this.#limiter;
  }

  /**
   * Closes the connection pool. Callers close once their own work is done (a shutdown after its grace period), so
   * a request still in flight then is abandoned: it is aborted rather than waited for (up to the headers timeout).
   */
  async close(): Promise<void> {
    await this.#pool.destroy();
  }

  toJSON(): Record<string, unknown> {
    return { sdkAppId: this.#sdkAppId, adminUser: this.#adminUser, stats: this.stats };
  }

  async getRecordsByFilter(
    filter: RecordFilter & { page: number; numberPerPage: number },
    options: RequestOptions = {},
  ): Promise<RecordPage> {
    const raw = await this.#fetchFilterPage(filter, filter.page, filter.numberPerPage, options);
    return {
      totalNum: raw.totalNum,
      page: filter.page,
      records: raw.records,
      ...(raw.requestId === undefined ? {} : { requestId: raw.requestId }),
      filterMismatches: raw.filterMismatches,
      invalidRecords: raw.invalidRecords,
    };
  }

  async getRecordByCallId(callId: string, options: RequestOptions = {}): Promise<CallRecord | null> {
    if (callId.trim() === '') throw new TencentError('bad-request', 'A CallId is needed to look up one call.');
    const outcome = await this.#call('call_record_http_srv/get_record_by_callid', { CallId: callId }, options);
    if (!outcome.found) return null;
    const parsed = callIdResponseSchema.safeParse(outcome.response);
    if (!parsed.success) throw this.#invalid('Tencent answered the CallId lookup without a CallRecord', outcome);
    const normalized = normalizeRecord(parsed.data.CallRecord, Math.floor(this.#now() / 1000));
    if (!normalized.ok) {
      this.stats.invalidRecords += 1;
      throw this.#invalid(`Tencent sent a call record with ${normalized.reason}`, outcome);
    }
    return normalized.record;
  }

  /**
   * Nicknames of up to MAX_PORTRAIT_ACCOUNTS accounts (`v4/profile/portrait_get`), through the same signature,
   * limiter and retries as every other request. An account Tencent does not know has no name (null); one it could
   * not answer this time is listed in `failed`. Transport and auth failures throw TencentError, as elsewhere.
   */
  async getNicknames(accounts: readonly string[], options: RequestOptions = {}): Promise<NicknameLookup> {
    const unique = [...new Set(accounts)];
    if (unique.length === 0) return { names: new Map(), failed: [] };
    const body = portraitRequest(unique);
    let outcome: CallOutcome;
    try {
      outcome = await this.#call('profile/portrait_get', body, options);
    } catch (error) {
      // No account of the request exists: Tencent says so for the whole request.
      if (error instanceof TencentError && error.details.code === ACCOUNT_NOT_FOUND) {
        return { names: new Map(unique.map((id) => [id, null])), failed: [] };
      }
      throw error;
    }
    if (!outcome.found) return { names: new Map(), failed: unique };
    const parsed = portraitResponseSchema.safeParse(outcome.body);
    if (!parsed.success) throw this.#invalid('Tencent answered the profile lookup without UserProfileItem', outcome);
    return readPortraitAnswer(unique, parsed.data);
  }

  /** The callback URL and commands set for this SDKAppID, or null when none is set (100301). */
  async getCallback(options: RequestOptions = {}): Promise<CallbackSetting | null> {
    let outcome: CallOutcome;
    try {
      outcome = await this.#call('call_config/get_callback', {}, options);
    } catch (error) {
      if (error instanceof TencentError && error.details.code === CALLBACK_NOT_SET) return null;
      throw error;
    }
    const parsed = callbackSettingSchema.safeParse(outcome.found ? outcome.response : undefined);
    if (!parsed.success) throw this.#invalid('Tencent answered get_callback without a Url', outcome);
    return { url: parsed.data.Url, commands: parsed.data.CallbackCommandList ?? [] };
  }

  /** Sets the one callback URL of this SDKAppID (it replaces whatever was set: check with getCallback first). */
  async setCallback(setting: CallbackSetting, options: RequestOptions = {}): Promise<void> {
    await this.#call('call_config/set_callback', { Url: setting.url, CallbackCommandList: setting.commands }, options);
  }

  async deleteCallback(options: RequestOptions = {}): Promise<void> {
    await this.#call('call_config/delete_callback', {}, options);
  }

  /** TotalNum with the smallest request Tencent allows (NumberPerPage 1); 101050 counts as 0. */
  async countRecords(filter: RecordFilter, options: RequestOptions = {}): Promise<number> {
    const raw = await this.#fetchFilterPage(filter, 1, 1, options);
    return raw.totalNum;
  }

  scan(filter: RecordFilter, options: ScanOptions = {}): AsyncIterable<CallRecord> {
    // Pin an open end to "now" so calls that end during the scan do not shift the pages under it.
    const pinned: RecordFilter =
      filter.endTime === undefined ? { ...filter, endTime: Math.floor(this.#now() / 1000) } : { ...filter };
    const pageSize = options.pageSize ?? 100;
    if (!Number.isInteger(pageSize) || pageSize < 1) throw new RangeError('pageSize must be a positive integer');
    const fetchPage = async (page: number, numberPerPage: number, signal: AbortSignal): Promise<RawPage> => {
      const raw = await this.#fetchFilterPage(pinned, page, numberPerPage, {
        signal,
        ...(options.meter === undefined ? {} : { meter: options.meter }),
      });
      options.onPage?.({
        page,
        totalNum: raw.totalNum,
        exhausted: raw.exhausted === true,
        invalidRecords: raw.invalidRecords,
      });
      return raw;
    };
    const logger = this.#logger;
    const stats = this.stats;
    return scanPages(fetchPage, {
      pageSize,
      ...(options.signal === undefined ? {} : { signal: options.signal }),
      ratePerSecond: this.#limiter.maxQps,
      maxPagesInFlight: this.#maxPagesInFlight,
      events: {
        duplicate() {
          stats.duplicatesDropped += 1;
        },
        repair(reason, pass) {
          stats.scanRepairs += 1;
          logger.warn({ reason, pass }, 'Tencent records shifted during a scan; re-reading the range');
        },
        incomplete(reason) {
          stats.incompleteScans += 1;
          logger.warn({ reason }, 'Tencent records kept shifting during a scan; some records may be missing');
        },
      },
    });
  }

  async #fetchFilterPage(
    filter: RecordFilter,
    page: number,
    numberPerPage: number,
    options: RequestOptions,
  ): Promise<RawPage & { requestId?: string; filterMismatches: number; invalidRecords: number }> {
    if (!Number.isInteger(page) || page < 1) throw new RangeError('page must be a positive integer');
    if (!Number.isInteger(numberPerPage) || numberPerPage < 1) {
      throw new RangeError('numberPerPage must be a positive integer');
    }
    const body: Record<string, unknown> = { NumberPerPage: numberPerPage, Page: page };
    if (filter.startTime !== undefined) body.StartTime = Math.floor(filter.startTime);
    if (filter.endTime !== undefined) body.EndTime = Math.floor(filter.endTime);
    if (filter.callResult !== undefined) body.CallResult = filter.callResult;
    if (filter.callType !== undefined) body.CallType = filter.callType;

    const outcome = await this.#call('call_record_http_srv/get_record_by_filter', body, options);
    const requestId = outcome.requestId;
    const base = { latencyMs: outcome.latencyMs, ...(requestId === undefined ? {} : { requestId }) };
    if (!outcome.found) {
      return {
        ...base,
        totalNum: 0,
        rawCount: 0,
        records: [],
        filterMismatches: 0,
        invalidRecords: 0,
        exhausted: true,
      };
    }

    const parsed = filterResponseSchema.safeParse(outcome.response);
    if (!parsed.success) throw this.#invalid('Tencent answered the record search without a TotalNum', outcome);
    const list = parsed.data.CallRecordList ?? [];
    const records: CallRecord[] = [];
    let mismatches = 0;
    let invalid = 0;
    const nowSeconds = Math.floor(this.#now() / 1000);
    for (const raw of list) {
      const normalized = normalizeRecord(raw, nowSeconds);
      if (!normalized.ok) {
        invalid += 1;
        this.stats.invalidRecords += 1;
        // The first few at warn level; after that a broken field would flood the log, once per record.
        this.#logAt(this.stats.invalidRecords <= 10 ? 'warn' : 'debug')(
          { callId: normalized.callId, reason: normalized.reason, requestId },
          'Dropped a Tencent call record that does not have the documented shape',
        );
        continue;
      }
      const record = normalized.record;
      // Re-check the filters Tencent was asked to apply: a filter the API ignores must never show a wrong record.
      if (
        (filter.callResult !== undefined && record.result !== filter.callResult) ||
        (filter.callType !== undefined && record.callType !== filter.callType)
      ) {
        mismatches += 1;
        continue;
      }
      records.push(record);
    }
    if (mismatches > 0) {
      // Warn once: an API that ignores a filter does so on every page of a scan.
      this.#logAt(this.stats.filterMismatches === 0 ? 'warn' : 'debug')(
        { mismatches, callResult: filter.callResult, callType: filter.callType, requestId },
        'Tencent returned records that do not match the filter it was sent; they were dropped',
      );
      this.stats.filterMismatches += mismatches;
    }
    return {
      ...base,
      totalNum: parsed.data.TotalNum,
      rawCount: list.length,
      records,
      filterMismatches: mismatches,
      invalidRecords: invalid,
    };
  }

  #logAt(level: 'warn' | 'debug'): (obj: object, msg?: string) => void {
    return level === 'warn' ? this.#logger.warn.bind(this.#logger) : this.#logger.debug.bind(this.#logger);
  }

  /**
   * One API call: limiter, send, classify, retry with backoff, all inside one overall deadline and the caller's
   * signal. Returns the `Response` object, or `found: false` for 101050.
   */
  async #call(command: Command, body: object, options: RequestOptions): Promise<CallOutcome> {
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
        this.stats.requests += 1;
        if (options.meter !== undefined) options.meter.requests += 1;
        if (attempts > 1) this.stats.retries += 1;
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
        if (failure.meaning.kind === 'rate-limit') this.stats.rateLimited += 1;
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
  async #send(command: Command, body: object, signal: AbortSignal): Promise<SendOutcome | AttemptFailure> {
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

  #invalid(sentence: string, outcome: { requestId?: string }): TencentError {
    const suffix = outcome.requestId === undefined ? '' : ` (RequestId ${outcome.requestId})`;
    return new TencentError('invalid-response', `${sentence}${suffix}.`, {
      ...(outcome.requestId === undefined ? {} : { requestId: outcome.requestId }),
      attempts: 1,
    });
  }
}
