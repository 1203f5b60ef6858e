/** How far the sync has come: one row, read and patched by the sync and shown by coverage(). */
import { sql } from 'kysely';
import { z } from 'zod';
import type { SyncProblem } from '../calls/call-store.js';
import type { StoreDb, SyncStateTable } from './database.js';
import { StoreRowError } from './store-errors.js';

export interface SyncState {
  /** The earliest StartTime from which the store is known complete; null before the first reconcile. */
  coveredFrom: number | null;
  backfillDone: boolean;
  lastSyncAt: number | null;
  lastFullReconcileAt: number | null;
  syncProblem: SyncProblem | null;
  /** Records Tencent sent that failed validation, since the store was created. */
  invalidRecords: number;
}

const syncProblemSchema = z.object({ at: z.number(), kind: z.string(), message: z.string() });
const time = z.number().int().nonnegative().nullable();
const syncStateRowSchema = z.object({
  covered_from: time,
  backfill_done: z.union([z.literal(0), z.literal(1)]),
  last_sync_at: time,
  last_full_reconcile_at: time,
  sync_problem: z
    .string()
    .nullable()
    .transform((text, context) => {
      if (text === null) return null;
      const parsed = syncProblemSchema.safeParse(safeJson(text));
      if (parsed.success) return parsed.data;
      context.addIssue({ code: 'custom', message: 'sync_problem is not a sync problem' });
      return z.NEVER;
    }),
  invalid_records: z.number().int().nonnegative(),
});

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export async function readSyncState(db: StoreDb): Promise<SyncState> {
  const row = await db.selectFrom('sync_state').selectAll().where('id', '=', 1).executeTakeFirst();
  const parsed = syncStateRowSchema.safeParse(row);
  if (!parsed.success) throw new StoreRowError('sync_state', z.prettifyError(parsed.error).replaceAll('\n', ' '));
  const r = parsed.data;
  return {
    coveredFrom: r.covered_from,
    backfillDone: r.backfill_done === 1,
    lastSyncAt: r.last_sync_at,
    lastFullReconcileAt: r.last_full_reconcile_at,
    syncProblem: r.sync_problem,
    invalidRecords: r.invalid_records,
  };
}

export async function writeSyncState(db: StoreDb, patch: Partial<SyncState>): Promise<void> {
  const changes: Partial<SyncStateTable> = {};
  if (patch.coveredFrom !== undefined) changes.covered_from = patch.coveredFrom;
  if (patch.backfillDone !== undefined) changes.backfill_done = patch.backfillDone ? 1 : 0;
  if (patch.lastSyncAt !== undefined) changes.last_sync_at = patch.lastSyncAt;
  if (patch.lastFullReconcileAt !== undefined) changes.last_full_reconcile_at = patch.lastFullReconcileAt;
  if (patch.syncProblem !== undefined) {
    changes.sync_problem = patch.syncProblem === null ? null : JSON.stringify(patch.syncProblem);
  }
  if (patch.invalidRecords !== undefined) changes.invalid_records = patch.invalidRecords;
  if (Object.keys(changes).length === 0) return;
  await db.updateTable('sync_state').set(changes).where('id', '=', 1).execute();
}

export async function addInvalidRecords(db: StoreDb, count: number): Promise<void> {
  if (count <= 0) return;
  await db
    .updateTable('sync_state')
    .set({ invalid_records: sql`invalid_records + ${count}` })
    .where('id', '=', 1)
    .execute();
}
