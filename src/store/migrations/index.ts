/**
 * Every migration, by name, in order. A feature adds its file under `migrations/` and one line here; names are
 * never changed once released (they are recorded in the database).
 */
import { migration001 } from './001-calls.js';
import { migration002 } from './002-leases.js';
import { migration003 } from './003-user-names.js';
import { migration004 } from './004-watches.js';
import { migration005 } from './005-summary-posts.js';
import { migration006 } from './006-incidents.js';
import { migration007 } from './007-end-minute-counts.js';
import { migration008 } from './008-processes.js';
import type { StoreMigration } from './migration.js';

export const MIGRATIONS: Readonly<Record<string, StoreMigration>> = {
  '001_calls': migration001,
  '002_leases': migration002,
  '003_user_names': migration003,
  '004_watches': migration004,
  '005_summary_posts': migration005,
  '006_incidents': migration006,
  '007_end_minute_counts': migration007,
  '008_processes': migration008,
};
