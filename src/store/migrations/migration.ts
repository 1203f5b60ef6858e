import { type Kysely, sql } from 'kysely';
import type { EngineName } from '../database.js';

/**
 * One versioned step of the schema. `up` gets the engine so the few places where SQLite and PostgreSQL differ
 * (column types, `WITHOUT ROWID`, descending keys) are written side by side. Migrations only go forward.
 */
export interface StoreMigration {
  up(db: Kysely<unknown>, engine: EngineName): Promise<void>;
}

/** Runs DDL statements in order. */
export async function runStatements(db: Kysely<unknown>, statements: readonly string[]): Promise<void> {
  for (const statement of statements) await sql.raw(statement).execute(db);
}

/** The column type for Unix seconds and counters: 64-bit on both engines. */
export function bigintType(engine: EngineName): string {
  return engine === 'postgres' ? 'bigint' : 'integer';
}
