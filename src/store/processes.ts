/**
 * The `processes` table (migration 008): one row per running app process, refreshed by its heartbeat. Rows are
 * validated on the way out (another version may have written them); a row that does not parse is skipped.
 */
import { z } from 'zod';
import { LIVE_WITHIN_SECONDS, type ProcessInfo, type ProcessRegistry } from '../calls/operations-status.js';
import type { StoreDb } from './database.js';

export interface ProcessesTable {
  id: string;
  host: string;
  pid: number;
  version: string;
  started_at: number;
  heartbeat_at: number;
  sync_holder: string | null;
  /** JSON of `ProcessStats`. */
  stats: string;
}

/** Rows of processes silent this long are deleted by whoever heartbeats next (a crash leaves its row behind). */
const FORGET_AFTER_SECONDS = 24 * 3600;

const counts = z.record(z.string().max(200), z.number().int().nonnegative());
const statsSchema = z.object({ callbacks: counts, tencent: counts });
const rowSchema = z.object({
  id: z.string().min(1).max(200),
  host: z.string().max(255),
  pid: z.coerce.number().int().positive(),
  version: z.string().max(50),
  started_at: z.coerce.number().int(),
  heartbeat_at: z.coerce.number().int(),
  sync_holder: z.string().max(200).nullable(),
  stats: z.string(),
});

function toInfo(raw: unknown): ProcessInfo | undefined {
  const row = rowSchema.safeParse(raw);
  if (!row.success) return undefined;
  let stats: unknown;
  try {
    stats = JSON.parse(row.data.stats);
  } catch {
    return undefined;
  }
  const parsed = statsSchema.safeParse(stats);
  if (!parsed.success) return undefined;
  const r = row.data;
  return {
    id: r.id,
    host: r.host,
    pid: r.pid,
    version: r.version,
    startedAt: r.started_at,
    heartbeatAt: r.heartbeat_at,
    syncHolder: r.sync_holder,
    stats: parsed.data,
  };
}

export function createProcessRegistry(db: StoreDb): ProcessRegistry {
  return {
    async heartbeat(p) {
      const row = {
        id: p.id,
        host: p.host,
        pid: p.pid,
        version: p.version,
        started_at: p.startedAt,
        heartbeat_at: p.heartbeatAt,
        sync_holder: p.syncHolder,
        stats: JSON.stringify(p.stats),
      };
      await db
        .insertInto('processes')
        .values(row)
        .onConflict((conflict) =>
          conflict.column('id').doUpdateSet({
            heartbeat_at: row.heartbeat_at,
            sync_holder: row.sync_holder,
            stats: row.stats,
          }),
        )
        .execute();
      await db
        .deleteFrom('processes')
        .where('heartbeat_at', '<', p.heartbeatAt - FORGET_AFTER_SECONDS)
        .execute();
    },
    async live(now) {
      const rows = await db
        .selectFrom('processes')
        .selectAll()
        .where('heartbeat_at', '>=', now - LIVE_WITHIN_SECONDS)
        .orderBy('started_at')
        .orderBy('id')
        .execute();
      return rows.map(toInfo).filter((p): p is ProcessInfo => p !== undefined);
    },
    async remove(id) {
      await db.deleteFrom('processes').where('id', '=', id).execute();
    },
  };
}
