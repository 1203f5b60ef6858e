/**
 * The name fetcher over a call-record store, as the backend runs it beside the sync: after the sync's first pass,
 * soon after new calls (the new-calls feed nudges it), and every `NAME_FETCH_INTERVAL_MS`.
 */
import { randomBytes } from 'node:crypto';
import { createNameFetcher, type NameFetcher, type ProfileSource } from '../jobs/fetch-user-names.js';
import type { LogSink } from '../shared/log-sink.js';
import type { CallStore } from '../store/open-call-store.js';
import { createUserNames } from '../store/user-names.js';

/** How often the fetcher looks for users without a fresh name. */
export const NAME_FETCH_INTERVAL_MS = 60_000;
const LEASE_SECONDS = 120;

/**
 * The name fetcher over `store`, asking `profiles` (the Tencent client); not started (`start(NAME_FETCH_INTERVAL_MS)`
 * runs it in the background, `runOnce()` once). With several processes on one PostgreSQL, a lease makes one of
 * them fetch.
 */
export function storeNameFetcher(store: CallStore, profiles: ProfileSource, logger: LogSink): NameFetcher {
  const holder = `names-${process.pid}-${randomBytes(4).toString('hex')}`;
  return createNameFetcher({
    names: createUserNames(store.db, store.engine),
    profiles,
    logger,
    acquireLease: () => store.acquireLease('user-names', holder, LEASE_SECONDS),
  });
}
