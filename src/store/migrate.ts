/**
 * Brings the schema up to date at start-up, safely when several processes (or several openers in one process)
 * start at the same moment: on PostgreSQL, Kysely's Migrator holds an advisory lock and runs in one transaction;
 * on SQLite, openers in this process take turns and each holds `BEGIN IMMEDIATE` (the file's write lock) around
 * the Migrator, so a second process waits and then finds nothing left to do.
 */
import { type Kysely, type Migration, Migrator, sql } from 'kysely';
import type { Engine } from './create-engine.js';
import { MIGRATIONS } from './migrations/index.js';
import { StoreSchemaError } from './store-errors.js';

const sqliteTurns = new Map<string, Promise<unknown>>();

export async function migrateToLatest(engine: Engine): Promise<void> {
  if (engine.sqlite) {
    const sqlite = engine.sqlite;
    await takeTurn(engine.location, async () => {
      sqlite.exec('begin immediate');
      try {
        await runMigrator(engine);
        sqlite.exec('commit');
      } catch (error) {
        if (sqlite.inTransaction) sqlite.exec('rollback');
        throw error;
      }
    });
  } else {
    await runMigrator(engine);
  }
}

async function runMigrator(engine: Engine): Promise<void> {
  const db = engine.db as unknown as Kysely<unknown>;
  const migrations = Object.fromEntries(
    Object.entries(MIGRATIONS).map(([name, migration]) => [
      name,
      { up: (db: Kysely<unknown>) => migration.up(db, engine.name) } satisfies Migration,
    ]),
  );
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => migrations },
    // Features add their migrations on their own branches; a database that ran 004 before 003 was merged is fine.
    allowUnorderedMigrations: true,
    // The schema the connection works in (its search_path), so the migration tables sit beside the data tables.
    migrationTableSchema: engine.name === 'postgres' ? await currentSchema(db) : undefined,
  });
  const { error } = await migrator.migrateToLatest();
  if (error === undefined) return;
  const missing = error instanceof Error ? /previously executed migration (\S+) is missing/.exec(error.message) : null;
  if (missing) {
    throw new StoreSchemaError(
      `The call-record store (${engine.location}) was migrated by a newer version of callkit-slack ` +
        `(it has migration ${missing[1]}, which this version does not know). Run the newer version, ` +
        'or point this one at another store; it will not change a schema it does not know.',
    );
  }
  throw error;
}

async function currentSchema(db: Kysely<unknown>): Promise<string> {
  const { rows } = await sql<{ schema: string | null }>`select current_schema() as schema`.execute(db);
  const schema = rows[0]?.schema;
  if (!schema) throw new StoreSchemaError('The PostgreSQL search_path names no existing schema for the store.');
  return schema;
}

/** Runs `task` after every earlier task for the same key has settled (in this process). */
async function takeTurn<T>(key: string, task: () => Promise<T>): Promise<T> {
  const previous = sqliteTurns.get(key) ?? Promise.resolve();
  const mine = previous.then(task, task);
  const settled = mine.catch(() => {});
  sqliteTurns.set(key, settled);
  try {
    return await mine;
  } finally {
    if (sqliteTurns.get(key) === settled) sqliteTurns.delete(key);
  }
}
