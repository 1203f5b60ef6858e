/**
 * Calls, their participants (for user lookups) and the sync's state.
 * Every search is an index range scan newest first: `calls_by_start` for no filter, `calls_by_result` per result,
 * the participants' key per user; `calls_by_end` answers "calls that ended in the last N minutes" (incidents).
 * The descending start time with ascending CallId matches the list order (StartTime desc, CallId asc), so no sort.
 */
import { bigintType, runStatements, type StoreMigration } from './migration.js';

export const migration001: StoreMigration = {
  async up(db, engine) {
    const int = bigintType(engine);
    // SQLite: the rows live in their primary key's B-tree (no separate rowid table and key index).
    const clustered = engine === 'sqlite' ? ' without rowid' : '';
    await runStatements(db, [
      `create table calls (
        call_id text not null primary key,
        caller text not null,
        callees text not null,
        media_type text not null,
        call_type text not null,
        start_time ${int} not null,
        end_time ${int} not null,
        accept_time ${int},
        result text not null,
        room_id text not null,
        room_id_type integer,
        updated_at ${int} not null
      )${clustered}`,
      'create index calls_by_start on calls (start_time desc, call_id)',
      'create index calls_by_result on calls (result, start_time desc, call_id)',
      'create index calls_by_end on calls (end_time)',
      engine === 'sqlite'
        ? `create table call_participants (
            user_id text not null,
            start_time integer not null,
            call_id text not null,
            primary key (user_id, start_time desc, call_id)
          ) without rowid`
        : `create table call_participants (user_id text not null, start_time bigint not null, call_id text not null)`,
      // PostgreSQL cannot make a descending key a primary key; a unique index does the same job.
      ...(engine === 'postgres'
        ? ['create unique index call_participants_by_user on call_participants (user_id, start_time desc, call_id)']
        : []),
      `create table sync_state (
        id integer not null primary key check (id = 1),
        covered_from ${int},
        backfill_done integer not null default 0,
        last_sync_at ${int},
        last_full_reconcile_at ${int},
        sync_problem text,
        invalid_records ${int} not null default 0
      )`,
      'insert into sync_state (id) values (1)',
    ]);
  },
};
