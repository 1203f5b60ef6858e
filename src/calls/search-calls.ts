import type { CallFilter, CallReader, CallWriter, StoreCoverage } from './call-store.js';
import type { NewCallsFeed } from './new-calls.js';
import type { PinnedQuery } from './query.js';
import type { CallRecordsApi, RequestOptions } from './record-source.js';
import { CALL_TYPES, type CallRecord, MEDIA_TYPES } from './records.js';
import { SearchError } from './search-errors.js';
import type { PageAnchor, RecordKey, SearchPage } from './search-page.js';
import { coverageNotices, historyStartOf, type StoreNoticeContext } from './store-notices.js';
import { formatInstant, isValidTimeZone } from './time-range.js';

export { SearchError, type SearchErrorKind } from './search-errors.js';

export interface SearchCallsOptions extends RequestOptions {
  /**
   * Find the page by a call rather than by its position: the calls right after `after` (Next) or right before
   * `before` (Previous) in the newest-first order. A range ending "now" keeps gaining calls as the sync stores
   * them, so positions shift between one click and the next; calls do not. An anchor outside the searched range
   * (e.g. deleted by retention) is ignored: the page by position.
   */
  anchor?: PageAnchor;
}

export interface CallSearchOptions {
  /** Calls per displayed page. Default 10. */
  pageSize?: number;
  /** Unix seconds; default the real clock. */
  now?: () => number;
}

/** Tencent, for a CallId the store has not seen (and the store, to keep what Tencent found). */
export interface CallLookupFallback {
  api: Pick<CallRecordsApi, 'getRecordByCallId'>;
  writer?: CallWriter;
  /** Told about a call the store did not have, as every writer of the store tells it. */
  feed?: Pick<NewCallsFeed, 'publish'>;
  /** Told when keeping Tencent's answer in the store failed (the answer is still shown). */
  onWriteError?: (error: unknown) => void;
}

/** Most calls of one second read to place an anchor among calls that started in the same second. */
const MAX_TIES = 1_000;
/** A range pinned "ending now" drifts by the seconds between pinning and paging: not worth a notice. */
const DRIFT_SECONDS = 60;

/**
 * Searches answered from the call-record store: a pinned query becomes one `CallFilter`; the total is one count,
 * a page one keyset (or offset) read, newest first, so a search costs no Tencent request whatever its filters.
 * Every page says what the store could not vouch for (coverage notices: history start, first backfill, a failing
 * sync, unreadable records). Only `getCall` may ask Tencent, for a CallId the store has not seen.
 */
export class CallSearch {
  readonly pageSize: number;
  private readonly now: () => number;

  constructor(
    private readonly store: CallReader,
    options: CallSearchOptions = {},
    private readonly fallback?: CallLookupFallback,
  ) {
    this.pageSize = positiveInt(options.pageSize, 10);
    this.now = options.now ?? (() => Math.floor(Date.now() / 1000));
  }

  /**
   * One page (1-based) of a pinned query, newest first. A page past the end shows the last page; below 1 the
   * first. Throws SearchError for a range the store cannot answer, and the store's StoreUnavailableError.
   */
  async searchCalls(query: PinnedQuery, page: number, options: SearchCallsOptions = {}): Promise<SearchPage> {
    const coverage = await this.store.coverage();
    const { range, notices } = this.effectiveRange(query, coverage);
    const filter = filterOf(query, range);
    const total = range.to > range.from ? await this.store.countCalls(filter) : 0;
    const ps = this.pageSize;
    // Previous to page 1 is page 1 itself, the newest calls (those stored since included), not an anchored page.
    const anchor = 'before' in (options.anchor ?? {}) && page <= 1 ? undefined : usableAnchor(options.anchor, range);
    let result = anchor && total > 0 ? await this.anchoredPage(filter, anchor, page, total) : undefined;
    if (result === undefined) {
      const pageCount = pageCountOf(total, ps);
      const shown = clampPage(page, pageCount);
      const records =
        total > 0 ? await this.store.findCalls(filter, { limit: ps, offset: (shown - 1) * ps }) : ([] as CallRecord[]);
      result = { page: shown, pageCount, records };
    }
    return {
      query,
      page: result.page,
      pageCount: result.pageCount,
      pageSize: ps,
      total,
      records: result.records,
      notices,
      upstreamRequests: 0,
      ...(result.anchor ? { anchor: result.anchor } : {}),
    };
  }

  /**
   * One call by its CallId: from the store, else from Tencent (kept in the store for next time); null when
   * neither has it. Tencent's failures pass through as TencentError.
   */
  async getCall(callId: string, options: RequestOptions = {}): Promise<CallRecord | null> {
    const id = callId.trim();
    if (id === '') return null;
    const stored = await this.store.getCall(id);
    if (stored !== null || this.fallback === undefined) return stored;
    const found = await this.fallback.api.getRecordByCallId(id, options);
    const { writer, feed, onWriteError } = this.fallback;
    if (found !== null && writer !== undefined) {
      try {
        const { inserted } = await writer.upsertCalls([found]);
        if (inserted.includes(found.callId)) await feed?.publish([found]);
      } catch (error) {
        onWriteError?.(error);
      }
    }
    return found;
  }

  /**
   * Which of `userIds` the store knows: those with at least one stored call (caller or callee). One indexed lookup
   * of a single row each, so the cost does not grow with the store; callers bound how many they ask about.
   */
  async knownUsers(userIds: readonly string[]): Promise<string[]> {
    const known: string[] = [];
    const to = this.now() + 86_400;
    for (const userId of new Set(userIds)) {
      const filter = { users: [userId], results: [], callTypes: [], mediaTypes: [], from: 0, to };
      if ((await this.store.findCalls(filter, { limit: 1 })).length > 0) known.push(userId);
    }
    return known;
  }

  /** What the store holds of the query's range, and what the reader should be told about it. */
  private effectiveRange(
    query: PinnedQuery,
    coverage: StoreCoverage,
  ): { range: { from: number; to: number }; notices: string[] } {
    const now = this.now();
    const zone = isValidTimeZone(query.timeZone) ? query.timeZone : 'UTC';
    const when = (t: number) => `${formatInstant(t, zone, now)} (${zone})`;
    if (!(query.to > query.from)) {
      throw new SearchError(
        'out-of-range',
        query.to === query.from
          ? `The range is empty: it starts and ends at ${when(query.from)}.`
          : `The range is empty: it ends (${when(query.to)}) before it starts (${when(query.from)}).`,
      );
    }
    if (query.from > now) {
      throw new SearchError(
        'out-of-range',
        `The range starts in the future (${when(query.from)}), so there are no calls in it yet.`,
      );
    }
    const ctx: StoreNoticeContext = { coverage, now, when };
    const notices: string[] = [];
    const historyStart = historyStartOf(coverage, now);
    let from = query.from;
    if (coverage.backfillDone) {
      if (query.to <= historyStart) {
        throw new SearchError(
          'out-of-range',
          `Stored history starts ${when(historyStart)}: the range ending ${when(query.to)} is older, so there are no calls to show.`,
        );
      }
      if (from < historyStart) {
        if (historyStart - from > DRIFT_SECONDS) {
          notices.push(`Stored history starts ${when(historyStart)}: showing calls from then on.`);
        }
        from = historyStart;
      }
    } else {
      // The first backfill works newest first: what it has covered is complete, what lies before is not yet.
      const covered = coverage.coveredFrom ?? query.to;
      if (from < covered) from = Math.min(covered, query.to);
    }
    notices.push(...coverageNotices(ctx, { from: query.from, to: query.to }));
    return { range: { from, to: query.to }, notices };
  }

  /** The page by an anchor, or undefined when the anchor places none (the page by position then). */
  private async anchoredPage(
    filter: CallFilter,
    anchor: PageAnchor,
    requestedPage: number,
    total: number,
  ): Promise<PageResult | undefined> {
    const ps = this.pageSize;
    const records = await this.store.findCalls(filter, { limit: ps, ...anchor });
    // Previous reaching the newest calls, or an anchor past the last call: the page by position says it better.
    if (records.length === 0 || ('before' in anchor && records.length < ps)) return undefined;
    const before = await this.countNewer(filter, records[0] as CallRecord);
    const requested = Number.isFinite(requestedPage) ? Math.floor(requestedPage) : 1;
    const page = before <= 0 ? 1 : Math.max(2, requested);
    const after = Math.max(0, total - before - records.length);
    return { page, pageCount: page + Math.ceil(after / ps), records, anchor };
  }

  /** How many matches come before `key` in the newest-first order. */
  private async countNewer(filter: CallFilter, key: RecordKey): Promise<number> {
    const newer =
      key.startTime + 1 < filter.to ? await this.store.countCalls({ ...filter, from: key.startTime + 1 }) : 0;
    const second = await this.store.findCalls(
      { ...filter, from: key.startTime, to: key.startTime + 1 },
      { limit: MAX_TIES },
    );
    return newer + second.filter((record) => newestFirst(record, key) < 0).length;
  }
}

interface PageResult {
  page: number;
  pageCount: number;
  records: CallRecord[];
  anchor?: PageAnchor;
}

/** The store's filter for a pinned query over `range`; both call types (or both media) is no filter at all. */
export function filterOf(query: PinnedQuery, range: { from: number; to: number }): CallFilter {
  const types = [...new Set(query.callTypes)];
  const media = [...new Set(query.mediaTypes)];
  return {
    users: [...new Set(query.users)],
    results: [...new Set(query.results)],
    callTypes: CALL_TYPES.every((t) => types.includes(t)) ? [] : types,
    mediaTypes: MEDIA_TYPES.every((m) => media.includes(m)) ? [] : media,
    from: range.from,
    to: range.to,
  };
}

/** The anchor when it can place a page in this range; an anchor outside it places nothing. */
function usableAnchor(anchor: PageAnchor | undefined, range: { from: number; to: number }): PageAnchor | undefined {
  if (anchor === undefined) return undefined;
  const at = 'after' in anchor ? anchor.after : anchor.before;
  if (at === undefined || typeof at.callId !== 'string' || at.callId === '' || !Number.isInteger(at.startTime)) {
    return undefined;
  }
  return at.startTime >= range.from && at.startTime < range.to ? anchor : undefined;
}

/** Newest first; calls of the same second by CallId, so the order is stable from one page to the next. */
export function newestFirst(a: RecordKey, b: RecordKey): number {
  return b.startTime - a.startTime || (a.callId < b.callId ? -1 : a.callId > b.callId ? 1 : 0);
}

function pageCountOf(total: number, pageSize: number): number {
  return Math.max(1, Math.ceil(total / pageSize));
}

function clampPage(page: number, pageCount: number): number {
  if (!Number.isFinite(page) || page < 1) return 1;
  return Math.min(Math.floor(page), pageCount);
}

function positiveInt(value: number | undefined, fallback: number): number {
  return value !== undefined && Number.isInteger(value) && value > 0 ? value : fallback;
}
