/**
 * The store's tables as Kysely sees them. Each feature adds its own table interface here, one line per feature,
 * next to its own migration under `migrations/` and its own repository module in `store/`.
 * Times are Unix seconds (INTEGER in SQLite, BIGINT in PostgreSQL, read back as numbers).
 */
import type { Kysely } from 'kysely';
import type { CallEndMinutesTable, CallEndMinuteUsersTable } from './end-minute-counts.js';
import type { IncidentRulesTable, IncidentsTable } from './incidents.js';
import type { ProcessesTable } from './processes.js';
import type { SummaryPostsTable } from './summary-posts.js';
import type { UserNamesTable } from './user-names.js';
import type { WatchDeliveriesTable, WatchesTable } from './watch-repository.js';

export interface CallsTable {
  call_id: string;
  caller: string;
  /** JSON array of user IDs (the caller is never repeated here). */
  callees: string;
  media_type: string;
  call_type: string;
  start_time: number;
  end_time: number;
  accept_time: number | null;
  result: string;
  room_id: string;
  room_id_type: number | null;
  /** When the row last changed (Unix seconds). */
  updated_at: number;
}

/** One row per (participant, call): the caller and each callee, for user lookups. */
export interface CallParticipantsTable {
  user_id: string;
  start_time: number;
  call_id: string;
}

/** A single row (`id` = 1): how far the sync has come. */
export interface SyncStateTable {
  id: number;
  covered_from: number | null;
  /** 0 or 1. */
  backfill_done: number;
  last_sync_at: number | null;
  last_full_reconcile_at: number | null;
  /** JSON of a `SyncProblem`, or null. */
  sync_problem: string | null;
  invalid_records: number;
}

export interface LeasesTable {
  name: string;
  holder: string;
  expires_at: number;
}

export interface Database {
  calls: CallsTable;
  call_participants: CallParticipantsTable;
  sync_state: SyncStateTable;
  leases: LeasesTable;
  summary_posts: SummaryPostsTable;
  user_names: UserNamesTable;
  incidents: IncidentsTable;
  incident_rules: IncidentRulesTable;
  watches: WatchesTable;
  watch_deliveries: WatchDeliveriesTable;
  call_end_minutes: CallEndMinutesTable;
  call_end_minute_users: CallEndMinuteUsersTable;
  processes: ProcessesTable;
}

export type StoreDb = Kysely<Database>;

export type EngineName = 'sqlite' | 'postgres';
