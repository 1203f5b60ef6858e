import type { CallRecord } from '../tencent/records.js';
import type { PinnedQuery } from './query.js';

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
  /** Plain sentences the reader should see (e.g. the range was clamped to 7 days). */
  notices: string[];
  /** Upstream requests this page cost (0 when served from the cache). */
  upstreamRequests: number;
}
