/**
 * 004: watches (`/calls watch`) and the claims of their DMs. One row per (watch, call) in `watch_deliveries` is
 * what makes a DM go out once across processes (its primary key refuses a second claim). Times are Unix seconds.
 */
import { bigintType, runStatements, type StoreMigration } from './migration.js';

export const migration004: StoreMigration = {
  async up(db, engine) {
    const seconds = bigintType(engine);
    await runStatements(db, [
      `create table watches (id text not null primary key, team_id text not null, user_id text not null,
        channel_id text not null, query text not null, created_at ${seconds} not null,
        expires_at ${seconds} not null, ended_at ${seconds}, end_reason text)`,
      'create index watches_by_user on watches (team_id, user_id, created_at)',
      'create index watches_active on watches (expires_at) where ended_at is null',
      `create table watch_deliveries (watch_id text not null, call_id text not null, claimed_at ${seconds} not null,
        primary key (watch_id, call_id))`,
    ]);
  },
};
