/**
 * Watches and their deliveries in the store's database (migration 004), on SQLite and PostgreSQL alike. Claims are
 * single statements whose effect says who won (`INSERT … ON CONFLICT DO NOTHING RETURNING`, `UPDATE … WHERE
 * ended_at IS NULL`), so one DM per watched call and one expiry DM per watch hold across processes.
 */
import { randomUUID } from 'node:crypto';
import { type Kysely, sql } from 'kysely';
import { z } from 'zod';
import {
  type CreateWatchResult,
  MAX_WATCHES_PER_USER,
  type NewWatch,
  sameWatchFilter,
  type Watch,
  type WatchStore,
  watchFilterSchema,
} from '../calls/watch-rules.js';
import type { Database, EngineName } from './database.js';
import { retryWhileLocked } from './store-errors.js';

export interface WatchesTable {
  id: string;
  team_id: string;
  user_id: string;
  channel_id: string;
  /** JSON of a `WatchFilter`. */
  query: string;
  created_at: number;
  expires_at: number;
  ended_at: number | null;
  /** `stopped` (by the person) or `expired`; null while active. */
  end_reason: string | null;
}

export interface WatchDeliveriesTable {
  watch_id: string;
  call_id: string;
  claimed_at: number;
}

/** PostgreSQL's BIGINT arrives as a string: every number is coerced, and the filter validated, on read. */
const rowSchema = z.object({
  id: z.string(),
  team_id: z.string(),
  user_id: z.string(),
  channel_id: z.string(),
  query: z.string(),
  created_at: z.coerce.number(),
  expires_at: z.coerce.number(),
  ended_at: z.coerce.number().nullable(),
});

/** A row as a Watch, or undefined (logged by the caller) when it does not validate. */
function toWatch(row: unknown): Watch | undefined {
  const parsed = rowSchema.safeParse(row);
  if (!parsed.success) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(parsed.data.query);
  } catch {
    return undefined;
  }
  const filter = watchFilterSchema.safeParse(json);
  if (!filter.success) return undefined;
  const r = parsed.data;
  return {
    id: r.id,
    teamId: r.team_id,
    userId: r.user_id,
    channelId: r.channel_id,
    filter: filter.data,
    createdAt: r.created_at,
    expiresAt: r.expires_at,
    endedAt: r.ended_at,
  };
}

/** The last ID's time and its sequence within that millisecond (UUIDv7's 12-bit counter). */
let lastIdMs = 0;
let idSequence = 0;

/**
 * A UUID whose first 48 bits are the time in ms and the next 12 a counter within the millisecond (the layout of
 * UUIDv7 with a counter), so a person's watches sort in the order they were made even within one millisecond:
 * `/calls unwatch <n>` must count as `/calls watches` listed. (Random bits there made two watches of one ms list in
 * either order.)
 */
function timeOrderedId(): string {
  let ms = Date.now();
  if (ms <= lastIdMs) {
    ms = lastIdMs;
    idSequence += 1;
    if (idSequence > 0xfff) {
      ms += 1;
      idSequence = 0;
    }
  } else {
    idSequence = 0;
  }
  lastIdMs = ms;
  const hex = ms.toString(16).padStart(12, '0');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-7${idSequence.toString(16).padStart(3, '0')}-${randomUUID().slice(19)}`;
}

function toWatches(rows: readonly unknown[]): Watch[] {
  return rows.map(toWatch).filter((watch): watch is Watch => watch !== undefined);
}

/**
 * `engine` decides how a person's watches are locked while one is added: SQLite runs one transaction at a time per
 * process (and one process per file), PostgreSQL takes a per-person advisory lock, since READ COMMITTED would let
 * concurrent transactions each count fewer than the limit and all insert.
 * Each write waits for a SQLite file locked by another connection statement by statement (`retryWhileLocked`),
 * never re-running one that went in.
 */
export function createWatchStore(db: Kysely<Database>, engine: EngineName): WatchStore {
  const active = (now: number) =>
    db.selectFrom('watches').selectAll().where('ended_at', 'is', null).where('expires_at', '>', now);

  return {
    async createWatch(watch: NewWatch, now: number) {
      const row: WatchesTable = {
        id: timeOrderedId(),
        team_id: watch.teamId,
        user_id: watch.userId,
        channel_id: watch.channelId,
        query: JSON.stringify(watchFilterSchema.parse(watch.filter)),
        created_at: watch.createdAt,
        expires_at: watch.expiresAt,
        ended_at: null,
        end_reason: null,
      };
      // The whole transaction again when the SQLite file is locked (it rolled back: nothing was written).
      return retryWhileLocked(() =>
        db.transaction().execute(async (trx): Promise<CreateWatchResult> => {
          if (engine === 'postgres') {
            // Held until the transaction ends: the count below and the insert are one step for this person.
            await sql`select pg_advisory_xact_lock(hashtextextended(${`watches:${watch.teamId}:${watch.userId}`}, 0))`.execute(
              trx,
            );
          }
          const rows = await trx
            .selectFrom('watches')
            .selectAll()
            .where('team_id', '=', watch.teamId)
            .where('user_id', '=', watch.userId)
            .where('ended_at', 'is', null)
            .where('expires_at', '>', now)
            .orderBy('created_at')
            .orderBy('id')
            .execute();
          // Numbered as `/calls watches` lists them; a row that does not validate still counts towards the limit.
          const mine = toWatches(rows);
          const same = mine.findIndex((existing) => sameWatchFilter(existing.filter, watch.filter));
          const existing = mine[same];
          if (existing !== undefined) return { kind: 'duplicate', existing, position: same + 1 };
          if (rows.length >= MAX_WATCHES_PER_USER) return { kind: 'limit' };
          await trx.insertInto('watches').values(row).execute();
          const created = toWatch(row);
          if (created === undefined) throw new Error('a new watch did not validate');
          return { kind: 'created', watch: created };
        }),
      );
    },

    async listWatches(teamId, userId, now) {
      const rows = await active(now)
        .where('team_id', '=', teamId)
        .where('user_id', '=', userId)
        .orderBy('created_at')
        .orderBy('id')
        .execute();
      return toWatches(rows);
    },

    async activeWatches(now) {
      return toWatches(await active(now).execute());
    },

    async endWatch(id, userId, now) {
      const result = await retryWhileLocked(() =>
        db
          .updateTable('watches')
          .set({ ended_at: now, end_reason: 'stopped' })
          .where('id', '=', id)
          .where('user_id', '=', userId)
          .where('ended_at', 'is', null)
          .executeTakeFirst(),
      );
      const ended = Number(result.numUpdatedRows) === 1;
      // Its claims are no longer needed once no DM can follow.
      if (ended) await retryWhileLocked(() => db.deleteFrom('watch_deliveries').where('watch_id', '=', id).execute());
      return ended;
    },

    async claimDelivery(watchId, callId, now) {
      const claimed = await retryWhileLocked(() =>
        db
          .insertInto('watch_deliveries')
          .values({ watch_id: watchId, call_id: callId, claimed_at: now })
          .onConflict((conflict) => conflict.columns(['watch_id', 'call_id']).doNothing())
          .returning('watch_id')
          .executeTakeFirst(),
      );
      return claimed !== undefined;
    },

    async releaseDelivery(watchId, callId) {
      await retryWhileLocked(() =>
        db.deleteFrom('watch_deliveries').where('watch_id', '=', watchId).where('call_id', '=', callId).execute(),
      );
    },

    async claimExpired(now) {
      const due = toWatches(
        await db
          .selectFrom('watches')
          .selectAll()
          .where('ended_at', 'is', null)
          .where('expires_at', '<=', now)
          .execute(),
      );
      const mine: Watch[] = [];
      for (const watch of due) {
        const result = await retryWhileLocked(() =>
          db
            .updateTable('watches')
            .set({ ended_at: now, end_reason: 'expired' })
            .where('id', '=', watch.id)
            .where('ended_at', 'is', null)
            .executeTakeFirst(),
        );
        if (Number(result.numUpdatedRows) === 1) {
          mine.push({ ...watch, endedAt: now });
          await retryWhileLocked(() => db.deleteFrom('watch_deliveries').where('watch_id', '=', watch.id).execute());
        }
      }
      return mine;
    },

    async releaseExpired(watchId) {
      await retryWhileLocked(() =>
        db
          .updateTable('watches')
          .set({ ended_at: null, end_reason: null })
          .where('id', '=', watchId)
          .where('end_reason', '=', 'expired')
          .execute(),
      );
    },
  };
}
