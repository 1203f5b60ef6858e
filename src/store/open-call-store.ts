/**
 * The call-record store: embedded SQLite in `DATA_DIR` by default, PostgreSQL when `DATABASE_URL` is set, behind
 * one interface. Opening migrates the schema; every operation turns an outage into `StoreUnavailableError`.
 */
import type { Kysely } from 'kysely';
import { type CallReader, type CallWriter, StoreUnavailableError, type WriteProblem } from '../calls/call-store.js';
import type { Logger } from '../shared/logger.js';
import { createCallQueries } from './call-queries.js';
import { createCallWrites } from './call-writes.js';
import { type Engine, openPostgresEngine, openSqliteEngine, type QueryTimer } from './create-engine.js';
import type { Database, EngineName } from './database.js';
import { acquireLease, releaseLease } from './leases.js';
import { migrateToLatest } from './migrate.js';
import { guard } from './store-errors.js';
import { addInvalidRecords, readSyncState, type SyncState, writeSyncState } from './sync-state.js';

export type { SyncState } from './sync-state.js';

export interface CallStore extends CallReader, CallWriter {
  readonly engine: EngineName;
  /** For the repository modules of other features (their own tables, their own migrations). */
  readonly db: Kysely<Database>;
  readSyncState(): Promise<SyncState>;
  writeSyncState(patch: Partial<SyncState>): Promise<void>;
  addInvalidRecords(count: number): Promise<void>;
  /** True when `holder` holds the lease now (taken, extended, or taken over after it expired). */
  acquireLease(name: string, holder: string, ttlSeconds: number): Promise<boolean>;
  releaseLease(name: string, holder: string): Promise<void>;
  /** Deletes the calls that started before `startTime`; returns how many. */
  deleteCallsBefore(startTime: number): Promise<number>;
  close(): Promise<void>;
}

export interface OpenCallStoreOptions {
  /** `postgres://…`: PostgreSQL; absent: the embedded SQLite file in `dataDir`. */
  databaseUrl?: string;
  dataDir: string;
  retentionDays: number;
  logger?: Logger;
  /** Unix seconds (tests move time). */
  now?: () => number;
  /** Times every query; absent: nothing is timed. */
  queryTimer?: QueryTimer;
}

export async function openCallStore(options: OpenCallStoreOptions): Promise<CallStore> {
  const now = options.now ?? (() => Math.floor(Date.now() / 1000));
  const engine = await guard(async () =>
    options.databaseUrl
      ? openPostgresEngine(options.databaseUrl, options.logger, options.queryTimer)
      : openSqliteEngine(options.dataDir, options.logger, options.queryTimer),
  );
  try {
    await guard(() => migrateToLatest(engine));
  } catch (error) {
    await engine.close().catch(() => {});
    throw error;
  }
  options.logger?.info({ engine: engine.name, location: engine.location }, 'Call-record store open');
  return createCallStore(engine, options.retentionDays, now, options.logger);
}

function createCallStore(engine: Engine, retentionDays: number, now: () => number, logger?: Logger): CallStore {
  const { db } = engine;
  let unreadableRows = 0;
  const queries = createCallQueries(db, engine.name, {
    onUnreadableRows(count) {
      unreadableRows += count;
      // Every read of the same rows skips them again: warn on the first, then only at debug level.
      const level = unreadableRows === count ? 'warn' : 'debug';
      logger?.[level]({ skipped: count, skippedTotal: unreadableRows }, 'Skipped stored calls that cannot be read');
    },
  });
  const writes = createCallWrites(engine, now);
  let closed: Promise<void> | undefined;
  let writeProblem: WriteProblem | null = null;
  /** A write: an outage (full disk, read-only file…) is remembered for coverage() until a write succeeds. */
  const write = async <T>(operation: () => Promise<T>): Promise<T> => {
    try {
      const result = await guard(operation);
      writeProblem = null;
      return result;
    } catch (error) {
      if (error instanceof StoreUnavailableError) {
        writeProblem = { since: writeProblem?.since ?? now(), message: error.message.slice(0, 300) };
      }
      throw error;
    }
  };
  return {
    engine: engine.name,
    db,
    findCalls: (filter, options) => guard(() => queries.findCalls(filter, options)),
    countCalls: (filter) => guard(() => queries.countCalls(filter)),
    countCallsByBucket: (filter, bucketSeconds) => guard(() => queries.countCallsByBucket(filter, bucketSeconds)),
    getCall: (callId) => guard(() => queries.getCall(callId)),
    coverage: () =>
      guard(async () => {
        const [state, oldestCall] = await Promise.all([readSyncState(db), queries.oldestStartTime()]);
        return {
          engine: engine.name,
          coveredFrom: state.coveredFrom,
          oldestCall,
          lastSyncAt: state.lastSyncAt,
          backfillDone: state.backfillDone,
          syncProblem: state.syncProblem,
          invalidRecords: state.invalidRecords,
          retentionDays,
          writeProblem,
        };
      }),
    upsertCalls: (records) => write(() => writes.upsertCalls(records)),
    deleteCallsBefore: (startTime) => write(() => writes.deleteCallsBefore(startTime)),
    readSyncState: () => guard(() => readSyncState(db)),
    writeSyncState: (patch) => write(() => writeSyncState(db, patch)),
    addInvalidRecords: (count) => write(() => addInvalidRecords(db, count)),
    acquireLease: (name, holder, ttlSeconds) => guard(() => acquireLease(db, name, holder, ttlSeconds, now())),
    releaseLease: (name, holder) => guard(() => releaseLease(db, name, holder)),
    close() {
      closed ??= engine.close();
      return closed;
    },
  };
}
