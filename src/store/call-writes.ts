/**
 * The write side: upserts by CallId (reporting which calls are new) and the retention delete. Participant rows
 * follow their call: written with it, rewritten when its caller, callees or start time change, deleted with it.
 * Work goes in batches, one transaction each, so a writer never holds the database for long.
 */
import type { Kysely, Transaction } from 'kysely';
import type { UpsertResult } from '../calls/call-store.js';
import type { CallRecord } from '../calls/records.js';
import { CALL_COLUMNS, participantsOf, recordToRow, rowToRecord } from './call-rows.js';
import type { CallParticipantsTable, CallsTable, Database, EngineName } from './database.js';

export const UPSERT_BATCH = 500;
const DELETE_BATCH = 1_000;
/** Rows per INSERT statement, well under both engines' limits on bound parameters. */
const INSERT_CHUNK = 500;

export interface CallWrites {
  upsertCalls(records: readonly CallRecord[]): Promise<UpsertResult>;
  deleteCallsBefore(startTime: number): Promise<number>;
}

export function createCallWrites(db: Kysely<Database>, engine: EngineName, now: () => number): CallWrites {
  return {
    async upsertCalls(records) {
      // The last copy of a CallId in one call wins, as if they had arrived one after the other.
      const unique = [...new Map(records.map((record) => [record.callId, record])).values()];
      const result: UpsertResult = { inserted: [], updated: 0 };
      for (let i = 0; i < unique.length; i += UPSERT_BATCH) {
        const batch = await db
          .transaction()
          .execute((trx) => upsertBatch(trx, engine, unique.slice(i, i + UPSERT_BATCH), now()));
        result.inserted.push(...batch.inserted);
        result.updated += batch.updated;
      }
      return result;
    },

    async deleteCallsBefore(startTime) {
      let deleted = 0;
      for (;;) {
        const count = await db.transaction().execute(async (trx) => {
          const old = await trx
            .selectFrom('calls')
            .select(CALL_COLUMNS)
            .where('start_time', '<', startTime)
            .orderBy('start_time', 'asc')
            .limit(DELETE_BATCH)
            .execute();
          if (old.length === 0) return 0;
          await deleteParticipants(trx, old.map(rowToRecord).flatMap(participantRows));
          await trx
            .deleteFrom('calls')
            .where(
              'call_id',
              'in',
              old.map((row) => row.call_id),
            )
            .execute();
          return old.length;
        });
        deleted += count;
        if (count < DELETE_BATCH) return deleted;
      }
    },
  };
}

async function upsertBatch(
  trx: Transaction<Database>,
  engine: EngineName,
  records: readonly CallRecord[],
  updatedAt: number,
): Promise<UpsertResult> {
  const ids = records.map((record) => record.callId);
  let existingQuery = trx.selectFrom('calls').select(CALL_COLUMNS).where('call_id', 'in', ids);
  // PostgreSQL: lock the rows this batch may change, so two writers of the same call take turns.
  if (engine === 'postgres') existingQuery = existingQuery.forUpdate();
  const existing = new Map((await existingQuery.execute()).map((row) => [row.call_id, rowToRecord(row)]));

  const fresh = records.filter((record) => !existing.has(record.callId));
  const inserted = new Set<string>();
  for (let i = 0; i < fresh.length; i += INSERT_CHUNK) {
    const rows = fresh.slice(i, i + INSERT_CHUNK).map((record) => recordToRow(record, updatedAt));
    // Another writer may insert the same call meanwhile: only the one whose row went in reports it as new.
    const added = await trx
      .insertInto('calls')
      .values(rows)
      .onConflict((conflict) => conflict.column('call_id').doNothing())
      .returning('call_id')
      .execute();
    for (const row of added) inserted.add(row.call_id);
  }
  await insertParticipants(trx, fresh.filter((record) => inserted.has(record.callId)).flatMap(participantRows));

  let updated = 0;
  const lostRace = fresh.filter((record) => !inserted.has(record.callId));
  for (const record of [...records.filter((r) => existing.has(r.callId)), ...lostRace]) {
    const before = existing.get(record.callId) ?? (await readCall(trx, record.callId));
    if (before === null || sameCall(before, record)) continue;
    const { call_id: _, ...changes } = recordToRow(record, updatedAt);
    await trx.updateTable('calls').set(changes).where('call_id', '=', record.callId).execute();
    if (!sameParticipants(before, record)) {
      await deleteParticipants(trx, participantRows(before));
      await insertParticipants(trx, participantRows(record));
    }
    updated++;
  }
  return { inserted: ids.filter((id) => inserted.has(id)), updated };
}

async function readCall(trx: Transaction<Database>, callId: string): Promise<CallRecord | null> {
  const row = await trx.selectFrom('calls').select(CALL_COLUMNS).where('call_id', '=', callId).executeTakeFirst();
  return row ? rowToRecord(row) : null;
}

function participantRows(
  record: Pick<CallRecord, 'callId' | 'caller' | 'callees' | 'startTime'>,
): CallParticipantsTable[] {
  return participantsOf(record).map((user) => ({
    user_id: user,
    start_time: record.startTime,
    call_id: record.callId,
  }));
}

async function insertParticipants(trx: Transaction<Database>, rows: CallParticipantsTable[]): Promise<void> {
  for (let i = 0; i < rows.length; i += INSERT_CHUNK) {
    await trx
      .insertInto('call_participants')
      .values(rows.slice(i, i + INSERT_CHUNK))
      .onConflict((conflict) => conflict.columns(['user_id', 'start_time', 'call_id']).doNothing())
      .execute();
  }
}

/** Deletes exactly these rows, each found through the participants' key. */
async function deleteParticipants(trx: Transaction<Database>, rows: CallParticipantsTable[]): Promise<void> {
  for (const row of rows) {
    await trx
      .deleteFrom('call_participants')
      .where('user_id', '=', row.user_id)
      .where('start_time', '=', row.start_time)
      .where('call_id', '=', row.call_id)
      .execute();
  }
}

function sameCall(a: CallRecord, b: CallRecord): boolean {
  const rowA: Partial<CallsTable> = recordToRow(a, 0);
  const rowB: Partial<CallsTable> = recordToRow(b, 0);
  return CALL_COLUMNS.every((column) => rowA[column] === rowB[column]);
}

function sameParticipants(a: CallRecord, b: CallRecord): boolean {
  return a.startTime === b.startTime && participantsOf(a).join('\n') === participantsOf(b).join('\n');
}
