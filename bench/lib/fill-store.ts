/**
 * A generated store for benches: `generateCalls` makes a deterministic stream of calls, `fillStore` writes them
 * into an EMPTY store through the fast path (multi-row inserts, big transactions, no read-before-write), much
 * faster than `upsertCalls`, which the bench measures separately as the real ingest path.
 */
import type { CallRecord } from '../../src/calls/records.js';
import { mulberry32 } from '../../src/demo/prng.js';
import { participantsOf, recordToRow } from '../../src/store/call-rows.js';
import type { CallStore } from '../../src/store/open-call-store.js';

const RESULTS = [
  'NormalEnd',
  'NormalEnd',
  'NormalEnd',
  'NormalEnd',
  'NormalEnd',
  'Cancel',
  'Reject',
  'NotAnswer',
  'Interrupt',
  'Offline',
];

export interface GeneratedStore {
  count: number;
  users: number;
  /** [from, to) of the start times. */
  from: number;
  to: number;
  seed: number;
  /** A user in about `heavyShare` of all calls (deep paging). */
  heavyUser: string;
  heavyShare: number;
}

export function userId(index: number): string {
  return `user${String(index).padStart(6, '0')}`;
}

/** Calls evenly spread over [from, to), oldest first; about 1 in 10 has a second callee. */
export function* generateCalls(spec: GeneratedStore, offset = 0): Generator<CallRecord> {
  const rng = mulberry32(spec.seed + offset);
  const span = spec.to - spec.from;
  for (let i = 0; i < spec.count; i++) {
    const startTime = spec.from + Math.floor(((i + rng()) * span) / spec.count);
    const caller = rng() < spec.heavyShare ? spec.heavyUser : userId(Math.floor(rng() * spec.users));
    const callees = [userId(Math.floor(rng() * spec.users))];
    if (rng() < 0.1) callees.push(userId(Math.floor(rng() * spec.users)));
    const result = RESULTS[Math.floor(rng() * RESULTS.length)] as string;
    const accepted = result === 'NormalEnd' || result === 'Interrupt' || result === 'Offline';
    yield {
      callId: `${(spec.seed + offset).toString(36)}-${i.toString(36).padStart(6, '0')}-${Math.floor(rng() * 1e9).toString(36)}`,
      caller,
      callees: callees.filter((callee) => callee !== caller),
      mediaType: rng() < 0.6 ? 'Video' : 'Audio',
      callType: callees.length > 1 ? 'MultiCall' : 'SingleCall',
      startTime,
      endTime: startTime + 5 + Math.floor(rng() * 600),
      acceptTime: accepted ? startTime + 3 : null,
      result,
      roomId: String(100000 + Math.floor(rng() * 900000)),
      roomIdType: 1,
    };
  }
}

const ROWS_PER_INSERT = 500;
const ROWS_PER_TRANSACTION = 50_000;

/** Inserts into an empty store; returns how many calls went in. */
export async function fillStore(
  store: CallStore,
  calls: Iterable<CallRecord>,
  onProgress: (done: number) => void = () => {},
): Promise<number> {
  let done = 0;
  let batch: CallRecord[] = [];
  const flush = async () => {
    const records = batch;
    batch = [];
    await retryWhileLocked(() =>
      store.db.transaction().execute(async (trx) => {
        for (let i = 0; i < records.length; i += ROWS_PER_INSERT) {
          const chunk = records.slice(i, i + ROWS_PER_INSERT);
          await trx
            .insertInto('calls')
            .values(chunk.map((record) => recordToRow(record, record.endTime)))
            .execute();
          const participants = chunk.flatMap((record) =>
            participantsOf(record).map((user) => ({
              user_id: user,
              start_time: record.startTime,
              call_id: record.callId,
            })),
          );
          for (let j = 0; j < participants.length; j += ROWS_PER_INSERT) {
            await trx
              .insertInto('call_participants')
              .values(participants.slice(j, j + ROWS_PER_INSERT))
              .execute();
          }
        }
      }),
    );
    done += records.length;
    onProgress(done);
  };
  for (const call of calls) {
    batch.push(call);
    if (batch.length >= ROWS_PER_TRANSACTION) await flush();
  }
  if (batch.length > 0) await flush();
  return done;
}

/**
 * Runs a bulk write again while SQLite answers "database is locked": the store's own busy timeout is a few
 * milliseconds (its writers retry), and its checkpoint worker may hold the lock for longer under load.
 */
export async function retryWhileLocked<T>(work: () => Promise<T>, attempts = 200): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      if (attempt >= attempts || (error as { code?: unknown }).code !== 'SQLITE_BUSY') throw error;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}
