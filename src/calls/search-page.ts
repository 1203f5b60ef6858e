import type { PinnedQuery } from './query.js';
import type { CallRecord } from './records.js';

/** Where a call sits in the newest-first order: its StartTime, then its CallId (as `newestFirst` sorts). */
export interface RecordKey {
  startTime: number;
  callId: string;
}

/**
 * What a page is anchored to, so that paging follows the calls rather than their positions (which shift while a
 * range ending "now" keeps gaining calls): `after` (Next) shows the calls right after the last one of the page
 * before; `before` (Previous) those right before the first one of the page after.
 */
export type PageAnchor = { after: RecordKey } | { before: RecordKey };

/** The key of a record (for an anchor). */
export function recordKey(record: RecordKey): RecordKey {
  return { startTime: record.startTime, callId: record.callId };
}

/** One page of a search, what every surface renders. */
export interface SearchPage {
  query: PinnedQuery;
  /** 1-based. */
  page: number;
  pageCount: number;
  pageSize: number;
  /** Matching calls across all pages. */
  total: number;
  /** Newest first. */
  records: CallRecord[];
  /** Plain sentences the reader should see (e.g. where stored history starts, a sync that fails). */
  notices: string[];
  /** Tencent requests this page cost: 0, since pages are read from the store (kept for the audit and --json). */
  upstreamRequests: number;
  /** The anchor this page was found by (absent when it was found by its position). Share keeps it. */
  anchor?: PageAnchor;
}
