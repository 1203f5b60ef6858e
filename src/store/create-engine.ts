/**
 * Opens the database behind the store: an embedded SQLite file in `DATA_DIR`, or a PostgreSQL pool. Both are
 * returned as the same Kysely instance, so every query above this file is written once.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import type { Logger } from '../logger.js';
import type { Database, EngineName } from './database.js';

export const SQLITE_FILE_NAME = 'calls.sqlite3';
/** How long a SQLite writer waits for another writer before the store counts as unavailable. */
export const SQLITE_BUSY_TIMEOUT_MS = 5_000;

export interface Engine {
  name: EngineName;
  db: Kysely<Database>;
  /** The SQLite connection (for `BEGIN IMMEDIATE` and pragmas); absent on PostgreSQL. */
  sqlite?: SQLite.Database;
  /** Where the data lives, for messages (the SQLite file path; never a PostgreSQL URL, which may hold a password). */
  location: string;
}

export function sqliteFilePath(dataDir: string): string {
  return path.resolve(dataDir, SQLITE_FILE_NAME);
}

export function openSqliteEngine(dataDir: string): Engine {
  mkdirSync(dataDir, { recursive: true });
  const file = sqliteFilePath(dataDir);
  const sqlite = new SQLite(file);
  try {
    // busy_timeout first: switching to WAL while another connection opens the same new file may need to wait.
    sqlite.pragma(`busy_timeout = ${SQLITE_BUSY_TIMEOUT_MS}`);
    sqlite.pragma('journal_mode = WAL');
    // NORMAL is durable across process crashes in WAL mode (only an OS crash may lose the last commits, which
    // the next reconcile with Tencent repairs); a 64 MiB page cache keeps the indexes of a large store hot.
    sqlite.pragma('synchronous = NORMAL');
    sqlite.pragma('cache_size = -65536');
  } catch (error) {
    sqlite.close();
    throw error;
  }
  return {
    name: 'sqlite',
    db: new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) }),
    sqlite,
    location: file,
  };
}

const INT8_OID = 20;
const NUMERIC_OID = 1700;

export function openPostgresEngine(databaseUrl: string, logger?: Logger): Engine {
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
  return {
    name: 'postgres',
    db: new Kysely<Database>({ dialect: new PostgresDialect({ pool }) }),
    location: `PostgreSQL database ${url.pathname.slice(1)} on ${url.hostname}`,
  };
}
