/**
 * Counts of calls by the minute they ENDED, kept in the same write as the calls (`store/end-minute-counts.ts`), so
 * the incident check reads at most ALERT_WINDOW minutes of counters instead of every call of the window:
 * - `call_end_minutes`: per minute and result, how many calls ended and the earliest StartTime among them;
 * - `call_end_minute_users`: per minute and user, in how many dropped calls (Interrupt, Offline) the user was
 *   caller or callee.
 * Existing calls are counted here once.
 */
import { DROPPED_RESULTS } from '../../calls/records.js';
import { bigintType, runStatements, type StoreMigration } from './migration.js';

export const migration007: StoreMigration = {
  async up(db, engine) {
    const int = bigintType(engine);
    const clustered = engine === 'sqlite' ? ' without rowid' : '';
    const dropped = DROPPED_RESULTS.map((result) => `'${result}'`).join(', ');
    const calleesOf =
      engine === 'sqlite'
        ? 'select c.end_time, c.call_id, j.value as user_id from calls c, json_each(c.callees) j'
        : 'select c.end_time, c.call_id, j.value as user_id from calls c, json_array_elements_text(c.callees::json) j';
    await runStatements(db, [
      `create table call_end_minutes (
        minute ${int} not null,
        result text not null,
        calls ${int} not null,
        first_start ${int} not null,
        primary key (minute, result)
      )${clustered}`,
      `create table call_end_minute_users (
        minute ${int} not null,
        user_id text not null,
        dropped ${int} not null,
        primary key (minute, user_id)
      )${clustered}`,
      `insert into call_end_minutes (minute, result, calls, first_start)
        select (end_time / 60) * 60, result, count(*), min(start_time) from calls group by 1, 2`,
      `insert into call_end_minute_users (minute, user_id, dropped)
        select (end_time / 60) * 60, user_id, count(*) from (
          select end_time, call_id, caller as user_id from calls where result in (${dropped})
          union
          ${calleesOf} where c.result in (${dropped})
        ) as participations group by 1, 2`,
    ]);
  },
};
