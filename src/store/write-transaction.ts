/**
 * A transaction that writes. On PostgreSQL, an ordinary transaction. On SQLite, `BEGIN IMMEDIATE` (the file's
 * write lock up front, so a transaction that reads before it writes never finds another writer's commit in its
 * way), taken in turns with the other connections of this process to the same file: better-sqlite3 waits for a
 * lock synchronously, so a second connection waiting here would stop the event loop the first one needs to commit.
 * Inside `work`, use only the `db` it is given: the store's own handle waits until the transaction ends.
 */
import { type Kysely, sql } from 'kysely';
import type { Engine } from './create-engine.js';
import type { Database } from './database.js';
import { retryWhileLocked, toStoreError } from './store-errors.js';

const turns = new Map<string, Promise<unknown>>();

export async function writeTransaction<T>(
  engine: Pick<Engine, 'name' | 'db' | 'location' | 'onLocked'>,
  work: (db: Kysely<Database>) => Promise<T>,
): Promise<T> {
  if (engine.name === 'postgres') return retryDeadlock(() => engine.db.transaction().execute(work));
  return takeTurn(engine.location, async () => {
    try {
      // Only BEGIN IMMEDIATE can find the file locked (then the lock is ours until COMMIT); each attempt gives
      // the connection back while it waits, so reads go on meanwhile.
      return await retryWhileLocked(
        () =>
          engine.db.connection().execute(async (db) => {
            await sql`begin immediate`.execute(db);
            try {
              const result = await work(db);
              await sql`commit`.execute(db);
              return result;
            } catch (error) {
              await sql`rollback`.execute(db).catch(() => {});
              throw error;
            }
          }),
        { onLocked: engine.onLocked },
      );
    } catch (error) {
      // Given up: an outage, which the caller's guard must not retry once more (earlier batches are committed).
      throw toStoreError(error);
    }
  });
}

/** PostgreSQL aborts one of two transactions that wait on each other; running it again then succeeds. */
async function retryDeadlock<T>(run: () => Promise<T>, attempts = 3): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      if (attempt >= attempts || (code !== '40P01' && code !== '40001')) throw error;
    }
  }
}

/** Runs `task` after every earlier task for the same key has settled (in this process). */
export async function takeTurn<T>(key: string, task: () => Promise<T>): Promise<T> {
  const previous = turns.get(key) ?? Promise.resolve();
  const mine = previous.then(task, task);
  const settled = mine.catch(() => {});
  turns.set(key, settled);
  try {
    return await mine;
  } finally {
    if (turns.get(key) === settled) turns.delete(key);
  }
}
