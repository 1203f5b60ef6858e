import { StoreUnavailableError } from './calls/call-store.js';
import { CallGlance } from './calls/glance.js';
import { cleanSentence } from './calls/problem-sentences.js';
import type { WireCallRecord } from './calls/records.js';
import { CallSearch, type CallSearchOptions } from './calls/search-calls.js';
import { TENCENT_RETENTION_SECONDS } from './calls/time-range.js';
import type { Config } from './config.js';
import { generateDataset } from './demo/dataset.js';
import { type DemoServer, startDemoServer } from './demo/server.js';
import type { Logger } from './logger.js';
import { NAME_FETCH_INTERVAL_MS, storeNameFetcher } from './names-wiring.js';
import { type CallStore, openCallStore } from './store/open-call-store.js';
import { createUserNames, type UserNamesRepository } from './store/user-names.js';
import { TencentCallRecordsClient } from './tencent/client.js';
import { TencentError } from './tencent/errors.js';

export interface CallRecordsBackend {
  /** The real Tencent client: pointed at Tencent, or at the embedded demo server over HTTP. The sync uses it. */
  api: TencentCallRecordsClient;
  /** The call-record store every search, summary and glance reads. */
  store: CallStore;
  /** Display names cached in the store (`name:`, every surface, exports); filled by the name fetcher. */
  names: UserNamesRepository;
  search: CallSearch;
  /** The Home tab's header and store footer. */
  glance: CallGlance;
  /** True when the records are generated demo data (no TENCENT_SDKAPPID configured). */
  demo: boolean;
  demoServer?: DemoServer;
  /** Settles when the first sync pass has finished (or failed, or was not started): never rejects. */
  firstSync: Promise<void>;
  /** Stops the sync, closes the store, the client's connections and the demo server. Safe to call more than once. */
  close(): Promise<void>;
}

/**
 * `run`: keep the store synced in the background (the app); `once`: one pass before the backend is returned (the
 * CLI in demo mode, so a search has something to read); `off`: read the store as it is.
 */
export type SyncMode = 'run' | 'once' | 'off';

export interface BackendOptions {
  logger?: Logger;
  demo?: {
    /** Default: generated calls for the last 7 days. */
    records?: WireCallRecord[];
    /** Added to every demo answer, to feel like a real network. */
    latencyMs?: number;
  };
  search?: CallSearchOptions;
  /** Default `run`. */
  sync?: SyncMode;
  /** Unix seconds; default the real clock. */
  now?: () => number;
}

/**
 * The data side of the app, shared by the Slack app and the CLI: the call-record store (embedded SQLite in
 * DATA_DIR, or PostgreSQL with DATABASE_URL), the Tencent client that fills it, and the searches that read it.
 * Demo mode (no TENCENT_SDKAPPID) starts the demo API server on a loopback port and fills the store from it
 * through the same client and the same sync, over HTTP, so demo mode exercises everything a real deployment does.
 */
export async function createCallRecordsBackend(
  config: Config,
  options: BackendOptions = {},
): Promise<CallRecordsBackend> {
  const logger = options.logger;
  const now = options.now ?? (() => Math.floor(Date.now() / 1000));
  const closers: Array<() => Promise<void>> = [];
  const closeAll = async () => {
    for (const close of closers.splice(0).reverse()) await close().catch(() => {});
  };
  try {
    let demoServer: DemoServer | undefined;
    let client: ConstructorParameters<typeof TencentCallRecordsClient>[0];
    if (config.tencent.mode === 'live') {
      const tencent = config.tencent;
      client = {
        sdkAppId: tencent.sdkAppId,
        secretKey: tencent.secretKey.reveal(),
        adminUser: tencent.adminUser,
        region: tencent.region,
        ...(tencent.baseUrl === undefined ? {} : { baseUrl: tencent.baseUrl }),
        maxQps: config.maxQps,
      };
    } else {
      const server = await startDemoServer({
        records: options.demo?.records ?? generateDataset({ seed: 42, now: now() }),
        ...(options.demo?.latencyMs === undefined ? {} : { latencyMs: options.demo.latencyMs }),
      });
      demoServer = server;
      closers.push(() => server.close());
      logger?.info({ url: server.url, records: server.records.length }, 'demo mode: embedded demo API server');
      client = {
        sdkAppId: server.sdkAppId,
        secretKey: server.secretKey,
        adminUser: server.adminUser,
        baseUrl: server.url,
        maxQps: config.maxQps,
      };
    }
    const api = new TencentCallRecordsClient({ ...client, ...(logger === undefined ? {} : { logger }) });
    closers.push(() => api.close());
    const store = await openCallStore({
      ...(config.store.databaseUrl === undefined ? {} : { databaseUrl: config.store.databaseUrl.reveal() }),
      dataDir: config.store.dataDir,
      retentionDays: config.store.retentionDays,
      ...(logger === undefined ? {} : { logger }),
      now,
    });
    closers.push(() => store.close());

    const search = new CallSearch(
      store,
      { now, ...options.search },
      {
        api,
        writer: store,
        onWriteError: (error) => logger?.warn({ err: error }, 'could not keep a call found at Tencent in the store'),
      },
    );
    const glance = new CallGlance(store, {
      now,
      onError: (error) => logger?.warn({ err: error }, 'Home tab glance unavailable'),
    });

    // SYNC WIRING: until branch `sync` lands, one pass of `syncOnce` below fills the store. With it, `run` becomes
    // `startSync({ store, api, config, logger, … })` from src/jobs/sync-job.ts (its stop() pushed to `closers`),
    // and `once` its single pass.
    const mode = options.sync ?? 'run';
    let firstSync: Promise<void> = Promise.resolve();
    // Names follow the sync (the users of stored calls): right after its first pass, then in the background.
    const names = createUserNames(store.db, store.engine);
    const fetcher = mode === 'off' ? undefined : storeNameFetcher(store, api, logger ?? SILENT_JOB_LOGGER);
    if (fetcher !== undefined) closers.push(() => fetcher.stop());
    if (mode !== 'off') {
      const pass = syncOnce(api, store, now, logger).then(async () => {
        await fetcher?.runOnce();
      });
      if (mode === 'once') await pass;
      else {
        firstSync = pass;
        closers.push(() => pass);
        fetcher?.start(NAME_FETCH_INTERVAL_MS, { immediately: false });
      }
    }

    let closing: Promise<void> | undefined;
    return {
      api,
      store,
      names,
      search,
      glance,
      demo: demoServer !== undefined,
      ...(demoServer === undefined ? {} : { demoServer }),
      firstSync,
      close() {
        closing ??= closeAll();
        return closing;
      },
    };
  } catch (error) {
    await closeAll();
    throw error;
  }
}

/**
 * PROVISIONAL, replaced by the sync (branch `sync`): downloads Tencent's whole retained window into the store and
 * records the coverage, or the failure as the sync's problem. Never rejects.
 */
async function syncOnce(
  api: TencentCallRecordsClient,
  store: CallStore,
  now: () => number,
  logger: Logger | undefined,
): Promise<void> {
  const to = now();
  const from = to - TENCENT_RETENTION_SECONDS + 600;
  try {
    let batch = [];
    for await (const record of api.scan({ startTime: from, endTime: to })) {
      batch.push(record);
      if (batch.length >= 1000) {
        await store.upsertCalls(batch);
        batch = [];
      }
    }
    await store.upsertCalls(batch);
    await store.writeSyncState({ coveredFrom: from, backfillDone: true, lastSyncAt: to, syncProblem: null });
  } catch (error) {
    logger?.warn({ err: error }, 'sync failed');
    const kind =
      error instanceof TencentError ? error.kind : error instanceof StoreUnavailableError ? 'store' : 'error';
    const detail = cleanSentence(error instanceof Error ? error.message : String(error));
    const message = kind === 'auth' ? `The app cannot sign in to Tencent: ${detail}` : detail;
    await store.writeSyncState({ syncProblem: { at: to, kind, message } }).catch(() => {});
  }
}

/** For a backend built without a logger: the fetcher's lines go nowhere. */
const SILENT_JOB_LOGGER = { info() {}, warn() {}, error() {} };
