/**
 * Sends the DMs of watches (SPEC §12): for each new call published on the new-calls feed (by the Tencent callback or
 * the sync), one DM to each watcher whose watch matches; and, at least every minute, one DM to each watcher whose
 * watch has run its WATCH_DAYS. Every DM is claimed in the store first, so across any number of processes each goes
 * out once; a send that fails gives its claim back and is tried again at the next minute's check.
 *
 * Jobs never import slack/: app.ts passes the WebClient, the two renderers (pure views) and the access check.
 */
import type { NewCallsFeed } from '../calls/new-calls.js';
import type { CallRecord } from '../calls/records.js';
import { type Watch, type WatchStore, watchWants } from '../calls/watches.js';
import type { Logger } from '../logger.js';

export interface WatchDm {
  text: string;
  blocks: unknown[];
}

export interface WatchDeliveryOptions {
  watches: WatchStore;
  feed: Pick<NewCallsFeed, 'subscribe'>;
  /** Posts to a user ID (Slack opens the DM with the bot). */
  client: { chat: { postMessage(args: { channel: string; text: string; blocks: never[] }): Promise<unknown> } };
  render: {
    /** May read more (the call's events) before it renders. */
    call(watch: Watch, record: CallRecord): WatchDm | Promise<WatchDm>;
    ended(watch: Watch): WatchDm;
    /** `count` more matching calls than one watch may send in a minute: one message instead of a flood. */
    overflow(watch: Watch, count: number): WatchDm;
  };
  /** The access rules, asked again at every delivery: a person no longer allowed gets nothing. */
  mayReceive(watch: Watch): boolean;
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
      await post(watch.userId, await render.call(watch, record));
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
      const active = await watches.activeWatches(now());
      const sends: Promise<void>[] = [];
      for (const watch of active) {
        for (const record of calls) {
          if (!watchWants(watch, record)) continue;
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

  function logFailure(error: unknown): void {
    logger.error({ err: error }, 'watch delivery failed (the store is unavailable?)');
  }

  async function check(): Promise<void> {
    if (stopped) return;
    try {
      for (const watch of await watches.claimExpired(now())) {
        if (!mayReceive(watch)) continue;
        try {
          await post(watch.userId, render.ended(watch));
          logger.info({ watch: watch.id, user: watch.userId }, 'watch ended: DM sent');
        } catch (error) {
          await watches.releaseExpired(watch.id);
          logger.warn({ err: error, watch: watch.id }, 'watch-ended DM failed; retried at the next check');
        }
      }
      const active = new Set((await watches.activeWatches(now())).map((watch) => watch.id));
      for (const [watchId, held] of [...heldBack]) {
        if (!active.has(watchId) || !mayReceive(held.watch)) {
          heldBack.delete(watchId);
          continue;
        }
        try {
          await post(held.watch.userId, render.overflow(held.watch, held.count));
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
