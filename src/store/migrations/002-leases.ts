/** Named leases: who does a one-at-a-time job (the sync, the app on an embedded store) and until when. */
import { bigintType, runStatements, type StoreMigration } from './migration.js';

export const migration002: StoreMigration = {
  async up(db, engine) {
    await runStatements(db, [
      `create table leases (name text not null primary key, holder text not null, expires_at ${bigintType(engine)} not null)`,
    ]);
  },
};
