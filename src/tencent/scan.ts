import { setMaxListeners } from 'node:events';
import type { CallRecord } from '../calls/records.js';
import { TencentError } from '../calls/source-errors.js';
import { abortReason } from './abort.js';
import { FingerprintSet } from './fingerprint-set.js';

/** One page as the scan needs it: what Tencent said and how many records actually arrived. */
export interface RawPage {
  totalNum: number;
  /** Records that arrived, before dropping invalid ones or filter mismatches: this is what paging is about. */
  rawCount: number;
  /** Normalised records that passed the filter re-check. */
  records: CallRecord[];
  /**
   * Tencent answered 101050 ("records do not exist"): no records and no TotalNum. On page 1 that means an empty
   * result; on a later page it means the list ended before that page (the demo server does this, and it is the
   * likely reading of Tencent's docs).
   */
  exhausted?: boolean;
  /** Round trip of the HTTP request that answered (not limiter waits), to size the in-flight window. */
  latencyMs: number;
}

/** Headroom in the in-flight window for answers that come late. */
const JITTER_MS = 50;

export type PageFetcher = (page: number, numberPerPage: number, signal: AbortSignal) => Promise<RawPage>;

export interface ScanEvents {
  /** A record already yielded came back again (pages shifted while scanning). */
  duplicate(callId: string): void;
  /** A pass saw the count change or a short page; another pass re-reads the range. */
  repair(reason: string, pass: number): void;
  /** Even the last pass was not stable: some records may have been missed. */
  incomplete(reason: string): void;
}

export interface ScanPagesOptions {
  pageSize: number;
  signal?: AbortSignal;
  /** Requests per second the shared limiter allows; the window aims at 2 × rate × latency pages. */
  ratePerSecond: number;
  /** Hard cap on pages fetched but not yet consumed (memory bound). */
  maxPagesInFlight: number;
  /** Passes in all (the first plus repairs). */
  maxPasses?: number;
  events?: Partial<ScanEvents>;
}

/**
 * Every record of a query exactly once, fetching pages concurrently.
 *
 * Paging: page 1 is asked with `pageSize`; how many records arrive (not how many were asked for) is the page
 * size the server honours, since the real cap is undocumented. Later pages are asked with that honoured size, so
 * page k covers offsets [(k-1)·h, k·h) whether the server computes the offset from the size asked or the size
 * served. Pages 2..ceil(TotalNum/h) are then fetched concurrently, and yielded as they arrive.
 *
 * Exactly once: every CallId yielded goes into a compact fingerprint set (16 bytes per record, see
 * FingerprintSet), so a record that moved across a page boundary is never yielded twice. A record could still be
 * missed if the list shifted under us, so each page is checked: a TotalNum different from page 1's or a page
 * shorter than its offsets imply marks the pass unstable, and another pass re-reads the range yielding only
 * records not seen yet. When TotalNum grows, the extra pages are fetched in the same pass. A pass is unstable too
 * when fewer distinct records arrived than TotalNum: a server whose order among calls of the same second changes
 * from one request to the next lists one of them on two pages and leaves another out, with every count right.
 *
 * Memory: at most `window` pages are in flight or waiting to be consumed; nothing new is fetched while the
 * consumer holds a record (backpressure), so memory is bounded by window × page size records plus the
 * fingerprints, whatever the number of pages.
 */
export async function* scanPages(fetchPage: PageFetcher, options: ScanPagesOptions): AsyncGenerator<CallRecord> {
  const seen = new FingerprintSet();
  const maxPasses = options.maxPasses ?? 2;
  for (let pass = 1; pass <= maxPasses; pass++) {
    // The first pass can tell its own repeats from `seen`; later ones need a set of their own.
    const passSeen = pass === 1 ? undefined : new FingerprintSet();
    const outcome = yield* scanPass(fetchPage, options, { seen, passSeen }, pass === maxPasses);
    if (outcome.stable) return;
    if (pass < maxPasses) options.events?.repair?.(outcome.reason, pass + 1);
    else options.events?.incomplete?.(outcome.reason);
  }
}

type PassOutcome = { stable: true } | { stable: false; reason: string };

type Settled = { page: number; ok: true; value: RawPage } | { page: number; ok: false; error: unknown };

/** CallIds yielded by the whole scan, and (after the first pass) those that arrived in this pass. */
interface Seen {
  seen: FingerprintSet;
  passSeen: FingerprintSet | undefined;
}

async function* scanPass(
  fetchPage: PageFetcher,
  options: ScanPagesOptions,
  sets: Seen,
  lastPass: boolean,
): AsyncGenerator<CallRecord, PassOutcome> {
  const controller = new AbortController();
  // Every page in flight listens on this signal (its limiter wait and its request): not a leak.
  setMaxListeners(0, controller.signal);
  const parent = options.signal;
  const onAbort = (): void => controller.abort(abortReason(parent as AbortSignal));
  if (parent?.aborted) controller.abort(abortReason(parent));
  else parent?.addEventListener('abort', onAbort, { once: true });

  try {
    const first = await fetchPage(1, options.pageSize, controller.signal);
    // Records that arrived in this pass, and how many of them had already arrived in it.
    let arrived = first.rawCount;
    const tally = { repeats: 0 };
    yield* emit(first.records, sets, tally, options.events);
    const total0 = first.totalNum;
    if (first.rawCount === 0) {
      if (total0 === 0) return { stable: true };
      if (lastPass) {
        throw new TencentError(
          'invalid-response',
          `Tencent reported ${total0} records but sent none on the first page; try the search again.`,
        );
      }
      return { stable: false, reason: `TotalNum ${total0} but page 1 was empty` };
    }
    // Everything arrived at once (the usual case for small queries).
    if (first.rawCount >= total0) return { stable: true };

    // The page size the server honours: what arrived on a page that was not the last one.
    const honoured = first.rawCount;
    let lastPage = Math.ceil(total0 / honoured);
    let unstable: string | undefined;
    let latencyMs = first.latencyMs;
    let next = 2;

    const done: Settled[] = [];
    let wake: (() => void) | undefined;
    let inFlight = 0;
    const launch = (page: number): void => {
      inFlight += 1;
      fetchPage(page, honoured, controller.signal).then(
        (value) => settle({ page, ok: true, value }),
        (error: unknown) => settle({ page, ok: false, error }),
      );
    };
    const settle = (result: Settled): void => {
      done.push(result);
      wake?.();
    };
    const windowSize = (): number => {
      // Enough pages to keep the limiter busy for two round trips plus 50 ms of jitter (a GC pause, a slow
      // answer), so that one late page does not leave the limiter idle; at least 4, at most the memory cap.
      const wanted = Math.ceil((options.ratePerSecond * (2 * latencyMs + JITTER_MS)) / 1000) + 2;
      return Math.max(4, Math.min(options.maxPagesInFlight, wanted));
    };

    while (true) {
      // `inFlight` counts pages launched and not yet consumed, so a slow consumer stops new requests.
      while (inFlight < windowSize() && next <= lastPage) launch(next++);
      if (inFlight === 0) break;
      while (done.length === 0) {
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
        wake = undefined;
      }
      const result = done.shift() as Settled;
      inFlight -= 1;
      if (!result.ok) throw result.error;
      const page = result.value;
      latencyMs = latencyMs * 0.8 + page.latencyMs * 0.2;
      if (page.exhausted === true) {
        // No TotalNum to compare; the page is checked against the expected count below.
      } else if (page.totalNum !== total0) {
        unstable ??= `TotalNum changed from ${total0} to ${page.totalNum} during the scan`;
        lastPage = Math.max(lastPage, Math.ceil(page.totalNum / honoured));
      }
      const totalNow = page.exhausted === true ? total0 : page.totalNum;
      const expected = Math.max(0, Math.min(honoured, totalNow - (result.page - 1) * honoured));
      if (page.rawCount < expected) {
        unstable ??= `page ${result.page} had ${page.rawCount} records where ${expected} were expected`;
      } else if (page.rawCount > honoured) {
        unstable ??= `page ${result.page} had ${page.rawCount} records, more than the ${honoured} of page 1`;
      }
      arrived += page.rawCount;
      yield* emit(page.records, sets, tally, options.events);
    }
    if (unstable === undefined && arrived - tally.repeats < total0) {
      unstable = `${tally.repeats} record(s) came back on two pages and ${total0 - (arrived - tally.repeats)} never came`;
    }
    return unstable === undefined ? { stable: true } : { stable: false, reason: unstable };
  } finally {
    // Early exit (consumer break, error, abort): cancel whatever is still queued in the limiter or in flight.
    parent?.removeEventListener('abort', onAbort);
    if (!controller.signal.aborted) controller.abort(new Error('scan finished'));
  }
}

function* emit(
  records: CallRecord[],
  { seen, passSeen }: Seen,
  tally: { repeats: number },
  events: Partial<ScanEvents> | undefined,
) {
  for (const record of records) {
    const isNew = seen.add(record.callId);
    if (passSeen === undefined ? !isNew : !passSeen.add(record.callId)) tally.repeats += 1;
    if (isNew) yield record;
    else events?.duplicate?.(record.callId);
  }
}
