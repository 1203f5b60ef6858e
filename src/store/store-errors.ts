/**
 * The store's typed failures. A database that cannot be reached or written (connection refused, file unwritable,
 * SQLITE_BUSY past the busy timeout) becomes the domain's `StoreUnavailableError`; a row that does not parse is a
 * `StoreRowError`; a schema newer than this code is a `StoreSchemaError`. Anything else is a bug and passes through.
 */
import { StoreUnavailableError } from '../calls/call-store.js';
import { AppError } from '../shared/errors.js';
import { SQLITE_LOCK_WAIT_MS } from './create-engine.js';

export { StoreUnavailableError } from '../calls/call-store.js';

/** A stored row that does not have the shape this code expects (a corrupted or hand-edited database). */
export class StoreRowError extends AppError {
  override readonly name = 'StoreRowError';
  readonly code = 'store-row';
  constructor(
    readonly table: string,
    readonly problem: string,
  ) {
    super(`A row of the store's ${table} table is invalid: ${problem}`);
  }
}

/**
 * DATA_DIR cannot hold the embedded store: a file is in the way, the folder cannot be created or written (a
 * read-only file system, no permission), or its disk is full. One sentence naming DATA_DIR and what to do.
 */
export class DataDirError extends StoreUnavailableError {}

const NOT_A_FOLDER = new Set(['EEXIST', 'ENOTDIR']);
const DISK_FULL = new Set(['ENOSPC', 'EDQUOT', 'SQLITE_FULL']);
const CANNOT_WRITE = /^(EACCES|EPERM|EROFS|ENOENT|EISDIR|ELOOP|ENAMETOOLONG|SQLITE_(CANTOPEN|READONLY|PERM|IOERR))/;

/** The DataDirError for a file-system error met while opening the store in `dataDir`; other errors as they are. */
export function dataDirError(dataDir: string, error: unknown): unknown {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return error;
  const shown = dataDir.slice(0, 200);
  const other = 'point DATA_DIR at a folder the app can create and write, or set DATABASE_URL';
  let message: string | undefined;
  if (NOT_A_FOLDER.has(code)) message = `DATA_DIR (${shown}) is not a folder: a file is in its way; ${other}.`;
  else if (DISK_FULL.has(code)) message = `The disk of DATA_DIR (${shown}) is full: free some space, or ${other}.`;
  else if (CANNOT_WRITE.test(code)) message = `DATA_DIR (${shown}) cannot be created or written (${code}); ${other}.`;
  return message === undefined ? error : new DataDirError(message, { cause: error });
}

/** The database was migrated by a newer version of callkit-slack (or is otherwise not this code's schema). */
export class StoreSchemaError extends AppError {
  readonly code = 'store-schema';
  override readonly name = 'StoreSchemaError';
}

const UNAVAILABLE_SQLITE = /^SQLITE_(BUSY|LOCKED|CANTOPEN|READONLY|IOERR|FULL|PERM|NOTADB|CORRUPT|AUTH|PROTOCOL)/;
const UNAVAILABLE_NODE = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
  'EACCES',
  'EPERM',
  'EROFS',
  'ENOSPC',
  'ENOTDIR',
  'EISDIR',
]);
// PostgreSQL SQLSTATEs: connection exceptions (08), shutdown or starting (57P0x), too many connections, no such
// database, authentication failures, a full disk, a read-only database (a standby): all mean "the store cannot be
// reached or written", not a bug in a query.
const UNAVAILABLE_PG = /^(08...|57P0[1-4]|53100|53300|3D000|28000|28P01|25006)$/;
const UNAVAILABLE_MESSAGE =
  /Connection terminated|timeout exceeded when trying to connect|not queryable|database connection is not open|Cannot use a pool after calling end|connect ECONNREFUSED/i;

/** True when the error means the database cannot be reached or written, rather than a bug. */
export function isUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (error instanceof StoreUnavailableError) return true;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') {
    if (UNAVAILABLE_SQLITE.test(code) || UNAVAILABLE_NODE.has(code) || UNAVAILABLE_PG.test(code)) return true;
  }
  if (error instanceof AggregateError && error.errors.some(isUnavailable)) return true;
  return UNAVAILABLE_MESSAGE.test(error.message);
}

/** The error a caller should see: `StoreUnavailableError` for an outage, the error itself otherwise. */
export function toStoreError(error: unknown): unknown {
  if (error instanceof StoreUnavailableError || !isUnavailable(error)) return error;
  const reason = error instanceof Error ? error.message || (error as { code?: string }).code : String(error);
  return new StoreUnavailableError(`The call-record store is unavailable (${reason}).`, { cause: error });
}

/** Runs a store operation, turning an outage into `StoreUnavailableError` (a locked SQLite file is waited for). */
export async function guard<T>(operation: () => Promise<T>): Promise<T> {
  try {
    return await retryWhileLocked(operation);
  } catch (error) {
    throw toStoreError(error);
  }
}

/** SQLite's answer when another connection holds the lock past the (tiny) busy timeout. */
export function isSqliteLocked(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'SQLITE_BUSY' || code === 'SQLITE_BUSY_SNAPSHOT' || code === 'SQLITE_LOCKED';
}

/** Pauses between attempts on a locked SQLite file: short at first, then at most 100 ms. */
const LOCK_BACKOFF_MS = [5, 10, 20, 40, 80, 100];

/**
 * Runs `operation` again while it fails because another connection holds the SQLite file's lock (an operator's
 * `sqlite3` shell, a VACUUM), waiting between attempts with timers rather than inside better-sqlite3, which would
 * stop the whole event loop. A failed SQLite statement did nothing, so running it again is safe; an operation that
 * is several transactions retries inside each one (`writeTransaction`) and gives up with `StoreUnavailableError`,
 * which is not retried here. After `SQLITE_LOCK_WAIT_MS` the store counts as unavailable. PostgreSQL errors never
 * match.
 */
export async function retryWhileLocked<T>(
  operation: () => Promise<T>,
  options: { waitMs?: number; onLocked?: () => void } = {},
): Promise<T> {
  const deadline = performance.now() + (options.waitMs ?? SQLITE_LOCK_WAIT_MS);
  for (let attempt = 0; ; attempt++) {
    try {
      return await operation();
    } catch (error) {
      if (!isSqliteLocked(error) || performance.now() >= deadline) throw error;
      if (attempt === 0) options.onLocked?.();
      const pause = LOCK_BACKOFF_MS[Math.min(attempt, LOCK_BACKOFF_MS.length - 1)] ?? 100;
      await new Promise((resolve) => setTimeout(resolve, pause));
    }
  }
}
