/**
 * Call events and calls in progress (migration 010), the store's side of `CallEventStore`. Writes insert with ON
 * CONFLICT DO NOTHING on the event's own key, so duplicates and several processes never double an event. Rows are
 * checked with zod as they leave the database.
 */
import { type Kysely, sql } from 'kysely';
import { z } from 'zod';
import {
  CALL_ACTIONS,
  type CallEvent,
  type CallEventStore,
  type CallEventWrite,
  type LiveCallRow,
  sortEvents,
} from '../calls/call-events.js';
import type { Engine } from './create-engine.js';
import type { Database } from './database.js';
import { StoreRowError } from './store-errors.js';
import { writeTransaction } from './write-transaction.js';

export interface CallEventsTable {
  call_id: string;
  /** Unix milliseconds. */
  at_ms: number;
  /** '' for the call-level `ended` event. */
  user_id: string;
  action: string;
}

export interface LiveCallsTable {
  call_id: string;
  started_at_ms: number;
  media_type: string;
}

/** CallIds per `in (…)` list, rows per INSERT: well under both engines' bound-parameter limits. */
const CHUNK = 500;
/** Events of calls without a record deleted per statement by retention. */
const SWEEP_BATCH = 1_000;

const eventRowSchema = z.object({
  call_id: z.string().min(1),
  at_ms: z.coerce.number().int().nonnegative(),
  user_id: z.string(),
  action: z.enum(CALL_ACTIONS),
});

function rowToEvent(row: unknown): CallEvent {
  const parsed = eventRowSchema.safeParse(row);
  if (!parsed.success) throw new StoreRowError('call_events', 'not a valid event');
  const { call_id, at_ms, user_id, action } = parsed.data;
  return { callId: call_id, atMs: at_ms, userId: user_id, action };
}

export type CallEventRepository = CallEventStore;

export function createCallEvents(engine: Pick<Engine, 'name' | 'db' | 'location'>): CallEventRepository {
  const { db } = engine;

  async function writeBatch(writes: readonly CallEventWrite[]): Promise<number[]> {
    return writeTransaction(engine, async (trx) => {
      const counts: number[] = [];
      for (const write of writes) {
        let added = 0;
        // Keys in order, so two writers of overlapping events wait rather than deadlock.
        const events = sortEvents(write.events).sort((a, b) =>
          a.callId < b.callId ? -1 : a.callId > b.callId ? 1 : 0,
        );
        for (let i = 0; i < events.length; i += CHUNK) {
          const result = await trx
            .insertInto('call_events')
            .values(
              events.slice(i, i + CHUNK).map((event) => ({
                call_id: event.callId,
                at_ms: event.atMs,
                user_id: event.userId,
                action: event.action,
              })),
            )
            .onConflict((conflict) => conflict.doNothing())
            .executeTakeFirst();
          added += Number(result.numInsertedOrUpdatedRows ?? 0);
        }
        if (write.started !== undefined) {
          await trx
            .insertInto('live_calls')
            .values({
              call_id: write.started.callId,
              started_at_ms: write.started.startedAtMs,
              media_type: write.started.mediaType,
            })
            .onConflict((conflict) => conflict.doNothing())
            .execute();
        }
        if (write.endedCallId !== undefined) {
          await trx.deleteFrom('live_calls').where('call_id', '=', write.endedCallId).execute();
        }
        counts.push(added);
      }
      return counts;
    });
  }

  return {
    writeEvents: writeBatch,

    eventsOf,
    liveCalls,
  };

  async function eventsOf(callIds: readonly string[]): Promise<Map<string, CallEvent[]>> {
    // No stored CallId holds a NUL (callbacks refuse it), and PostgreSQL refuses one in a parameter.
    const ids = [...new Set(callIds)].filter((id) => !id.includes('\u0000'));
    const byCall = new Map<string, CallEvent[]>();
    for (let i = 0; i < ids.length; i += CHUNK) {
      const rows = await db
        .selectFrom('call_events')
        .select(['call_id', 'at_ms', 'user_id', 'action'])
        .where('call_id', 'in', ids.slice(i, i + CHUNK))
        .execute();
      for (const row of rows) {
        const event = rowToEvent(row);
        const list = byCall.get(event.callId);
        if (list === undefined) byCall.set(event.callId, [event]);
        else list.push(event);
      }
    }
    for (const [callId, events] of byCall) byCall.set(callId, sortEvents(events));
    return byCall;
  }

  async function liveCalls(sinceMs: number, limit: number): Promise<LiveCallRow[]> {
    // A call leaves the list when its end callback arrives (the row is deleted), when its record is stored (the
    // sync found it: the end callback was lost), or when it is older than `sinceMs`.
    const rows = await db
      .selectFrom('live_calls as l')
      .select(['l.call_id', 'l.started_at_ms', 'l.media_type'])
      .where('l.started_at_ms', '>=', sinceMs)
      .where(({ not, exists, selectFrom }) =>
        not(exists(selectFrom('calls as c').select(sql`1`.as('one')).whereRef('c.call_id', '=', 'l.call_id'))),
      )
      .where(({ not, exists, selectFrom }) =>
        not(
          exists(
            selectFrom('call_events as e')
              .select(sql`1`.as('one'))
              .whereRef('e.call_id', '=', 'l.call_id')
              .where('e.action', '=', 'ended'),
          ),
        ),
      )
      .orderBy('l.started_at_ms', 'desc')
      .orderBy('l.call_id')
      .limit(Math.max(0, limit))
      .execute();
    const events = await eventsOf(rows.map((row) => row.call_id));
    return rows.map(
      (row): LiveCallRow => ({
        callId: row.call_id,
        startedAtMs: Number(row.started_at_ms),
        mediaType: row.media_type,
        events: events.get(row.call_id) ?? [],
      }),
    );
  }
}

/** Inside retention's transaction: the events and the in-progress row of calls being deleted. */
export async function deleteEventsOfCalls(trx: Kysely<Database>, callIds: readonly string[]): Promise<void> {
  for (let i = 0; i < callIds.length; i += CHUNK) {
    const ids = callIds.slice(i, i + CHUNK);
    await trx.deleteFrom('call_events').where('call_id', 'in', ids).execute();
    await trx.deleteFrom('live_calls').where('call_id', 'in', ids).execute();
  }
}

/**
 * Retention of events whose call was never stored (a start callback for a call Tencent never recorded): those
 * older than `beforeMs`, one batch per transaction. Returns how many events went.
 */
export async function sweepOldEvents(
  engine: Pick<Engine, 'name' | 'db' | 'location'>,
  beforeMs: number,
): Promise<number> {
  let deleted = 0;
  for (;;) {
    const count = await writeTransaction(engine, async (trx) => {
      const old = await trx
        .selectFrom('call_events')
        .select(['call_id', 'at_ms', 'user_id', 'action'])
        .where('at_ms', '<', beforeMs)
        .orderBy('at_ms')
        .limit(SWEEP_BATCH)
        .execute();
      if (old.length === 0) return 0;
      const keys = old.map((row) => sql`(${row.call_id}, ${row.at_ms}, ${row.user_id}, ${row.action})`);
      await sql`delete from call_events where (call_id, at_ms, user_id, action) in (${sql.join(keys)})`.execute(trx);
      return old.length;
    });
    deleted += count;
    if (count < SWEEP_BATCH) break;
  }
  await writeTransaction(engine, (trx) => trx.deleteFrom('live_calls').where('started_at_ms', '<', beforeMs).execute());
  return deleted;
}
