import type { CallRecordsApi, RecordFilter, RecordPage, RequestOptions } from '../tencent/call-records-api.js';
import { allOrAbort } from './all-or-abort.js';
import { LruCache } from './match-cache.js';
import type { PinnedQuery } from './query.js';
import { CALL_TYPES, type CallRecord, type CallResult, type CallType, MEDIA_TYPES } from './records.js';
import { SearchError } from './search-errors.js';
import type { PageAnchor, RecordKey, SearchPage } from './search-page.js';
import { formatInstant, isValidTimeZone, RETENTION_SECONDS } from './time-range.js';

export { SearchError, type SearchErrorKind } from './search-errors.js';

export interface SearchCallsOptions extends RequestOptions {
  /**
   * Find the page by a call rather than by its position: the calls right after `after` (Next) or right before
   * `before` (Previous) in the newest-first order. A range ending "now" keeps gaining calls (Tencent lists a call
   * once it has ended), so positions shift between one process (or one cache entry) and the next; calls do not.
   * An anchor outside the searched range (e.g. it aged out of Tencent's 7 days) is ignored: the page by position.
   */
  anchor?: PageAnchor;
}

export interface CallSearchOptions {
  /** Calls per displayed page. Default 10. */
  pageSize?: number;
  /** Most calls one scan may go through before the search is refused as too broad. Default 50,000. */
  scanLimit?: number;
  /**
   * How long a scan's matches (and the API pages of a direct search) stay reusable. Default 30 minutes, the life
   * of a Slack response_url: Tencent lists a call only once it has ended, so a range ending "now" keeps growing,
   * and only the cache keeps the set a person pages through the same while they page.
   */
  cacheTtlMs?: number;
  /** Most searches kept in the cache. Default 100. */
  cacheMaxEntries?: number;
  /** Most records kept in the cache, over all searches. Default 100,000. */
  cacheMaxRecords?: number;
  /** Unix seconds; default the real clock. */
  now?: () => number;
  /** NumberPerPage asked of Tencent; it may honour less. Default 100. */
  upstreamPageSize?: number;
}

/**
 * How a search reaches Tencent. Tencent filters on time, on ONE CallResult and on ONE CallType; nothing else.
 *
 * Direct paging (no user or media filter, at most one result): TotalNum and Tencent's own paging are used, and
 * only the API pages that the displayed page needs are fetched. Page 1 of the API tells the total, the page
 * size Tencent really honours, and the order it lists in (first vs last StartTime of the page). Displayed
 * calls are numbered newest first: call i sits at position i of Tencent's list when Tencent lists newest
 * first, and at position TotalNum−1−i when it lists oldest first; position q is on API page ⌊q/size⌋+1, asked
 * with NumberPerPage = size. Every page fetched is checked (same TotalNum, the expected length, nothing dropped
 * by the client, sorted the detected way, inside the range, no CallId already on another page); when a check fails the search starts again once, then falls back to a scan, so a wrong assumption
 * never shows a call twice or skips one. When the order cannot be told (every call of page 1 started in the
 * same second, or the page is not sorted), the search scans.
 *
 * Scanning (a user or media filter, several results, or the fallback): the range is scanned with the API
 * filters that still apply, filtered here, sorted newest first (ties by CallId), and the matches are cached,
 * so that further pages cost nothing. Several results are the cheapest of: one filtered scan per result, or
 * one scan of everything in the range; a few TotalNum counts (sent together) tell which, and tell whether the
 * scan stays within `scanLimit`.
 *
 * Both kinds of cache entry are keyed by the pinned query, so a page reached by a button shows the same set.
 */
export class CallSearch {
  readonly pageSize: number;
  private readonly scanLimit: number;
  private readonly upstreamPageSize: number;
  private readonly now: () => number;
  private readonly cache: LruCache<CacheValue>;

  constructor(
    private readonly api: CallRecordsApi,
    options: CallSearchOptions = {},
  ) {
    this.pageSize = positiveInt(options.pageSize, 10);
    this.scanLimit = positiveInt(options.scanLimit, 50_000);
    this.upstreamPageSize = positiveInt(options.upstreamPageSize, 100);
    this.now = options.now ?? (() => Math.floor(Date.now() / 1000));
    this.cache = new LruCache<CacheValue>({
      maxEntries: options.cacheMaxEntries ?? 100,
      maxWeight: options.cacheMaxRecords ?? 100_000,
      ttlMs: options.cacheTtlMs ?? 30 * 60_000,
      now: () => this.now() * 1000,
    });
  }

  /**
   * One page (1-based) of a pinned query, newest first. A page past the end shows the last page; below 1 the
   * first. Throws SearchError for a range Tencent cannot answer or one too broad to scan; Tencent's failures
   * pass through as TencentError.
   */
  async searchCalls(query: PinnedQuery, page: number, options: SearchCallsOptions = {}): Promise<SearchPage> {
    const meter = { requests: 0 };
    const inner: RequestOptions = { signal: options.signal, meter };
    try {
      const { from, notices } = this.effectiveRange(query);
      const plan = planOf(query, from);
      const key = cacheKey(query);
      // Previous to page 1 is page 1 itself, the newest calls (those listed since included), not an anchored page.
      const anchor = 'before' in (options.anchor ?? {}) && page <= 1 ? undefined : usableAnchor(options.anchor, plan);
      let result: PageResult | undefined;
      // A direct search that once fell back to a scan keeps using the scan's cached matches.
      if (plan.direct && !this.hasCachedScan(key)) {
        const anchored = anchor ? await this.directAnchoredPage(plan, key, page, anchor, inner) : 'nominal';
        result = anchored === 'nominal' ? await this.directPage(plan, key, page, inner) : anchored;
      }
      if (result === undefined) {
        const matches = await this.scanMatches(plan, key, inner);
        result = anchor ? anchoredSlice(matches, anchor, page, this.pageSize) : undefined;
        if (result === undefined) {
          const pageCount = pageCountOf(matches.length, this.pageSize);
          const shown = clampPage(page, pageCount);
          result = {
            total: matches.length,
            page: shown,
            records: matches.slice((shown - 1) * this.pageSize, shown * this.pageSize),
          };
        }
      }
      return {
        query,
        page: result.page,
        pageCount: result.pageCount ?? pageCountOf(result.total, this.pageSize),
        pageSize: this.pageSize,
        total: result.total,
        records: result.records,
        notices,
        upstreamRequests: meter.requests,
        ...(result.anchor ? { anchor: result.anchor } : {}),
      };
    } finally {
      if (options.meter) options.meter.requests += meter.requests;
    }
  }

  /** One call by its CallId, or null when Tencent has no such call (or no longer keeps it). */
  async getCall(callId: string, options: RequestOptions = {}): Promise<CallRecord | null> {
    const id = callId.trim();
    if (id === '') return null;
    return this.api.getRecordByCallId(id, options);
  }

  /** Forgets every cached search (e.g. after the data is known to have changed). */
  clearCache(): void {
    this.cache.clear();
  }

  /** The start actually searched (Tencent keeps 7 days) and what the reader should be told about it. */
  private effectiveRange(query: PinnedQuery): { from: number; notices: string[] } {
    const now = this.now();
    const retentionStart = now - RETENTION_SECONDS;
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
    if (query.to <= retentionStart) {
      throw new SearchError(
        'out-of-range',
        `The range ends ${when(query.to)}, more than 7 days ago: Tencent keeps call records for 7 days only, so search within the last 7 days.`,
      );
    }
    if (query.from >= retentionStart) return { from: query.from, notices: [] };
    // A query pinned to "the last 7 days" drifts by the seconds between pinning and paging: not worth a word.
    const notices =
      retentionStart - query.from > 60
        ? [`Tencent keeps 7 days of records: showing calls from ${when(retentionStart)}, not from ${when(query.from)}.`]
        : [];
    return { from: retentionStart, notices };
  }

  private async directPage(
    plan: Plan,
    key: string,
    requestedPage: number,
    options: RequestOptions,
  ): Promise<PageResult | undefined> {
    for (let attempt = 0; attempt < 2; attempt++) {
      let snapshot = this.cachedDirect(key);
      if (snapshot === undefined) {
        const first = await this.fetchPage(plan, 1, options);
        snapshot = snapshotOf(first, plan);
        if (snapshot === undefined) return undefined; // order unknown or the answer does not add up: scan
        this.storeDirect(key, snapshot);
      }
      const { total } = snapshot;
      const page = clampPage(requestedPage, pageCountOf(total, this.pageSize));
      const start = (page - 1) * this.pageSize;
      const end = Math.min(page * this.pageSize, total);
      const records = await this.recordsAt(plan, key, snapshot, start, end, options);
      if (records !== undefined) return { total, page, records };
    }
    return undefined;
  }

  /**
   * The calls at positions [start, end) of a direct search's newest-first order, from the API pages (fetching
   * those not cached yet). Undefined when the pages do not add up: the snapshot is then dropped.
   */
  private async recordsAt(
    plan: Plan,
    key: string,
    snapshot: DirectSnapshot,
    start: number,
    end: number,
    options: RequestOptions,
  ): Promise<CallRecord[] | undefined> {
    if (snapshot.layout === 'complete') return snapshot.sorted.slice(start, end);
    const total = snapshot.total;
    const size = snapshot.size;
    const positions: number[] = [];
    for (let i = start; i < end; i++) positions.push(snapshot.layout === 'desc' ? i : total - 1 - i);
    const missing = [...new Set(positions.map((q) => Math.floor(q / size) + 1))].filter((p) => !snapshot.pages.has(p));
    // Later pages are asked with the size page 1 was served in, not the size asked: a server that caps
    // NumberPerPage but computes the offset from it would otherwise start page k past records never shown.
    const fetched = await Promise.all(missing.map((p) => this.fetchPage(plan, p, options, size)));
    const current = snapshot;
    const consistent =
      fetched.every(
        (got, i) =>
          got.totalNum === current.total &&
          droppedNone(got) &&
          got.records.length === expectedLength(current, missing[i] as number) &&
          sortedAs(got.records, current.layout) &&
          got.records.every((r) => inRange(r, plan)),
      ) && noCallTwice([...current.pages.values(), ...fetched.map((got) => got.records)]);
    if (!consistent) {
      // The data changed under us, or Tencent does not page the way page 1 suggested: start again, once.
      this.cache.delete(`direct:${key}`);
      return undefined;
    }
    missing.forEach((p, i) => {
      current.pages.set(p, (fetched[i] as RecordPage).records);
    });
    if (!pagesJoinUp(current)) {
      this.cache.delete(`direct:${key}`);
      return undefined;
    }
    this.cache.reweigh(`direct:${key}`, weightOf(current));
    const records = positions.map((q) => (current.pages.get(Math.floor(q / size) + 1) as CallRecord[])[q % size]);
    return (records as CallRecord[]).sort(newestFirst);
  }

  /**
   * A direct search's page by an anchor. Where the anchor sits is asked of Tencent afresh (the cached snapshot may
   * be older than the calls listed since): the calls strictly newer than its second (a TotalNum count), and the
   * calls of that very second (fetched: normally a handful), which are ordered here by CallId as `newestFirst`
   * does, whatever order Tencent lists them in. The rest of the page comes from the positions just past that
   * second (Next) or just before it (Previous). `'nominal'`: the anchor does not help (page by position);
   * undefined: Tencent's answers do not add up (scan).
   */
  private async directAnchoredPage(
    plan: Plan,
    key: string,
    requestedPage: number,
    anchor: PageAnchor,
    options: RequestOptions,
  ): Promise<PageResult | 'nominal' | undefined> {
    const at = anchorKey(anchor);
    const filter = apiFilter(plan, plan.results[0]);
    const ps = this.pageSize;
    for (let attempt = 0; attempt < 2; attempt++) {
      // EndTime is inclusive: "newer than the anchor's second" is StartTime ≥ anchor + 1, up to `to` − 1.
      const [total, newer, ties] = await Promise.all([
        this.api.countRecords(filter, options),
        at.startTime + 1 <= plan.to - 1
          ? this.api.countRecords({ ...filter, startTime: at.startTime + 1 }, options)
          : Promise.resolve(0),
        this.recordsOfSecond(plan, at.startTime, options),
      ]);
      if (ties === undefined) return undefined;
      let snapshot = this.cachedDirect(key);
      if (snapshot === undefined || snapshot.total !== total) {
        this.cache.delete(`direct:${key}`);
        snapshot = snapshotOf(await this.fetchPage(plan, 1, options), plan);
        if (snapshot === undefined) return undefined;
        this.storeDirect(key, snapshot);
        if (snapshot.total !== total) continue; // the calls changed while we asked
      }
      if (snapshot.layout === 'complete') return anchoredSlice(snapshot.sorted, anchor, requestedPage, ps) ?? 'nominal';
      if (newer + ties.length > total) continue;
      let records: CallRecord[];
      let before: number;
      if ('after' in anchor) {
        const head = ties.filter((r) => newestFirst(r, at) > 0).slice(0, ps);
        const start = newer + ties.length;
        const rest = await this.recordsAt(
          plan,
          key,
          snapshot,
          start,
          Math.min(total, start + ps - head.length),
          options,
        );
        if (rest === undefined || !rest.every((r) => r.startTime < at.startTime)) continue;
        records = [...head, ...rest];
        before = start - head.length;
      } else {
        const older = ties.filter((r) => newestFirst(r, at) < 0);
        const tail = older.slice(-ps);
        const start = Math.max(0, newer - (ps - tail.length));
        const rest = await this.recordsAt(plan, key, snapshot, start, newer, options);
        if (rest === undefined || !rest.every((r) => r.startTime > at.startTime)) continue;
        records = [...rest, ...tail];
        before = start + older.length - tail.length;
      }
      if (records.length === 0) return 'nominal';
      return anchoredResult(anchor, requestedPage, total, before, records, ps);
    }
    return undefined;
  }

  /** Every call of one second that the plan's API filter lets through, newest first; undefined if they do not add up. */
  private async recordsOfSecond(
    plan: Plan,
    second: number,
    options: RequestOptions,
  ): Promise<CallRecord[] | undefined> {
    const filter: RecordFilter = { ...apiFilter(plan, plan.results[0]), startTime: second, endTime: second };
    const found = new Map<string, CallRecord>();
    let size = this.upstreamPageSize;
    for (let page = 1; page <= 100; page++) {
      const got = await this.api.getRecordsByFilter({ ...filter, page, numberPerPage: size }, options);
      if (!droppedNone(got) || !got.records.every((r) => r.startTime === second)) return undefined;
      for (const record of got.records) found.set(record.callId, record);
      if (page === 1) size = Math.max(1, got.records.length);
      if (found.size >= got.totalNum || got.records.length === 0) {
        return found.size === got.totalNum ? [...found.values()].sort(newestFirst) : undefined;
      }
    }
    return undefined;
  }

  private hasCachedScan(key: string): boolean {
    return this.cache.get(`scan:${key}`) !== undefined;
  }

  private cachedDirect(key: string): DirectSnapshot | undefined {
    const value = this.cache.get(`direct:${key}`);
    return value?.kind === 'direct' ? value.snapshot : undefined;
  }

  private storeDirect(key: string, snapshot: DirectSnapshot): void {
    this.cache.set(`direct:${key}`, { kind: 'direct', snapshot }, weightOf(snapshot));
  }

  private fetchPage(
    plan: Plan,
    page: number,
    options: RequestOptions,
    numberPerPage = this.upstreamPageSize,
  ): Promise<RecordPage> {
    return this.api.getRecordsByFilter({ ...apiFilter(plan, plan.results[0]), page, numberPerPage }, options);
  }

  /** Every match of the plan, newest first; from the cache when the same pinned query ran recently. */
  private async scanMatches(plan: Plan, key: string, options: RequestOptions): Promise<CallRecord[]> {
    const cached = this.cache.get(`scan:${key}`);
    if (cached?.kind === 'matches') return cached.records;

    const filters = await this.scanFilters(plan, options);
    const matches = new Map<string, CallRecord>();
    await allOrAbort(
      options.signal,
      filters.map((filter) => async (signal) => {
        for await (const record of this.api.scan(filter, { ...options, signal, pageSize: this.upstreamPageSize })) {
          if (matchesPlan(record, plan)) matches.set(record.callId, record);
        }
      }),
    );
    const records = [...matches.values()].sort(newestFirst);
    this.cache.set(`scan:${key}`, { kind: 'matches', records }, Math.max(1, records.length));
    return records;
  }

  /**
   * The API filters to scan with, cheapest first, after checking with TotalNum counts that the scan stays
   * within `scanLimit`. Several results: one filtered scan per result, unless scanning everything in the range
   * needs no more API pages.
   */
  private async scanFilters(plan: Plan, options: RequestOptions): Promise<RecordFilter[]> {
    const count = (filter: RecordFilter) => this.api.countRecords(filter, options);
    if (plan.results.length <= 1) {
      const filter = apiFilter(plan, plan.results[0]);
      const total = await count(filter);
      this.checkScanSize(total);
      return total > 0 ? [filter] : [];
    }
    const everything = apiFilter(plan, undefined);
    const perResult = plan.results.map((result) => apiFilter(plan, result));
    const [all, ...counts] = await Promise.all([count(everything), ...perResult.map(count)]);
    const pages = (n: number) => Math.ceil(n / this.upstreamPageSize);
    const filteredPages = counts.reduce((sum, n) => sum + pages(n), 0);
    if (pages(all as number) <= filteredPages) {
      this.checkScanSize(all as number);
      return (all as number) > 0 ? [everything] : [];
    }
    this.checkScanSize(counts.reduce((sum, n) => sum + n, 0));
    return perResult.filter((_, i) => (counts[i] as number) > 0);
  }

  private checkScanSize(count: number): void {
    if (count <= this.scanLimit) return;
    const n = count.toLocaleString('en-US');
    const limit = this.scanLimit.toLocaleString('en-US');
    throw new SearchError(
      'too-broad',
      `This search would have to go through ${n} calls, more than the ${limit} one search may scan: narrow it with a shorter range (e.g. last:1d) or a result filter (e.g. result:interrupted).`,
      { count, limit: this.scanLimit },
    );
  }
}

type CacheValue = { kind: 'matches'; records: CallRecord[] } | { kind: 'direct'; snapshot: DirectSnapshot };

/** What page 1 of a direct search taught us, plus the API pages fetched so far. */
type DirectSnapshot =
  | { layout: 'complete'; total: number; sorted: CallRecord[] }
  | { layout: 'asc' | 'desc'; total: number; size: number; pages: Map<number, CallRecord[]> };

interface PageResult {
  total: number;
  page: number;
  records: CallRecord[];
  /** When the page was found by an anchor: the count as seen from it (else derived from `total`). */
  pageCount?: number;
  anchor?: PageAnchor;
}

function anchorKey(anchor: PageAnchor): RecordKey {
  return 'after' in anchor ? anchor.after : anchor.before;
}

/** The anchor when it can place a page in this range; an anchor outside it (aged out, say) places nothing. */
function usableAnchor(anchor: PageAnchor | undefined, plan: Plan): PageAnchor | undefined {
  if (anchor === undefined) return undefined;
  const at = anchorKey(anchor);
  if (at === undefined || typeof at.callId !== 'string' || at.callId === '' || !Number.isInteger(at.startTime)) {
    return undefined;
  }
  return at.startTime >= plan.from && at.startTime < plan.to ? anchor : undefined;
}

/** How many of `sorted` (newest first) come before `at` (or up to and including it, with `inclusive`). */
function countBefore(sorted: readonly CallRecord[], at: RecordKey, inclusive: boolean): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const c = newestFirst(sorted[mid] as CallRecord, at);
    if (c < 0 || (inclusive && c === 0)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The page of a sorted list of every match by an anchor, or undefined when the anchor places none. */
function anchoredSlice(
  sorted: readonly CallRecord[],
  anchor: PageAnchor,
  requestedPage: number,
  pageSize: number,
): PageResult | undefined {
  let start: number;
  let end: number;
  if ('after' in anchor) {
    start = countBefore(sorted, anchor.after, true);
    end = Math.min(sorted.length, start + pageSize);
  } else {
    end = countBefore(sorted, anchor.before, false);
    start = Math.max(0, end - pageSize);
  }
  if (end <= start) return undefined;
  return anchoredResult(anchor, requestedPage, sorted.length, start, sorted.slice(start, end), pageSize);
}

/**
 * A page found by an anchor, numbered as the button said (1 when nothing is newer, at least 2 otherwise), and
 * counted from there: this page plus the pages the calls after it fill.
 */
function anchoredResult(
  anchor: PageAnchor,
  requestedPage: number,
  total: number,
  before: number,
  records: CallRecord[],
  pageSize: number,
): PageResult {
  const requested = Number.isFinite(requestedPage) ? Math.floor(requestedPage) : 1;
  const page = before <= 0 ? 1 : Math.max(2, requested);
  const after = Math.max(0, total - before - records.length);
  return { total, page, records, pageCount: page + Math.ceil(after / pageSize), anchor };
}

interface Plan {
  /** Tencent can page this query itself. */
  direct: boolean;
  users: string[];
  results: CallResult[];
  callTypes: CallType[];
  /** The one call type Tencent is asked to filter on, if any. */
  callType?: CallType;
  mediaTypes: string[];
  /** Effective start (after the 7-day clamp), inclusive. */
  from: number;
  /** Exclusive. */
  to: number;
}

function planOf(query: PinnedQuery, from: number): Plan {
  const results = [...new Set(query.results)];
  // Both call types (or both media) is no filter at all.
  const types = [...new Set(query.callTypes)];
  const callTypes = CALL_TYPES.every((t) => types.includes(t)) ? [] : types;
  const media = [...new Set(query.mediaTypes)];
  const mediaTypes = MEDIA_TYPES.every((m) => media.includes(m)) ? [] : media;
  const users = [...new Set(query.users)];
  return {
    direct: users.length === 0 && mediaTypes.length === 0 && results.length <= 1 && callTypes.length <= 1,
    users,
    results,
    callTypes,
    callType: callTypes.length === 1 ? callTypes[0] : undefined,
    mediaTypes,
    from,
    to: query.to,
  };
}

/** Tencent's EndTime is taken as inclusive on the call's start (as the demo server does); `to` is exclusive. */
function apiFilter(plan: Plan, callResult: CallResult | undefined): RecordFilter {
  const filter: RecordFilter = { startTime: plan.from, endTime: plan.to - 1 };
  if (callResult !== undefined) filter.callResult = callResult;
  if (plan.callType !== undefined) filter.callType = plan.callType;
  return filter;
}

function inRange(record: CallRecord, plan: Plan): boolean {
  return record.startTime >= plan.from && record.startTime < plan.to;
}

function matchesPlan(record: CallRecord, plan: Plan): boolean {
  if (!inRange(record, plan)) return false;
  if (plan.results.length > 0 && !(plan.results as string[]).includes(record.result)) return false;
  if (plan.callTypes.length > 0 && !(plan.callTypes as string[]).includes(record.callType)) return false;
  if (plan.mediaTypes.length > 0 && !plan.mediaTypes.includes(record.mediaType)) return false;
  if (plan.users.length > 0) {
    return plan.users.some((user) => record.caller === user || record.callees.includes(user));
  }
  return true;
}

/** The layout page 1 reveals, or undefined when direct paging cannot be trusted. */
function snapshotOf(first: RecordPage, plan: Plan): DirectSnapshot | undefined {
  const { totalNum: total, records } = first;
  // Tencent ignoring a filter makes TotalNum and pages unfiltered; and with any record dropped (mismatch or bad
  // shape) the page's length is no longer the number of positions it covers, so position arithmetic would be off.
  if (!droppedNone(first) || !records.every((r) => inRange(r, plan))) return undefined;
  if (records.length === total) {
    return { layout: 'complete', total, sorted: [...records].sort(newestFirst) };
  }
  if (records.length === 0 || records.length > total) return undefined;
  const layout = orderOf(records);
  if (layout === undefined) return undefined;
  return { layout, total, size: records.length, pages: new Map([[1, records]]) };
}

/** The client dropped nothing from the page, so its records are exactly the positions it covers. */
function droppedNone(page: RecordPage): boolean {
  return (page.filterMismatches ?? 0) === 0 && (page.invalidRecords ?? 0) === 0;
}

/**
 * No CallId on two API pages. A server whose order among calls of the same second differs from one request to
 * the next can list such a call on both sides of a page boundary (and then leave out another): nothing else shows it.
 */
function noCallTwice(pages: readonly (readonly CallRecord[])[]): boolean {
  const ids = new Set<string>();
  let count = 0;
  for (const records of pages) {
    for (const record of records) ids.add(record.callId);
    count += records.length;
  }
  return ids.size === count;
}

/** 'asc' / 'desc' by StartTime, or undefined when the page is unsorted or all of one second. */
function orderOf(records: readonly CallRecord[]): 'asc' | 'desc' | undefined {
  const first = (records[0] as CallRecord).startTime;
  const last = (records[records.length - 1] as CallRecord).startTime;
  if (first < last && sortedAs(records, 'asc')) return 'asc';
  if (first > last && sortedAs(records, 'desc')) return 'desc';
  return undefined;
}

function sortedAs(records: readonly CallRecord[], order: 'asc' | 'desc'): boolean {
  for (let i = 1; i < records.length; i++) {
    const step = (records[i] as CallRecord).startTime - (records[i - 1] as CallRecord).startTime;
    if (order === 'asc' ? step < 0 : step > 0) return false;
  }
  return true;
}

/** Neighbouring API pages must continue each other's order. */
function pagesJoinUp(snapshot: Extract<DirectSnapshot, { pages: unknown }>): boolean {
  for (const [page, records] of snapshot.pages) {
    const next = snapshot.pages.get(page + 1);
    if (next === undefined || records.length === 0 || next.length === 0) continue;
    const step = (next[0] as CallRecord).startTime - (records[records.length - 1] as CallRecord).startTime;
    if (snapshot.layout === 'asc' ? step < 0 : step > 0) return false;
  }
  return true;
}

function expectedLength(snapshot: Extract<DirectSnapshot, { size: number }>, page: number): number {
  return Math.max(0, Math.min(snapshot.size, snapshot.total - (page - 1) * snapshot.size));
}

function weightOf(snapshot: DirectSnapshot): number {
  if (snapshot.layout === 'complete') return Math.max(1, snapshot.sorted.length);
  let weight = 0;
  for (const records of snapshot.pages.values()) weight += records.length;
  return Math.max(1, weight);
}

/** Newest first; calls of the same second by CallId, so the order is stable from one page to the next. */
export function newestFirst(a: RecordKey, b: RecordKey): number {
  return b.startTime - a.startTime || (a.callId < b.callId ? -1 : a.callId > b.callId ? 1 : 0);
}

function cacheKey(query: PinnedQuery): string {
  const sorted = (values: readonly string[]) => [...new Set(values)].sort();
  return JSON.stringify([
    sorted(query.users),
    sorted(query.results),
    sorted(query.callTypes),
    sorted(query.mediaTypes),
    query.from,
    query.to,
  ]);
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
