/**
 * Opens the database behind the store: an embedded SQLite file in `DATA_DIR`, or a PostgreSQL pool. Both are
 * returned as the same Kysely instance, so every query above this file is written once.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, type LogEvent, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import type { Logger } from '../shared/logger.js';
import type { Metrics } from '../shared/metrics.js';
import { startCheckpointWorker } from './checkpoint-worker.js';
import type { Database, EngineName } from './database.js';
import { dataDirError } from './store-errors.js';

export const SQLITE_FILE_NAME = 'calls.sqlite3';
/**
 * How long a SQLite statement waits for the file's lock INSIDE better-sqlite3, which waits synchronously: the
 * whole process (Slack acknowledgements, callbacks, /healthz) stops meanwhile. So it is tiny, and a write that
 * finds the file locked (an operator's sqlite3 shell, a VACUUM) is retried asynchronously instead
 * (`retryWhileLocked`), up to `SQLITE_LOCK_WAIT_MS`.
 */
export const SQLITE_BUSY_TIMEOUT_MS = 5;
/** How long a SQLite write keeps retrying a locked file (off the event loop) before the store counts as unavailable. */
export const SQLITE_LOCK_WAIT_MS = 5_000;
/** While opening (switching to WAL may wait for another connection opening the same new file): a blocking wait is fine. */
const SQLITE_OPEN_BUSY_TIMEOUT_MS = 5_000;

export interface Engine {
  name: EngineName;
  db: Kysely<Database>;
  /** The SQLite connection (for `BEGIN IMMEDIATE` and pragmas); absent on PostgreSQL. */
  sqlite?: SQLite.Database;
  /** Where the data lives, for messages (the SQLite file path; never a PostgreSQL URL, which may hold a password). */
  location: string;
  /** SQLite: a write found the file locked by another connection and waits for it (logged, once per write). */
  onLocked?: () => void;
  /** Closes the connections (and, on SQLite, stops the checkpoint worker first). */
  close(): Promise<void>;
}

/** What times each query (`callkit_store_query_duration_seconds`); absent: nothing is timed. */
export type QueryTimer = Pick<Metrics, 'storeQuery'>;

/** Kysely's `log` hook: every query's duration, by the kind of its root node (select, insert, update…). */
function timeQueries(timer: QueryTimer | undefined): { log?: (event: LogEvent) => void } {
  if (timer === undefined) return {};
  return {
    log(event) {
      const operation = OPERATIONS[event.query.query.kind] ?? 'other';
      timer.storeQuery(operation, event.queryDurationMillis / 1000);
    },
  };
}

const OPERATIONS: Readonly<Record<string, string>> = {
  SelectQueryNode: 'select',
  InsertQueryNode: 'insert',
  UpdateQueryNode: 'update',
  DeleteQueryNode: 'delete',
  RawNode: 'raw',
};

export function sqliteFilePath(dataDir: string): string {
  return path.resolve(dataDir, SQLITE_FILE_NAME);
}

export function openSqliteEngine(dataDir: string, logger?: Logger, timer?: QueryTimer): Engine {
  const file = sqliteFilePath(dataDir);
  let sqlite: SQLite.Database;
  try {
    mkdirSync(dataDir, { recursive: true });
    sqlite = new SQLite(file);
  } catch (error) {
    throw dataDirError(dataDir, error);
  }
  try {
    // busy_timeout first: switching to WAL while another connection opens the same new file may need to wait.
    sqlite.pragma(`busy_timeout = ${SQLITE_OPEN_BUSY_TIMEOUT_MS}`);
    sqlite.pragma('journal_mode = WAL');
    // NORMAL is durable across process crashes in WAL mode (only an OS crash may lose the last commits, which
    // the next reconcile with Tencent repairs); a 64 MiB page cache keeps the indexes of a large store hot.
    sqlite.pragma('synchronous = NORMAL');
    sqlite.pragma('cache_size = -65536');
    // Checkpoints run on a worker thread (checkpoint-worker.ts), never inside this connection's commits; a WAL
    // that grew (a burst) is cut back to 16 MiB when it starts over.
    sqlite.pragma('wal_autocheckpoint = 0');
    sqlite.pragma(`journal_size_limit = ${16 * 1024 * 1024}`);
    sqlite.pragma(`busy_timeout = ${SQLITE_BUSY_TIMEOUT_MS}`);
  } catch (error) {
    sqlite.close();
    // Switching to WAL is the first write: a folder that can be read but not written fails here.
    throw dataDirError(dataDir, error);
  }
  const checkpoints = startCheckpointWorker({
    file,
    onError: (error) => logger?.warn({ err: error }, 'SQLite checkpoint failed; the next one will try again'),
  });
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }), ...timeQueries(timer) });
  return {
    name: 'sqlite',
    db,
    sqlite,
    location: file,
    onLocked: () =>
      logger?.warn(
        { location: file },
        'The SQLite file is locked by another connection (a sqlite3 shell, a VACUUM, a checkpoint); writes wait for it',
      ),
    async close() {
      // The worker first: the last connection to close checkpoints the WAL and removes it.
      await checkpoints.stop();
      await db.destroy();
    },
  };
}

const INT8_OID = 20;
const NUMERIC_OID = 1700;

export function openPostgresEngine(databaseUrl: string, logger?: Logger, timer?: QueryTimer): Engine {
  const pool = new pg.Pool({
    connectionString: databaseUrl,
    max: 10,
    connectionTimeoutMillis: 5_000,
    idleTimeoutMillis: 30_000,
    // Times are BIGINT and counts come back as BIGINT: read them as numbers (Unix seconds and row counts are far
    // below 2^53).
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
        oid === INT8_OID || oid === NUMERIC_OID
          ? (value: string) => Number(value)
          : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
    },
  });
  // An idle client losing its connection (PostgreSQL restarted) must not crash the process: the pool replaces it.
  // Only the reason: pg attaches the whole client (connection parameters, keys) to this error.
  pool.on('error', (error) =>
    logger?.warn({ reason: error.message }, 'PostgreSQL connection lost; the pool will reconnect'),
  );
  // A client checked out of the pool has no listener of the pool's: losing its connection between two statements
  // (inside a transaction, or before its first query) would emit an unhandled 'error' and crash the process. Its
  // query (or the next one) fails anyway and reaches the caller as StoreUnavailableError; the pool then drops it.
  pool.on('connect', (client) => {
    client.on('error', () => {});
  });
  const url = new URL(databaseUrl);
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }), ...timeQueries(timer) });
  return {
    name: 'postgres',
    db,
    location: `PostgreSQL database ${url.pathname.slice(1)} on ${url.hostname}`,
    close: () => db.destroy(),
  };
}
