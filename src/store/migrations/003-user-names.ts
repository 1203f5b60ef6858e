/**
 * Display names (Tencent Chat nicknames) cached for a day: one row per user the store has seen and asked about.
 * `name` is null for a user without a profile; `name_key` is the name in `nameSearchKey` form (lower case, no
 * accents) that `name:` searches compare with.
 *
 * Trade-off, on purpose: a contains-search (`name:"li w"`) cannot use a B-tree index, and the index that could
 * (PostgreSQL's pg_trgm) needs an extension an app's database role may not be allowed to create. The table holds
 * one short row per user (thousands, rarely more than a hundred thousand), so `name:` scans it: the bench
 * (`bench/export-csv.ts`) measures a search that matches nobody over 100,000 names in tens of milliseconds. `user_names_by_key` still serves prefix searches and keeps the scan on
 * a narrow index rather than the table; `user_names_by_fetched` finds stale names for the fetcher.
 */
import { bigintType, runStatements, type StoreMigration } from './migration.js';

export const migration003: StoreMigration = {
  async up(db, engine) {
    await runStatements(db, [
      `create table user_names (
        user_id text not null primary key,
        name text,
        name_key text,
        fetched_at ${bigintType(engine)} not null
      )`,
      'create index user_names_by_key on user_names (name_key, user_id)',
      'create index user_names_by_fetched on user_names (fetched_at)',
    ]);
  },
};
