/**
 * The daily summary's posts: one row per (day, channel), claimed by one process before it posts, so the in-process
 * schedules of several processes and `npm run summary` firing together post once. The primary key is what makes a
 * second claimer's insert conflict; the status and claim time decide whether it may take the row over.
 */
import { bigintType, runStatements, type StoreMigration } from './migration.js';

export const migration005: StoreMigration = {
  async up(db, engine) {
    const int = bigintType(engine);
    await runStatements(db, [
      `create table summary_posts (
        day text not null,
        channel text not null,
        status text not null check (status in ('claimed', 'posted', 'failed')),
        claimed_by text not null,
        claimed_at ${int} not null,
        posted_at ${int},
        message_ts text,
        error text,
        primary key (day, channel)
      )`,
    ]);
  },
};
