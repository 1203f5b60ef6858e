/**
 * The domain's view of the call-record store: "a source of call records" that searches, summaries, the glance,
 * exports, incidents and watches read, and that the sync and the Tencent callback write. `store/` implements it
 * (embedded SQLite or PostgreSQL); nothing here knows which.
 *
 * Times are Unix seconds. Ranges are `[from, to)` on a call's StartTime. Lists are newest first: StartTime
 * descending, ties by CallId ascending (the order `RecordKey` anchors follow).
 */

import { AppError } from '../shared/errors.js';
import type { CallRecord, CallResult, CallType, MediaType } from './records.js';
import type { RecordKey } from './search-page.js';

/** What a search asks the store: the filters of a pinned query. Empty lists mean "any". */
export interface CallFilter {
  /** A call matches when any of these users is its caller or one of its callees. */
  users: readonly string[];
  /** Exact `CallResult` strings (unknown results are stored as Tencent sent them). */
  results: readonly (CallResult | (string & {}))[];
  callTypes: readonly (CallType | (string & {}))[];
  mediaTypes: readonly (MediaType | (string & {}))[];
  /** Unix seconds, inclusive. */
  from: number;
  /** Unix seconds, exclusive. */
  to: number;
}

/** How a list is cut: by keyset (`after` / `before` a call) or by position (`offset`). */
export interface FindCallsOptions {
  /** Most calls returned. */
  limit: number;
  /** The calls right after this key in newest-first order (older ones): Next. */
  after?: RecordKey;
  /** The calls right before this key (newer ones), still returned newest first: Previous. */
  before?: RecordKey;
  /** Skip this many calls of the newest-first list (page by position). Ignored with `after`/`before`. */
  offset?: number;
}

/** What the store has reconciled with Tencent, for notices, `/healthz` and the Home tab footer. */
export interface StoreCoverage {
  engine: 'sqlite' | 'postgres';
  /**
   * The earliest StartTime from which the store is known complete (reconciled with Tencent, or kept from an earlier
   * reconcile); null before the first bucket has been reconciled. Complete from here up to `lastSyncAt`.
   */
  coveredFrom: number | null;
  /** The StartTime of the oldest call the store keeps (history may reach past Tencent's 7 days); null when empty. */
  oldestCall: number | null;
  /** When a sync last finished without error; null never. */
  lastSyncAt: number | null;
  /** True once the first backfill of Tencent's whole retained window has finished. */
  backfillDone: boolean;
  /** The last sync failure while it lasts (cleared by a successful sync). */
  syncProblem: SyncProblem | null;
  /**
   * Records Tencent holds in its retained window that failed validation and were skipped, as of the last sync pass
   * (they leave the count once they age out of Tencent's window).
   */
  invalidRecords: number;
  /** Days of history kept (`RETENTION_DAYS`). */
  retentionDays: number;
  /**
   * The last write this process could not make (a full disk, a read-only database), until a write succeeds again;
   * null or absent while writes work. Reads may work all along, so this is the only sign of it.
   */
  writeProblem?: WriteProblem | null;
}

export interface WriteProblem {
  /** Unix seconds of the first failed write of this run of failures. */
  since: number;
  /** The store's sentence (StoreUnavailableError's message). */
  message: string;
}

export interface SyncProblem {
  /** Unix seconds of the failure. */
  at: number;
  /** The failure's kind (a `TencentErrorKind`, or `store` for a database failure). */
  kind: string;
  /** One plain sentence a person can act on (never a secret). */
  message: string;
}

/** Read side: what every search, summary, glance and export uses. */
export interface CallReader {
  findCalls(filter: CallFilter, options: FindCallsOptions): Promise<CallRecord[]>;
  countCalls(filter: CallFilter): Promise<number>;
  /**
   * Calls per fixed-width bucket: index i counts StartTime in `[filter.from + i*width, filter.from + (i+1)*width)`,
   * up to `filter.to`; always `ceil((to - from) / width)` entries, zeros included.
   */
  countCallsByBucket(filter: CallFilter, bucketSeconds: number): Promise<number[]>;
  getCall(callId: string): Promise<CallRecord | null>;
  coverage(): Promise<StoreCoverage>;
}

/** What an upsert changed. */
export interface UpsertResult {
  /** CallIds the store did not have before (new calls: what incidents and watches react to). */
  inserted: string[];
  /** Calls already stored whose fields changed. */
  updated: number;
  /**
   * CallIds the database refused as they are (a value the engine cannot hold); the other calls of their batch are
   * stored all the same. The edge's checks make this rare: it is the last line of defence.
   */
  refused?: string[];
}

/** Write side: the sync and the callback. Upserts are by CallId and idempotent. */
export interface CallWriter {
  upsertCalls(records: readonly CallRecord[]): Promise<UpsertResult>;
}

/** Typed failure of the store itself (database down, file unwritable): "the call-record store is unavailable". */
export class StoreUnavailableError extends AppError {
  override readonly name = 'StoreUnavailableError';
  readonly code = 'store-unavailable';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}
