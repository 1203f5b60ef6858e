/**
 * Watches: `/calls watch user:147 result:dropped` sends the person a DM for each NEW call that matches,
 * until they stop it or `WATCH_DAYS` pass. A watch is the filters of a query without its time range (new calls are
 * its range) and without `id:` (a call already exists). `store/watch-repository.ts` keeps them; `jobs/deliver-watches.ts`
 * sends the DMs.
 */
import { z } from 'zod';
import type { CallQuery } from './query.js';
import { MAX_USERS } from './query-limits.js';
import type { CallRecord } from './records.js';

/** What a watch matches: empty lists mean "any", as in a search. */
export interface WatchFilter {
  users: string[];
  results: string[];
  callTypes: string[];
  mediaTypes: string[];
}

export interface Watch {
  id: string;
  teamId: string;
  /** The Slack user who watches (and receives the DMs). */
  userId: string;
  /** Where the watch was made: access to it is checked again at each delivery. */
  channelId: string;
  filter: WatchFilter;
  /** Unix seconds. */
  createdAt: number;
  expiresAt: number;
  endedAt: number | null;
}

/** Most active watches one person may have (each is a line of `/calls watches`, with its Stop button). */
export const MAX_WATCHES_PER_USER = 20;

const list = (max: number) => z.array(z.string().min(1).max(200)).max(max);

/** A watch's filter as stored (JSON): validated on every read, as every database row is. */
export const watchFilterSchema = z.object({
  users: list(MAX_USERS),
  results: list(20),
  callTypes: list(10),
  mediaTypes: list(10),
});

export type WatchFilterResult = { ok: true; filter: WatchFilter } | { ok: false; message: string };

/**
 * The filter of a parsed query whose `name:` filters were resolved to users, or why it cannot be watched (a time
 * range or a CallId). A name is resolved once, when the watch is made: the watch follows those users.
 */
export function watchFilterOf(query: CallQuery): WatchFilterResult {
  // `resolveNames` turns `name:` into users first; a watch never drops a filter it was given.
  if ((query.names ?? []).length > 0) {
    return { ok: false, message: 'The names of this watch could not be looked up: watch user IDs instead.' };
  }
  if (query.callId !== undefined) {
    return { ok: false, message: 'A watch follows new calls, so `id:` cannot be watched: watch a user instead.' };
  }
  if (query.range.kind !== 'retained') {
    return {
      ok: false,
      message:
        'A watch follows new calls as they end, so it takes no time filter (`last:`, `today`, dates, `from:`/`to:`): ' +
        'leave it out, e.g. `/calls watch user:147 result:dropped`.',
    };
  }
  return {
    ok: true,
    filter: {
      users: [...query.users],
      results: [...query.results],
      callTypes: [...query.callTypes],
      mediaTypes: [...query.mediaTypes],
    },
  };
}

/** Whether a call matches a watch's filter (a user matches as caller or callee). */
export function matchesWatch(record: CallRecord, filter: WatchFilter): boolean {
  if (filter.results.length > 0 && !filter.results.includes(record.result)) return false;
  if (filter.callTypes.length > 0 && !filter.callTypes.includes(record.callType)) return false;
  if (filter.mediaTypes.length > 0 && !filter.mediaTypes.includes(record.mediaType)) return false;
  if (filter.users.length === 0) return true;
  return filter.users.some((user) => record.caller === user || record.callees.includes(user));
}

/**
 * Whether a watch sends a DM for a call: it matches, and it ended once the watch was running. The sync's first
 * backfill (or a catch-up after an outage) publishes older calls as new to the store; they are not news to the
 * watcher.
 */
export function watchWants(watch: Pick<Watch, 'filter' | 'createdAt'>, record: CallRecord): boolean {
  return record.endTime >= watch.createdAt && matchesWatch(record, watch.filter);
}

/** A watch before the store gives it an ID; it has not ended. */
export type NewWatch = Omit<Watch, 'id' | 'endedAt'>;

/**
 * Whether two filters watch the same calls: the same users, results, types and media, in any order. A second
 * identical watch would only send the same DMs twice, so it is refused.
 */
export function sameWatchFilter(a: WatchFilter, b: WatchFilter): boolean {
  const same = (x: readonly string[], y: readonly string[]) => {
    const left = new Set(x);
    const right = new Set(y);
    return left.size === right.size && [...left].every((item) => right.has(item));
  };
  return (
    same(a.users, b.users) &&
    same(a.results, b.results) &&
    same(a.callTypes, b.callTypes) &&
    same(a.mediaTypes, b.mediaTypes)
  );
}

/** What `createWatch` did: made it, or refused it (the person's limit, or the same watch already running). */
export type CreateWatchResult =
  | { kind: 'created'; watch: Watch }
  | { kind: 'limit' }
  /** `position`: the running watch's number in `/calls watches` (1 = oldest). */
  | { kind: 'duplicate'; existing: Watch; position: number };

/** Where watches live (the call-record store's database): shared by every process. */
export interface WatchStore {
  /**
   * Adds a watch, unless the person already has `MAX_WATCHES_PER_USER` active ones or one with the same filter.
   * Atomic per person: concurrent calls from one person, in any number of processes, never pass the limit.
   */
  createWatch(watch: NewWatch, now: number): Promise<CreateWatchResult>;
  /** One person's active watches, oldest first: `/calls unwatch <n>` counts in this order. */
  listWatches(teamId: string, userId: string, now: number): Promise<Watch[]>;
  /** Every active watch (not ended, not expired). */
  activeWatches(now: number): Promise<Watch[]>;
  /** Ends one person's watch; false when it was not theirs or had already ended. */
  endWatch(id: string, userId: string, now: number): Promise<boolean>;
  /**
   * Claims the DM of `callId` for `watchId`: true for exactly one caller across every process sharing the store.
   * `releaseDelivery` gives it back when the DM could not be sent, so a later publish sends it.
   */
  claimDelivery(watchId: string, callId: string, now: number): Promise<boolean>;
  releaseDelivery(watchId: string, callId: string): Promise<void>;
  /** Ends the watches whose time is up and returns those this caller ended (each to exactly one caller). */
  claimExpired(now: number): Promise<Watch[]>;
  /** Gives an expiry back (its DM could not be sent): the next check claims it again. */
  releaseExpired(watchId: string): Promise<void>;
}
