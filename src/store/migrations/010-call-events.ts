/**
 * Call events (Tencent's start, member-changed and end callbacks) and the calls in progress. The primary key is
 * the event itself, so the same callback stored twice, or by several processes, is kept once; it starts with the
 * CallId, so a call's timeline is one range read whatever the table's size. `call_events_by_time` lets retention
 * find the events of calls whose record never arrived. `live_calls` holds one row per started call until its end
 * arrives (or retention); `/calls live` reads it newest first.
 */
import { bigintType, runStatements, type StoreMigration } from './migration.js';

export const migration010: StoreMigration = {
  async up(db, engine) {
    const int = bigintType(engine);
    const clustered = engine === 'sqlite' ? ' without rowid' : '';
    const id = engine === 'postgres' ? 'text collate "C"' : 'text';
    await runStatements(db, [
      `create table call_events (
        call_id ${id} not null,
        at_ms ${int} not null,
        user_id text not null,
        action text not null,
        primary key (call_id, at_ms, user_id, action)
      )${clustered}`,
      'create index call_events_by_time on call_events (at_ms)',
      `create table live_calls (
        call_id ${id} not null primary key,
        started_at_ms ${int} not null,
        media_type text not null
      )${clustered}`,
      'create index live_calls_by_start on live_calls (started_at_ms desc, call_id)',
    ]);
  },
};
