/**
 * The write side: upserts by CallId (reporting which calls are new) and the retention delete. Participant rows
 * follow their call: written with it, rewritten when its caller, callees or start time change, deleted with it.
 * Work goes in batches, one transaction each, so a writer never holds the database for long.
 */
import type SQLite from 'better-sqlite3';
import { type Kysely, sql } from 'kysely';
import type { UpsertResult } from '../calls/call-store.js';
import type { CallRecord } from '../calls/records.js';
import { deleteEventsOfCalls, sweepOldEvents } from './call-events.js';
import { CALL_COLUMNS, participantsOf, recordToRow, rowToRecord } from './call-rows.js';
import type { Engine } from './create-engine.js';
import type { CallParticipantsTable, CallsTable, Database, EngineName } from './database.js';
import { applyEndMinuteCounts, countsChange } from './end-minute-counts.js';
import { writeTransaction } from './write-transaction.js';

export const UPSERT_BATCH = 500;
const DELETE_BATCH = 1_000;
/** Rows per INSERT statement, well under both engines' limits on bound parameters. */
const INSERT_CHUNK = 500;

export interface CallWrites {
  upsertCalls(records: readonly CallRecord[]): Promise<UpsertResult>;
  deleteCallsBefore(startTime: number): Promise<number>;
}

export function createCallWrites(engine: Engine, now: () => number): CallWrites {
  const rowInserts = engine.sqlite === undefined ? undefined : sqliteRowInserts(engine.sqlite);
  return {
    async upsertCalls(records) {
      // The last copy of a CallId in one call wins, as if they had arrived one after the other.
      const unique = [...new Map(records.map((record) => [record.callId, record])).values()];
      const result: UpsertResult = { inserted: [], updated: 0 };
      // A batch the database refuses for a value in it is written again in halves, down to the one call at fault,
      // so one bad call never fails its neighbours.
      const write = async (records: readonly CallRecord[]): Promise<void> => {
        try {
          const batch = await writeTransaction(engine, (trx) =>
            upsertBatch(trx, engine.name, rowInserts, records, now()),
          );
          result.inserted.push(...batch.inserted);
          result.updated += batch.updated;
        } catch (error) {
          if (!isRefusedValue(error)) throw error;
          if (records.length === 1) {
            result.refused ??= [];
            result.refused.push(...records.map((record) => record.callId));
            return;
          }
          const half = Math.ceil(records.length / 2);
          await write(records.slice(0, half));
          await write(records.slice(half));
        }
      };
      for (let i = 0; i < unique.length; i += UPSERT_BATCH) await write(unique.slice(i, i + UPSERT_BATCH));
      return result;
    },

    async deleteCallsBefore(startTime) {
      let deleted = 0;
      for (;;) {
        const count = await writeTransaction(engine, async (trx) => {
          const old = await trx
            .selectFrom('calls')
            .select(CALL_COLUMNS)
            .where('start_time', '<', startTime)
            .orderBy('start_time', 'asc')
            .limit(DELETE_BATCH)
            .execute();
          if (old.length === 0) return 0;
          const records = old.map(rowToRecord);
          await deleteParticipants(trx, records.flatMap(participantRows));
          await deleteEventsOfCalls(
            trx,
            old.map((row) => row.call_id),
          );
          await trx
            .deleteFrom('calls')
            .where(
              'call_id',
              'in',
              old.map((row) => row.call_id),
            )
            .execute();
          await applyEndMinuteCounts(trx, engine.name, [], records);
          return old.length;
        });
        deleted += count;
        if (count < DELETE_BATCH) {
          // Events of calls whose record never arrived go by their own time.
          await sweepOldEvents(engine, startTime * 1000);
          return deleted;
        }
      }
    },
  };
}

async function upsertBatch(
  trx: Kysely<Database>,
  engineName: EngineName,
  rowInserts: SqliteRowInserts | undefined,
  records: readonly CallRecord[],
  updatedAt: number,
): Promise<UpsertResult> {
  const ids = records.map((record) => record.callId);
  // Rows are locked and inserted in CallId order, so two writers of overlapping batches wait rather than deadlock.
  const sorted = [...records].sort(byCallId);
  if (rowInserts === undefined) {
    // PostgreSQL: new calls and their participants in one statement (a round trip per statement is most of a small
    // upsert's time); only the calls that were already there are then locked, compared and updated.
    const inserted = await insertNewCallsPostgres(trx, sorted, updatedAt);
    const others = sorted.filter((record) => !inserted.has(record.callId));
    const existing = others.length === 0 ? new Map<string, CallRecord>() : await readCalls(trx, others, true);
    const changes = await updateChanged(trx, others, existing, updatedAt);
    await countChanges(trx, engineName, sorted, inserted, changes);
    return { inserted: ids.filter((id) => inserted.has(id)), updated: changes.length };
  }

  const existing = await readCalls(trx, sorted, false);
  const fresh = sorted.filter((record) => !existing.has(record.callId));
  // SQLite holds the write lock (BEGIN IMMEDIATE), so a call read as missing is still missing; the statement's
  // ON CONFLICT DO NOTHING only guards that.
  const inserted = new Set<string>();
  for (const record of fresh) if (rowInserts.insertCall(recordToRow(record, updatedAt))) inserted.add(record.callId);
  for (const record of fresh) if (inserted.has(record.callId)) rowInserts.insertParticipants(participantRows(record));
  const lostRace = fresh.filter((record) => !inserted.has(record.callId));
  const changes = await updateChanged(
    trx,
    [...records.filter((r) => existing.has(r.callId)), ...lostRace],
    existing,
    updatedAt,
  );
  await countChanges(trx, engineName, sorted, inserted, changes);
  return { inserted: ids.filter((id) => inserted.has(id)), updated: changes.length };
}

/** The end-minute counters follow the batch, in its transaction: inserted calls in, changed calls moved. */
async function countChanges(
  trx: Kysely<Database>,
  engineName: EngineName,
  records: readonly CallRecord[],
  inserted: ReadonlySet<string>,
  changes: readonly { before: CallRecord; after: CallRecord }[],
): Promise<void> {
  const moved = changes.filter((change) => countsChange(change.before, change.after));
  await applyEndMinuteCounts(
    trx,
    engineName,
    [...records.filter((record) => inserted.has(record.callId)), ...moved.map((change) => change.after)],
    moved.map((change) => change.before),
  );
}

/** The stored rows of these calls, by CallId; on PostgreSQL `lock` takes them FOR UPDATE (in CallId order). */
async function readCalls(
  trx: Kysely<Database>,
  records: readonly CallRecord[],
  lock: boolean,
): Promise<Map<string, CallRecord>> {
  let query = trx
    .selectFrom('calls')
    .select(CALL_COLUMNS)
    .where(
      'call_id',
      'in',
      records.map((record) => record.callId),
    )
    .orderBy('call_id');
  if (lock) query = query.forUpdate();
  return new Map((await query.execute()).map((row) => [row.call_id, rowToRecord(row)]));
}

/** Updates the calls that differ from their stored row (read again when `existing` lacks it); returns them. */
async function updateChanged(
  trx: Kysely<Database>,
  records: readonly CallRecord[],
  existing: ReadonlyMap<string, CallRecord>,
  updatedAt: number,
): Promise<{ before: CallRecord; after: CallRecord }[]> {
  const updated: { before: CallRecord; after: CallRecord }[] = [];
  for (const record of records) {
    const before = existing.get(record.callId) ?? (await readCall(trx, record.callId));
    if (before === null || sameCall(before, record)) continue;
    const { call_id: _, ...changes } = recordToRow(record, updatedAt);
    await trx.updateTable('calls').set(changes).where('call_id', '=', record.callId).execute();
    if (!sameParticipants(before, record)) {
      await deleteParticipants(trx, participantRows(before));
      await insertParticipants(trx, participantRows(record));
    }
    updated.push({ before, after: record });
  }
  return updated;
}

/**
 * PostgreSQL: inserts the calls the store lacks (in CallId order; a call another writer inserts meanwhile is left
 * to it) and, in the same statement, the participant rows of exactly those. Returns the CallIds it inserted.
 */
async function insertNewCallsPostgres(
  trx: Kysely<Database>,
  records: readonly CallRecord[],
  updatedAt: number,
): Promise<Set<string>> {
  const rows = records.map((record) => recordToRow(record, updatedAt));
  const column = <K extends keyof CallsTable>(key: K) => rows.map((row) => row[key]);
  const participants = records.flatMap(participantRows);
  const { rows: added } = await sql<{ call_id: string }>`
    with ins as (
      insert into calls (call_id, caller, callees, media_type, call_type, start_time, end_time, accept_time, result,
        room_id, room_id_type, updated_at)
      select * from unnest(${column('call_id')}::text[], ${column('caller')}::text[], ${column('callees')}::text[],
        ${column('media_type')}::text[], ${column('call_type')}::text[], ${column('start_time')}::bigint[],
        ${column('end_time')}::bigint[], ${column('accept_time')}::bigint[], ${column('result')}::text[],
        ${column('room_id')}::text[], ${column('room_id_type')}::integer[], ${column('updated_at')}::bigint[])
        as input(call_id)
      order by input.call_id collate "C"
      on conflict (call_id) do nothing
      returning call_id
    ), participants as (
      insert into call_participants (user_id, start_time, call_id)
      select p.user_id, p.start_time, p.call_id
      from unnest(${participants.map((p) => p.user_id)}::text[], ${participants.map((p) => p.start_time)}::bigint[],
        ${participants.map((p) => p.call_id)}::text[]) as p(user_id, start_time, call_id)
      where p.call_id in (select call_id from ins)
      on conflict do nothing
    )
    select call_id from ins`.execute(trx);
  return new Set(added.map((row) => row.call_id));
}

interface SqliteRowInserts {
  /** True when the row went in (false: the call was there already). */
  insertCall(row: CallsTable): boolean;
  insertParticipants(rows: readonly CallParticipantsTable[]): void;
}

/**
 * SQLite: one prepared statement per row, prepared once and reused. better-sqlite3 runs each in microseconds on
 * the connection of the open transaction, with no SQL text to build and parse per batch (a 500-row INSERT is
 * 6,000 parameters, built by Kysely and parsed by SQLite every time, on the event loop). Prepared at first use,
 * after the migrations.
 */
function sqliteRowInserts(sqlite: SQLite.Database): SqliteRowInserts {
  let call: SQLite.Statement | undefined;
  let participant: SQLite.Statement | undefined;
  const columns = [...CALL_COLUMNS, 'updated_at'] as const;
  return {
    insertCall(row) {
      call ??= sqlite.prepare(
        `insert into calls (${columns.join(', ')}) values (${columns.map(() => '?').join(', ')})
         on conflict (call_id) do nothing`,
      );
      return call.run(columns.map((column) => row[column])).changes === 1;
    },
    insertParticipants(rows) {
      participant ??= sqlite.prepare(
        'insert into call_participants (user_id, start_time, call_id) values (?, ?, ?) on conflict do nothing',
      );
      for (const row of rows) participant.run(row.user_id, row.start_time, row.call_id);
    },
  };
}

/**
 * The database refused a value of the data itself, not the store being unavailable: PostgreSQL's class 22 (data
 * exception: U+0000 in text, a number out of range), SQLite's value errors. Anything else stays a failure of the
 * whole write.
 */
function isRefusedValue(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return false;
  return /^22[0-9A-Z]{3}$/.test(code) || code === 'SQLITE_TOOBIG' || code === 'SQLITE_MISMATCH';
}

function byCallId(a: CallRecord, b: CallRecord): number {
  return a.callId < b.callId ? -1 : a.callId > b.callId ? 1 : 0;
}

async function readCall(trx: Kysely<Database>, callId: string): Promise<CallRecord | null> {
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

async function insertParticipants(trx: Kysely<Database>, rows: CallParticipantsTable[]): Promise<void> {
  for (let i = 0; i < rows.length; i += INSERT_CHUNK) {
    await trx
      .insertInto('call_participants')
      .values(rows.slice(i, i + INSERT_CHUNK))
      .onConflict((conflict) => conflict.columns(['user_id', 'start_time', 'call_id']).doNothing())
      .execute();
  }
}

/** Deletes exactly these rows, found through the participants' key (a list of keys per statement). */
async function deleteParticipants(trx: Kysely<Database>, rows: CallParticipantsTable[]): Promise<void> {
  for (let i = 0; i < rows.length; i += INSERT_CHUNK) {
    const keys = rows.slice(i, i + INSERT_CHUNK).map((row) => sql`(${row.user_id}, ${row.start_time}, ${row.call_id})`);
    await sql`delete from call_participants where (user_id, start_time, call_id) in (${sql.join(keys)})`.execute(trx);
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
