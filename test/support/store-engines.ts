/**
 * Both store engines, the same way, for contract tests:
 *
 *   describe.each(storeEngines())('$name store', (engine) => {
 *     it('…', async () => { const store = await engine.open(); … });
 *   });
 *
 * `open()` gives a fresh, empty, migrated store: SQLite in a new temp DATA_DIR; PostgreSQL in a new schema of
 * the run's own database (see postgres-global-setup.ts). Everything opened is closed and removed after the file
 * (test/support/after-each-file.ts).
 * PostgreSQL is left out when TEST_DATABASE_URL is not set.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { inject } from 'vitest';
import type { EngineName } from '../../src/store/database.js';
import { type CallStore, type OpenCallStoreOptions, openCallStore } from '../../src/store/open-call-store.js';

/** Where a store lives: what `openCallStore` needs besides retention, logger and clock. */
export interface StoreLocation {
  dataDir: string;
  databaseUrl?: string;
}

export interface TestStoreEngine {
  name: EngineName;
  /** A fresh, empty place for a store (not yet migrated): to open it several times, or from another process. */
  location(): Promise<StoreLocation>;
  /** A fresh, empty, migrated store; `at` opens an existing location instead. */
  open(options?: Partial<OpenCallStoreOptions> & { at?: StoreLocation }): Promise<CallStore>;
}

/** The run's PostgreSQL database URL, or null when PostgreSQL tests are skipped. */
export function testDatabaseUrl(): string | null {
  return inject('testDatabaseUrl') ?? process.env.CALLKIT_TEST_DATABASE_URL ?? null;
}

const cleanups: (() => Promise<void> | void)[] = [];

/** Closes and removes every store opened: after every test file (test/support/after-each-file.ts). */
export async function closeTestStores(): Promise<void> {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
}

export function storeEngines(): TestStoreEngine[] {
  const url = testDatabaseUrl();
  const engines: TestStoreEngine[] = [sqliteEngine()];
  if (url) engines.push(engine('postgres', () => postgresLocation(url)));
  return engines;
}

/** The embedded engine alone (tests of what only SQLite has: its file, its lock, DATA_DIR). */
export function sqliteEngine(): TestStoreEngine {
  return engine('sqlite', sqliteLocation);
}

function engine(name: EngineName, location: () => Promise<StoreLocation>): TestStoreEngine {
  return {
    name,
    location,
    async open(options = {}) {
      const { at, ...rest } = options;
      const store = await openCallStore({ retentionDays: 90, ...(at ?? (await location())), ...rest });
      cleanups.push(() => store.close());
      return store;
    },
  };
}

async function sqliteLocation(): Promise<StoreLocation> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'callkit-store-'));
  cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
  return { dataDir };
}

/** A new schema in the run's database, reached through `search_path` in the URL. */
async function postgresLocation(url: string): Promise<StoreLocation> {
  const schema = `store_${randomBytes(5).toString('hex')}`;
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`create schema ${schema}`);
  } finally {
    await client.end();
  }
  const withSchema = new URL(url);
  withSchema.searchParams.set('options', `-c search_path=${schema}`);
  const dataDir = mkdtempSync(path.join(tmpdir(), 'callkit-store-pg-'));
  cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
  return { dataDir, databaseUrl: withSchema.toString() };
}
