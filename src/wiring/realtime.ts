/**
 * The real-time parts as the service wires them, in one place: the Tencent callback route (when
 * TENCENT_CALLBACK_TOKEN is set), the watch services `/calls watch` needs, and the job that sends watch DMs from the
 * new-calls feed. Without a callback token the same feed is fed by the sync, so watches work either way, later by
 * up to SYNC_INTERVAL.
 *
 * src/wiring/service.ts does it: `createRealtime(...)`, then `startApp` with `routes` and `watches`, then `startJobs(...)`
 * with the app's client; on stop the job stops before the store closes.
 */
import type { CallWriter } from '../calls/call-store.js';
import type { NewCallsFeed } from '../calls/new-calls.js';
import type { WatchStore } from '../calls/watch-rules.js';
import type { Config } from '../config/index.js';
import {
  MAX_DMS_PER_WATCH_PER_MINUTE,
  startWatchDelivery,
  type WatchDelivery,
  type WatchDeliveryOptions,
} from '../jobs/deliver-watches.js';
import type { Logger } from '../shared/logger.js';
import type { Metrics } from '../shared/metrics.js';
import { checkAccess } from '../slack/access.js';
import type { MatchingRoute } from '../slack/http/route-server.js';
import type { WatchServices } from '../slack/services.js';
import { slackRefusedForGood } from '../slack/slack-api-error.js';
import { renderWatchEnded, renderWatchedCall, renderWatchOverflow } from '../slack/views/watch.js';
import type { EngineName, StoreDb } from '../store/database.js';
import { createUserNames } from '../store/user-names.js';
import { createWatchStore } from '../store/watch-repository.js';
import { type CallbackRoute, createCallbackRoute } from '../tencent/callback-route.js';

export interface RealtimeDeps {
  config: Config;
  store: Pick<CallWriter, 'upsertCalls'> & {
    db: StoreDb;
    engine: EngineName;
    addInvalidRecords(count: number): Promise<void>;
  };
  /** The feed the sync publishes to as well. */
  feed: NewCallsFeed;
  /** TENCENT_SDKAPPID, or the demo server's in demo mode: the only SdkAppid callbacks are accepted for. */
  sdkAppId: number;
  demo: boolean;
  logger: Logger;
  /** Where callbacks are counted; absent: not recorded. */
  metrics?: Pick<Metrics, 'callback'>;
  /** Unix seconds; default the real clock. */
  now?: () => number;
  /** Tests: how often expiries are checked (default 60 s), and the callback's body timeout. */
  watchCheckEveryMs?: number;
  callbackBodyTimeoutMs?: number;
}

export interface Realtime {
  /** The callback route (empty without TENCENT_CALLBACK_TOKEN): pass to startApp's `routes`. */
  routes: MatchingRoute[];
  callback?: CallbackRoute;
  /** Pass to startApp's `watches`. */
  watches: WatchServices;
  watchStore: WatchStore;
  /** Starts the watch DMs, through the app's own WebClient. */
  startJobs(slack: { client: WatchDeliveryOptions['client']; teamId: string }): WatchDelivery;
}

export function createRealtime(deps: RealtimeDeps): Realtime {
  const { config, logger } = deps;
  const token = config.callback.token?.reveal();
  const signToken = config.callback.signToken?.reveal();
  const callback =
    token === undefined
      ? undefined
      : createCallbackRoute({
          token,
          sdkAppId: deps.sdkAppId,
          ...(signToken === undefined ? {} : { signToken }),
          store: deps.store,
          feed: deps.feed,
          logger,
          ...(deps.metrics === undefined ? {} : { metrics: deps.metrics }),
          ...(deps.now === undefined ? {} : { now: deps.now }),
          ...(deps.callbackBodyTimeoutMs === undefined ? {} : { bodyTimeoutMs: deps.callbackBodyTimeoutMs }),
        });
  const watchStore = createWatchStore(deps.store.db, deps.store.engine);
  const watches: WatchServices = {
    store: watchStore,
    days: config.watchDays,
    ...(callback === undefined ? { viaSync: { intervalSeconds: config.store.syncIntervalSeconds } } : {}),
  };
  return {
    routes: callback === undefined ? [] : [callback],
    ...(callback === undefined ? {} : { callback }),
    watches,
    watchStore,
    startJobs({ client, teamId }) {
      const policy = { teamId, users: config.access.users, channels: config.access.channels };
      const timeZone = config.defaultTimeZone;
      return startWatchDelivery({
        watches: watchStore,
        feed: deps.feed,
        client,
        render: {
          call: (watch, record, names) =>
            renderWatchedCall(watch, record, {
              demo: deps.demo,
              timeZone,
              names,
              ...(config.publicUrl === undefined ? {} : { publicUrl: config.publicUrl }),
            }),
          ended: (watch, names) => renderWatchEnded(watch, { demo: deps.demo, watchDays: config.watchDays, names }),
          overflow: (watch, count, names) =>
            renderWatchOverflow(watch, count, { demo: deps.demo, perMinute: MAX_DMS_PER_WATCH_PER_MINUTE, names }),
        },
        // The store's name cache, as every search reads it: a DM never waits on Tencent for a name.
        names: createUserNames(deps.store.db, deps.store.engine),
        refusedForGood: slackRefusedForGood,
        mayReceive: (watch) =>
          checkAccess(policy, {
            surface: 'command',
            teamId: watch.teamId,
            userId: watch.userId,
            ...(watch.channelId === '' ? {} : { channelId: watch.channelId }),
          }).allowed,
        logger,
        ...(deps.now === undefined ? {} : { now: deps.now }),
        ...(deps.watchCheckEveryMs === undefined ? {} : { checkEveryMs: deps.watchCheckEveryMs }),
      });
    },
  };
}
