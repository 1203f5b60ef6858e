/**
 * Names and export, wired from a call-record store: what `app.ts` hands the Slack app once it has opened the store
 * (`startApp(config, { …, ...namesAndExport(store) })`), and the background name fetcher it starts beside the
 * sync (`startNameFetcher(store, backend.api, logger)`, stopped on shutdown; `feed.subscribe(() => fetcher.nudge())`
 * makes new users' names follow within seconds).
 */
import { randomBytes } from 'node:crypto';
import { exportCalls } from './calls/export-calls.js';
import type { NameDirectory } from './calls/user-names.js';
import { createNameFetcher, type NameFetcher, type ProfileSource } from './jobs/fetch-user-names.js';
import type { JobLogger } from './jobs/post-daily-summary.js';
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
 * Starts the background name fetcher over `store`, asking `profiles` (the Tencent client). With several processes
 * on one PostgreSQL, a lease makes one of them fetch.
 */
export function startNameFetcher(
  store: CallStore,
  profiles: ProfileSource,
  logger: JobLogger,
  options: { intervalMs?: number } = {},
): NameFetcher {
  const holder = `names-${process.pid}-${randomBytes(4).toString('hex')}`;
  const fetcher = createNameFetcher({
    names: createUserNames(store.db, store.engine),
    profiles,
    logger,
    acquireLease: () => store.acquireLease('user-names', holder, LEASE_SECONDS),
  });
  fetcher.start(options.intervalMs ?? NAME_FETCH_INTERVAL_MS);
  return fetcher;
}
