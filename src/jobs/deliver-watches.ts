/**
 * Sends the DMs of watches: for each new call published on the new-calls feed (by the Tencent callback or
 * the sync), one DM to each watcher whose watch matches; and, at least every minute, one DM to each watcher whose
 * watch has run its WATCH_DAYS. Every DM is claimed in the store first, so across any number of processes each goes
 * out once; a send that fails gives its claim back and is tried again at the next minute's check.
 *
 * Jobs never import slack/: the wiring (wiring/realtime.ts) passes the WebClient, the two renderers (pure views) and the access check.
 */
import type { NewCallsFeed } from '../calls/new-calls.js';
import type { CallRecord } from '../calls/records.js';
import { type NameDirectory, NO_NAMES, type UserNames, usersOf } from '../calls/user-names.js';
import { type Watch, type WatchStore, watchWants } from '../calls/watch-rules.js';
import type { Logger } from '../shared/logger.js';

export interface WatchDm {
  text: string;
  blocks: unknown[];
}

export interface WatchDeliveryOptions {
  watches: WatchStore;
  feed: Pick<NewCallsFeed, 'subscribe'>;
  /** Posts to a user ID (Slack opens the DM with the bot). */
  client: { chat: { postMessage(args: { channel: string; text: string; blocks: never[] }): Promise<unknown> } };
  /** `names`: the cached display names of the call's and the watch's users (absent ones show as IDs). */
  render: {
    /** May read more (the call's events) before it renders. */
    call(watch: Watch, record: CallRecord, names: UserNames): WatchDm | Promise<WatchDm>;
    ended(watch: Watch, names: UserNames): WatchDm;
    /** `count` more matching calls than one watch may send in a minute: one message instead of a flood. */
    overflow(watch: Watch, count: number, names: UserNames): WatchDm;
  };
  /** The store's name cache (never Tencent: a DM does not wait for a name); absent: IDs alone. */
  names?: Pick<NameDirectory, 'namesOf'>;
  /** The access rules, asked again at every delivery: a person no longer allowed gets nothing. */
  mayReceive(watch: Watch): boolean;
  /**
   * Whether a failed DM would fail the same way at every retry (the messaging service refused the person), as the
   * adapter that posts knows; such a DM is given up at once. Default: every failure may pass.
   */
  refusedForGood?: (error: unknown) => string | undefined;
  logger: Logger;
  /** Unix seconds; default the real clock. */
  now?: () => number;
  /** How often expiries (and failed DMs) are looked at. Default 60 s. */
  checkEveryMs?: number;
}

export interface WatchDelivery {
  /** What the feed calls: the DMs for these new calls. Never rejects. */
  deliver(calls: readonly CallRecord[]): Promise<void>;
  /** Ends the watches whose time is up (with their DM) and retries failed DMs. Never rejects. */
  check(): Promise<void>;
  /** Stops listening and checking; waits for the work in flight. */
  stop(): Promise<void>;
}

/** A DM that failed is retried at each check for about this many checks, then given up (logged). */
const MAX_RETRIES = 10;
/**
 * DMs one watch may send per minute from one process. A broad watch during an outage would otherwise send one DM
 * per dropped call; the calls past this are told in one message at the next check, with the search that lists them.
 */
export const MAX_DMS_PER_WATCH_PER_MINUTE = 10;
/** New calls kept while the store is unavailable, to be matched at the next check (the oldest go past this). */
const MAX_BACKLOG = 5_000;

/** Oldest first (IDs begin with the creation time), the order `onePerPerson` relies on. */
function oldestFirst(list: readonly Watch[]): Watch[] {
  return [...list].sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

interface Retry {
  watch: Watch;
  record: CallRecord;
  tries: number;
}

export function startWatchDelivery(options: WatchDeliveryOptions): WatchDelivery {
  const { watches, client, render, mayReceive } = options;
  const logger = options.logger.child({ component: 'watches' });
  const now = options.now ?? (() => Math.floor(Date.now() / 1000));
  const retries = new Map<string, Retry>();
  /** Per watch: how many times its watch-ended DM failed in this process. */
  const endedFailures = new Map<string, number>();
  /** Per watch: when this process sent its recent DMs (ms), and how many matching calls it held back since. */
  const sentAt = new Map<string, number[]>();
  const heldBack = new Map<string, { watch: Watch; count: number }>();
  /** Calls that could not be matched or claimed (the store failed): tried again at the next check. */
  let backlog: CallRecord[] = [];
  const keepForLater = (records: readonly CallRecord[]) => {
    backlog = [...backlog, ...records].slice(-MAX_BACKLOG);
  };

  /** Takes one of the watch's DMs of the last minute, or says there is none left. */
  function takeSlot(watchId: string): boolean {
    const cutoff = Date.now() - 60_000;
    const recent = (sentAt.get(watchId) ?? []).filter((at) => at > cutoff);
    if (recent.length >= MAX_DMS_PER_WATCH_PER_MINUTE) {
      sentAt.set(watchId, recent);
      return false;
    }
    recent.push(Date.now());
    sentAt.set(watchId, recent);
    return true;
  }

  function giveSlotBack(watchId: string): void {
    sentAt.get(watchId)?.pop();
  }
  const inFlight = new Set<Promise<void>>();
  let stopped = false;

  const track = (work: Promise<void>): Promise<void> => {
    inFlight.add(work);
    return work.finally(() => inFlight.delete(work));
  };

  /** The cached names of these users; none when the cache fails (the DM then shows IDs, and still goes out). */
  async function namesOf(users: Iterable<string>): Promise<UserNames> {
    if (options.names === undefined) return NO_NAMES;
    try {
      return await options.names.namesOf(users);
    } catch (error) {
      logger.warn({ err: error }, 'watch DM: names could not be read; the DM shows user IDs');
      return NO_NAMES;
    }
  }

  async function post(userId: string, dm: WatchDm): Promise<void> {
    await client.chat.postMessage({ channel: userId, text: dm.text, blocks: dm.blocks as never[] });
  }

  /** Claims, sends, and gives the claim back when the send fails. True when this process sent it (or it is taken). */
  async function sendCall(watch: Watch, record: CallRecord, tries: number): Promise<void> {
    const key = `${watch.id}\u0000${record.callId}`;
    if (!mayReceive(watch)) {
      retries.delete(key);
      logger.info({ watch: watch.id, user: watch.userId }, 'watch DM not sent: the access rules no longer allow it');
      return;
    }
    if (!(await watches.claimDelivery(watch.id, record.callId, now()))) {
      retries.delete(key);
      giveSlotBack(watch.id);
      return;
    }
    try {
      const names = await namesOf([...usersOf([record]), ...watch.filter.users]);
      await post(watch.userId, await render.call(watch, record, names));
      retries.delete(key);
      logger.info({ watch: watch.id, user: watch.userId }, 'watch DM sent');
    } catch (error) {
      await watches.releaseDelivery(watch.id, record.callId);
      if (tries >= MAX_RETRIES) {
        retries.delete(key);
        logger.error({ err: error, watch: watch.id, user: watch.userId, tries }, 'watch DM given up');
      } else {
        retries.set(key, { watch, record, tries });
        logger.warn({ err: error, watch: watch.id, user: watch.userId, tries }, 'watch DM failed; retried later');
      }
    }
  }

  async function deliver(calls: readonly CallRecord[]): Promise<void> {
    if (stopped || calls.length === 0) return;
    try {
      const active = oldestFirst(await watches.activeWatches(now()));
      const sends: Promise<void>[] = [];
      for (const record of calls) {
        for (const watch of onePerPerson(active.filter((w) => watchWants(w, record)))) {
          if (takeSlot(watch.id)) {
            sends.push(
              sendCall(watch, record, 1).catch((error: unknown) => {
                giveSlotBack(watch.id);
                logFailure(error);
                keepForLater([record]);
              }),
            );
          } else {
            const held = heldBack.get(watch.id) ?? { watch, count: 0 };
            held.count += 1;
            heldBack.set(watch.id, held);
          }
        }
      }
      await Promise.all(sends);
    } catch (error) {
      logFailure(error);
      keepForLater(calls);
    }
  }

  /**
   * One DM per call per person: of a person's watches that want the call, the oldest sends it (and is named in it).
   * Every process picks the same one, so the claim on (watch, call) still makes it one DM across processes.
   */
  function onePerPerson(wanting: readonly Watch[]): Watch[] {
    const seen = new Set<string>();
    return wanting.filter((watch) => {
      const person = `${watch.teamId}\u0000${watch.userId}`;
      if (seen.has(person)) return false;
      seen.add(person);
      return true;
    });
  }

  function logFailure(error: unknown): void {
    logger.error({ err: error }, 'watch delivery failed (the store is unavailable?)');
  }

  async function check(): Promise<void> {
    if (stopped) return;
    try {
      for (const watch of await watches.claimExpired(now())) {
        if (!mayReceive(watch)) continue;
        try {
          await post(watch.userId, render.ended(watch, await namesOf(watch.filter.users)));
          endedFailures.delete(watch.id);
          logger.info({ watch: watch.id, user: watch.userId }, 'watch ended: DM sent');
        } catch (error) {
          const tries = (endedFailures.get(watch.id) ?? 0) + 1;
          const code = options.refusedForGood?.(error);
          // A person Slack will not let us DM (a deactivated account, a bot…) gets no later chance either; an outage
          // does, for a while. Given up, the watch stays ended and its DM claimed: no check takes it again.
          if (code !== undefined || tries >= MAX_RETRIES) {
            endedFailures.delete(watch.id);
            logger.error(
              { watch: watch.id, user: watch.userId, tries, slackError: code ?? null },
              'watch-ended DM given up: the watch has ended without telling its owner',
            );
            continue;
          }
          endedFailures.set(watch.id, tries);
          await watches.releaseExpired(watch.id);
          if (tries === 1) {
            logger.warn({ err: error, watch: watch.id }, 'watch-ended DM failed; retried at the next checks');
          }
        }
      }
      const active = new Set((await watches.activeWatches(now())).map((watch) => watch.id));
      for (const [watchId, held] of [...heldBack]) {
        if (!active.has(watchId) || !mayReceive(held.watch)) {
          heldBack.delete(watchId);
          continue;
        }
        try {
          const names = await namesOf(held.watch.filter.users);
          await post(held.watch.userId, render.overflow(held.watch, held.count, names));
          heldBack.delete(watchId);
          logger.info({ watch: watchId, user: held.watch.userId, count: held.count }, 'watch DMs held back: one told');
        } catch (error) {
          logger.warn({ err: error, watch: watchId }, 'watch held-back DM failed; retried at the next check');
        }
      }
      for (const [key, retry] of [...retries]) {
        if (!active.has(retry.watch.id)) retries.delete(key);
        else await sendCall(retry.watch, retry.record, retry.tries + 1);
      }
    } catch (error) {
      logFailure(error);
    }
    // The store is back (or still down: they are kept again). Claims keep a call from being sent twice.
    const waiting = backlog;
    backlog = [];
    if (waiting.length > 0) await deliver(waiting);
  }

  const unsubscribe = options.feed.subscribe((calls) => track(deliver(calls)));
  const timer = setInterval(() => void track(check()), options.checkEveryMs ?? 60_000);
  timer.unref();
  void track(check());

  return {
    deliver: (calls) => track(deliver(calls)),
    check: () => track(check()),
    async stop() {
      stopped = true;
      clearInterval(timer);
      unsubscribe();
      await Promise.allSettled([...inFlight]);
    },
  };
}
