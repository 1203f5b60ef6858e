import type { CallRecordsApi, RecordFilter, RecordPage, RequestOptions, ScanOptions } from '../calls/record-source.js';
import type { CallRecord } from '../calls/records.js';
import { TencentError } from '../calls/source-errors.js';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from '../shared/backoff.js';
import type { LogSink } from '../shared/log-sink.js';
import type { Metrics } from '../shared/metrics.js';
import { CALLBACK_NOT_SET } from './error-codes.js';
import {
  callbackSettingSchema,
  callIdResponseSchema,
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
import { resolveEndpoint } from './regions.js';
import { type RawPage, scanPages } from './scan.js';
import { type CallOutcome, TencentTransport } from './transport.js';
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

/** Tencent's callback setting for the SDKAppID (`v4/call_config/get_callback`). */
export interface CallbackSetting {
  url: string;
  commands: string[];
}

const NOOP_LOGGER: LogSink = { debug() {}, info() {}, warn() {}, error() {} };

const DEFAULT_MAX_QPS = 150;

/**
 * Tencent's call-record REST API: one method per command, each with its request body and the zod schema of its
 * answer, over the shared transport (transport.ts: pool, signing, rate limit, retries, typed errors). Records come
 * back normalised.
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
  readonly #transport: TencentTransport;
  readonly #limiter: RateLimiter;
  readonly #maxPagesInFlight: number;
  readonly #logger: LogSink;
  readonly #now: () => number;

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
    this.#now = options.now ?? Date.now;
    this.#logger = options.logger ?? NOOP_LOGGER;
    const retry = { ...DEFAULT_RETRY_POLICY, ...options.retry };
    if (retry.maxAttempts < 1) throw new Error('retry.maxAttempts must be at least 1');
    this.#maxPagesInFlight = Math.max(2, options.scan?.maxPagesInFlight ?? 128);
    this.#limiter =
      options.limiter ?? sharedRateLimiter(`${endpoint.origin}|${options.sdkAppId}`, options.maxQps ?? DEFAULT_MAX_QPS);
    this.#transport = new TencentTransport({
      sdkAppId: options.sdkAppId,
      adminUser: options.adminUser,
      secretKey: options.secretKey,
      origin: endpoint.origin,
      basePath: endpoint.basePath,
      limiter: this.#limiter,
      userSig: new UserSigProvider({
        sdkAppId: options.sdkAppId,
        secretKey: options.secretKey,
        identifier: options.adminUser,
        now: this.#now,
        ...options.userSig,
      }),
      retry,
      connectMs: options.timeouts?.connectMs ?? 5000,
      headersMs: options.timeouts?.headersMs ?? 10_000,
      bodyMs: options.timeouts?.bodyMs ?? 10_000,
      connections: options.connections ?? 128,
      maxResponseBytes: options.maxResponseBytes ?? 16 * 1024 * 1024,
      logger: this.#logger,
      random: options.random ?? Math.random,
      counters: this.stats,
      ...(options.metrics === undefined ? {} : { metrics: options.metrics }),
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
    await this.#transport.close();
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
    const outcome = await this.#transport.call(
      'call_record_http_srv/get_record_by_callid',
      { CallId: callId },
      options,
    );
    if (!outcome.found) return null;
    const parsed = callIdResponseSchema.safeParse(outcome.response);
    if (!parsed.success)
      throw this.#transport.invalid('Tencent answered the CallId lookup without a CallRecord', outcome);
    const normalized = normalizeRecord(parsed.data.CallRecord, Math.floor(this.#now() / 1000));
    if (!normalized.ok) {
      this.stats.invalidRecords += 1;
      throw this.#transport.invalid(`Tencent sent a call record with ${normalized.reason}`, outcome);
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
      outcome = await this.#transport.call('profile/portrait_get', body, options);
    } catch (error) {
      // No account of the request exists: Tencent says so for the whole request.
      if (error instanceof TencentError && error.details.code === ACCOUNT_NOT_FOUND) {
        return { names: new Map(unique.map((id) => [id, null])), failed: [] };
      }
      throw error;
    }
    if (!outcome.found) return { names: new Map(), failed: unique };
    const parsed = portraitResponseSchema.safeParse(outcome.body);
    if (!parsed.success)
      throw this.#transport.invalid('Tencent answered the profile lookup without UserProfileItem', outcome);
    return readPortraitAnswer(unique, parsed.data);
  }

  /** The callback URL and commands set for this SDKAppID, or null when none is set (100301). */
  async getCallback(options: RequestOptions = {}): Promise<CallbackSetting | null> {
    let outcome: CallOutcome;
    try {
      outcome = await this.#transport.call('call_config/get_callback', {}, options);
    } catch (error) {
      if (error instanceof TencentError && error.details.code === CALLBACK_NOT_SET) return null;
      throw error;
    }
    const parsed = callbackSettingSchema.safeParse(outcome.found ? outcome.response : undefined);
    if (!parsed.success) throw this.#transport.invalid('Tencent answered get_callback without a Url', outcome);
    return { url: parsed.data.Url, commands: parsed.data.CallbackCommandList ?? [] };
  }

  /** Sets the one callback URL of this SDKAppID (it replaces whatever was set: check with getCallback first). */
  async setCallback(setting: CallbackSetting, options: RequestOptions = {}): Promise<void> {
    await this.#transport.call(
      'call_config/set_callback',
      { Url: setting.url, CallbackCommandList: setting.commands },
      options,
    );
  }

  async deleteCallback(options: RequestOptions = {}): Promise<void> {
    await this.#transport.call('call_config/delete_callback', {}, options);
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

    const outcome = await this.#transport.call('call_record_http_srv/get_record_by_filter', body, options);
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
    if (!parsed.success)
      throw this.#transport.invalid('Tencent answered the record search without a TotalNum', outcome);
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
}
