/**
 * Names and export, wired from a call-record store: what the service hands the Slack app
 * (`startApp(config, { …, ...namesAndExport(store) })`), and the name fetcher the backend runs beside the sync
 * (`storeNameFetcher(store, backend.api, logger)`; the sync's new calls may `nudge()` it so that new users' names
 * follow within seconds).
 */
import { randomBytes } from 'node:crypto';
import { exportCalls } from './calls/export-calls.js';
import type { NameDirectory } from './calls/user-names.js';
import { createNameFetcher, type NameFetcher, type ProfileSource } from './jobs/fetch-user-names.js';
import type { JobLogger } from './jobs/summary-schedule.js';
import type { ExportCalls } from './slack/services.js';
import type { CallStore } from './store/open-call-store.js';
import { createUserNames } from './store/user-names.js';

/** The name directory and the CSV export over `store`. */
export function namesAndExport(store: CallStore): { names: NameDirectory; exportCalls: ExportCalls } {
  const names = createUserNames(store.db, store.engine);
  return { names, exportCalls: (query, timeZone) => exportCalls(store, names, query, { timeZone }) };
}

/** How often the fetcher looks for users without a fresh name. */
export const NAME_FETCH_INTERVAL_MS = 60_000;
const LEASE_SECONDS = 120;

/**
 * The name fetcher over `store`, asking `profiles` (the Tencent client); not started (`start(NAME_FETCH_INTERVAL_MS)`
 * runs it in the background, `runOnce()` once). With several processes on one PostgreSQL, a lease makes one of
 * them fetch.
 */
export function storeNameFetcher(store: CallStore, profiles: ProfileSource, logger: JobLogger): NameFetcher {
  const holder = `names-${process.pid}-${randomBytes(4).toString('hex')}`;
  return createNameFetcher({
    names: createUserNames(store.db, store.engine),
    profiles,
    logger,
    acquireLease: () => store.acquireLease('user-names', holder, LEASE_SECONDS),
  });
}
