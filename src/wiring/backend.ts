import { CallGlance } from '../calls/glance.js';
import { createNewCallsFeed, type NewCallsFeed } from '../calls/new-calls.js';
import type { WireCallRecord } from '../calls/records.js';
import { CallSearch, type CallSearchOptions } from '../calls/search-calls.js';
import type { Config } from '../config/index.js';
import { generateDataset } from '../demo/dataset.js';
import { type DemoServer, startDemoServer } from '../demo/server.js';
import { type SyncJob, startSync } from '../jobs/sync-job.js';
import type { Logger } from '../shared/logger.js';
import { Metrics } from '../shared/metrics.js';
import { claimDataDir } from '../store/data-dir-claim.js';
import { type CallStore, openCallStore } from '../store/open-call-store.js';
import { createStoreFigures, type StoreFigures } from '../store/operations-queries.js';
import { createUserNames, type UserNamesRepository } from '../store/user-names.js';
import { TencentCallRecordsClient } from '../tencent/client.js';
import { NAME_FETCH_INTERVAL_MS, storeNameFetcher } from './names.js';

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
  /** New calls as the sync stores them: incidents and watches subscribe here. */
  feed: NewCallsFeed;
  /** The sync (mode `run`), or undefined. */
  sync?: SyncJob;
  /** True when the records are generated demo data (no TENCENT_SDKAPPID configured). */
  demo: boolean;
  demoServer?: DemoServer;
  /** Every Prometheus metric of this process (`/metrics`), or undefined when metrics are off. */
  metrics?: Metrics;
  /** Open incidents, active watches, stored calls: for `/metrics` and `/calls status`. */
  figures: StoreFigures;
  /** Settles when the first sync pass has finished (or failed, or was not started): never rejects. */
  firstSync: Promise<void>;
  /** Stops the sync, closes the store, the client's connections and the demo server. Safe to call more than once. */
  close(): Promise<void>;
}

/**
 * `run`: the app: claim DATA_DIR (one app process per embedded store) and keep the store synced in the background;
 * `once`: one full pass before the backend is returned (the CLI in demo mode, so a search has something to read);
 * `off`: read the store as it is (the CLI in live mode, `npm run sync`, which runs the sync itself).
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
  /** Default: a registry of this process's own; `false`: nothing is recorded (the bench's baseline). */
  metrics?: Metrics | false;
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
  const metrics = options.metrics === false ? undefined : (options.metrics ?? new Metrics({ now }));
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
    const api = new TencentCallRecordsClient({
      ...client,
      ...(logger === undefined ? {} : { logger }),
      ...(metrics === undefined ? {} : { metrics }),
    });
    closers.push(() => api.close());
    const store = await openCallStore({
      ...(config.store.databaseUrl === undefined ? {} : { databaseUrl: config.store.databaseUrl.reveal() }),
      dataDir: config.store.dataDir,
      retentionDays: config.store.retentionDays,
      ...(logger === undefined ? {} : { logger }),
      ...(metrics === undefined ? {} : { queryTimer: metrics }),
      now,
    });
    closers.push(() => store.close());
    const figures = createStoreFigures(store.db, store.engine);
    metrics?.watchStore({
      incidentsOpen: () => figures.incidentsOpen(),
      watchesActive: () => figures.watchesActive(now()),
      storeCalls: () => figures.storeCalls(),
    });

    const feed = createNewCallsFeed((error) => logger?.error({ err: error }, 'a new-calls listener failed'));
    const search = new CallSearch(
      store,
      { now, ...options.search },
      {
        api,
        writer: store,
        feed,
        onWriteError: (error) => logger?.warn({ err: error }, 'could not keep a call found at Tencent in the store'),
      },
    );
    const glance = new CallGlance(store, {
      now,
      onError: (error) => logger?.warn({ err: error }, 'Home tab glance unavailable'),
    });

    const mode = options.sync ?? 'run';
    let firstSync: Promise<void> = Promise.resolve();
    // Names follow the sync (the users of stored calls): after its first pass, soon after new calls, every minute.
    const names = createUserNames(store.db, store.engine);
    const fetcher = mode === 'off' ? undefined : storeNameFetcher(store, api, logger ?? SILENT);
    if (fetcher !== undefined) {
      closers.push(() => fetcher.stop());
      // Only the new calls' users: a pass per burst that costs the same however many users the store has seen.
      feed.subscribe((calls) => fetcher.nudge(calls.flatMap((call) => [call.caller, ...call.callees])));
    }
    let sync: SyncJob | undefined;
    if (mode === 'run') {
      const claim = await claimDataDir(store, {
        dataDir: config.store.dataDir,
        ...(logger === undefined ? {} : { logger }),
      });
      closers.push(() => claim.release());
    }
    if (mode !== 'off') {
      let firstReport: () => void = () => {};
      const reported = new Promise<void>((resolve) => {
        firstReport = resolve;
      });
      firstSync = reported.then(async () => {
        await fetcher?.runOnce();
      });
      const job = startSync({
        api,
        store,
        feed,
        logger: logger ?? SILENT,
        intervalSeconds: config.store.syncIntervalSeconds,
        retentionDays: config.store.retentionDays,
        now,
        schedule: mode === 'run',
        onReport: (report) => {
          metrics?.syncPass(report.outcome, now());
          firstReport();
        },
      });
      closers.push(() => job.stop());
      if (mode === 'once') {
        await job.runOnce({ full: true });
        await fetcher?.runOnce();
      } else {
        sync = job;
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
      feed,
      figures,
      ...(metrics === undefined ? {} : { metrics }),
      ...(sync === undefined ? {} : { sync }),
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

const SILENT = { debug() {}, info() {}, warn() {}, error() {} };
