/**
 * The background name fetcher: finds the users the store has seen whose name is missing or older than a day, asks
 * Tencent's profiles for them in batches of at most 100 (through the client's shared rate limiter), and caches
 * what comes back. Nothing waits for it: until a name is cached, every surface shows the ID alone.
 *
 * - A batch that fails (Tencent down, a frequency limit past the client's retries) is logged and its users are
 *   left alone for `retryAfterSeconds`, then asked again; the run stops there, so a Tencent outage costs one
 *   request per run, not one per batch.
 * - Users Tencent could not answer one by one are retried the same way; an unknown account is cached as "no name"
 *   for a day like any other answer.
 * - With several processes on one PostgreSQL, the optional lease makes one of them do the fetching.
 * - `nudge()` (new calls arrived) runs it soon rather than at the next tick, so a new user's name follows quickly.
 */

import type { RequestOptions } from '../calls/record-source.js';
import type { LogSink } from '../shared/log-sink.js';
import { SerialRunner } from '../shared/serial-runner.js';
import type { FetchedName, UserNamesRepository } from '../store/user-names.js';
import { MAX_PORTRAIT_ACCOUNTS, type NicknameLookup } from '../tencent/profile-names.js';

export interface ProfileSource {
  getNicknames(accounts: readonly string[], options?: RequestOptions): Promise<NicknameLookup>;
}

export interface NameFetcherOptions {
  names: Pick<UserNamesRepository, 'usersNeedingNames' | 'namesNeededAmong' | 'saveNames'>;
  profiles: ProfileSource;
  logger: LogSink;
  /** Unix seconds; default the real clock. */
  now?: () => number;
  /** How long a fetched name stays fresh; default a day. */
  maxAgeSeconds?: number;
  /** Accounts per request, at most (and by default) 100. */
  batchSize?: number;
  /** Most requests one run makes; default 20 (2,000 users). */
  maxBatchesPerRun?: number;
  /** How long users whose lookup failed are left alone; default 10 minutes. */
  retryAfterSeconds?: number;
  /** When given, a run goes ahead only while this returns true (a store lease). */
  acquireLease?: () => Promise<boolean>;
}

export interface NameFetchReport {
  /** Requests sent to Tencent. */
  requests: number;
  /** Users whose lookup was saved (with a name or without one). */
  saved: number;
  /** Users whose lookup failed this run (asked again later). */
  failed: number;
  /** True when the run did not happen: another process holds the lease. */
  skipped?: boolean;
}

export interface NameFetcher {
  /**
   * One pass over the users needing a name; never rejects. Asked while a pass runs, it waits for that pass and
   * then makes one more (asks made meanwhile share it), so users stored since are not left for the next tick.
   */
  runOnce(): Promise<NameFetchReport>;
  /** One pass over these users only (the users of new calls): its cost does not grow with the store. */
  runFor(userIds: readonly string[]): Promise<NameFetchReport>;
  /** Runs every `intervalMs` (and now, unless `immediately` is false), and soon after a `nudge()`. */
  start(intervalMs: number, options?: { immediately?: boolean }): void;
  /**
   * New calls arrived: within a few seconds, a pass over their users (`userIds`, gathered until then), or over
   * every user the store has seen when none are given or more than `MAX_NUDGED_USERS` gathered.
   */
  nudge(userIds?: readonly string[]): void;
  /** No more runs; waits for one in progress. */
  stop(): Promise<void>;
}

const NUDGE_DELAY_MS = 2_000;
/** Users gathered between nudged passes, at most (past it, the pass looks at every user instead). */
export const MAX_NUDGED_USERS = 2_000;

export function createNameFetcher(options: NameFetcherOptions): NameFetcher {
  const now = options.now ?? (() => Math.floor(Date.now() / 1000));
  const maxAge = options.maxAgeSeconds ?? 86_400;
  const batchSize = Math.min(MAX_PORTRAIT_ACCOUNTS, Math.max(1, options.batchSize ?? MAX_PORTRAIT_ACCOUNTS));
  const maxBatches = Math.max(1, options.maxBatchesPerRun ?? 20);
  const retryAfter = options.retryAfterSeconds ?? 600;
  const { logger } = options;
  /** User → when its lookup last failed (Unix seconds); pruned as entries expire. */
  const failedAt = new Map<string, number>();
  let interval: NodeJS.Timeout | undefined;
  let nudgeTimer: NodeJS.Timeout | undefined;
  let stopped = false;
  const abort = new AbortController();

  const resting = (userId: string, at: number): boolean => {
    const failed = failedAt.get(userId);
    if (failed === undefined) return false;
    if (at - failed < retryAfter) return true;
    failedAt.delete(userId);
    return false;
  };

  const pass = async (among?: readonly string[]): Promise<NameFetchReport> => {
    const report: NameFetchReport = { requests: 0, saved: 0, failed: 0 };
    if (options.acquireLease && !(await options.acquireLease())) return { ...report, skipped: true };
    const started = now();
    const wanted = maxBatches * batchSize;
    const candidates =
      among === undefined
        ? await options.names.usersNeedingNames(started - maxAge, wanted + failedAt.size)
        : await options.names.namesNeededAmong(among, started - maxAge);
    const users = candidates.filter((id) => !resting(id, started)).slice(0, wanted);
    for (let i = 0; i < users.length && !stopped; i += batchSize) {
      const batch = users.slice(i, i + batchSize);
      report.requests += 1;
      let lookup: NicknameLookup;
      try {
        lookup = await options.profiles.getNicknames(batch, { signal: abort.signal });
      } catch (error) {
        for (const id of batch) failedAt.set(id, now());
        report.failed += batch.length;
        logger.warn(
          { err: error, users: batch.length, retryAfterSeconds: retryAfter },
          'Could not fetch display names from Tencent; IDs are shown until it works again',
        );
        break;
      }
      const saved: FetchedName[] = [...lookup.names].map(([userId, name]) => ({ userId, name }));
      await options.names.saveNames(saved, now());
      for (const id of lookup.failed) failedAt.set(id, now());
      report.saved += saved.length;
      report.failed += lookup.failed.length;
    }
    if (report.requests > 0) logger.info({ ...report }, 'Fetched display names');
    return report;
  };

  /** The store itself failed (outage): logged, and the next run tries again. */
  const safe = (work: Promise<NameFetchReport>): Promise<NameFetchReport> =>
    work.catch((error: unknown) => {
      logger.warn({ err: error }, 'Display name fetch failed; trying again later');
      return { requests: 0, saved: 0, failed: 0 };
    });
  const runner = new SerialRunner(() => safe(pass()));
  const runOnce = (): Promise<NameFetchReport> => runner.run();
  /** A pass over `userIds` alone, after the pass in progress (one at a time). */
  const runFor = (userIds: readonly string[]): Promise<NameFetchReport> =>
    runner.runExclusive(() => safe(pass(userIds)));

  let nudged = new Set<string>();
  let nudgedAll = false;

  return {
    runOnce,
    runFor,
    start(intervalMs, { immediately = true } = {}) {
      if (stopped || interval) return;
      interval = setInterval(() => void runOnce(), intervalMs);
      interval.unref();
      if (immediately) void runOnce();
    },
    nudge(userIds) {
      if (stopped) return;
      if (userIds === undefined) nudgedAll = true;
      else if (!nudgedAll) for (const user of userIds) nudged.add(user);
      if (nudged.size > MAX_NUDGED_USERS) nudgedAll = true;
      if (nudgeTimer) return;
      nudgeTimer = setTimeout(() => {
        nudgeTimer = undefined;
        const users = nudgedAll ? undefined : [...nudged];
        nudged = new Set();
        nudgedAll = false;
        void (users === undefined ? runOnce() : runFor(users));
      }, NUDGE_DELAY_MS);
      nudgeTimer.unref();
    },
    async stop() {
      stopped = true;
      clearInterval(interval);
      clearTimeout(nudgeTimer);
      abort.abort();
      await runner.current;
    },
  };
}
