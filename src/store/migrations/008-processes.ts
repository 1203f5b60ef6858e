/**
 * The app processes sharing the store: each one heartbeats its row (see store/processes.ts), so `/calls status`
 * can list the live ones and say which holds the sync lease. A row is refreshed in place; a stopped process
 * deletes its own, and rows of processes that died are pruned by the others.
 */
import { bigintType, runStatements, type StoreMigration } from './migration.js';

export const migration008: StoreMigration = {
  async up(db, engine) {
    const int = bigintType(engine);
    await runStatements(db, [
      `create table processes (
        id text not null primary key,
        host text not null,
        pid ${int} not null,
        version text not null,
        started_at ${int} not null,
        heartbeat_at ${int} not null,
        sync_holder text,
        stats text not null
      )`,
    ]);
  },
};
