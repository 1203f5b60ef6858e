/**
 * Group commit for writers that store one call at a time under load (the Tencent callback: 200 a second, each
 * answered only once stored). While one upsert runs, the calls that arrive wait and then go in ONE upsert together,
 * so a second's callbacks cost a few transactions instead of hundreds; with nothing running, a call is written at
 * once (no added delay when quiet).
 */

import { AppError } from '../shared/errors.js';
import type { CallWriter } from './call-store.js';
import type { CallRecord } from './records.js';

/** The store refused this call for a value in it (see `UpsertResult.refused`): retrying it cannot help. */
export class CallRefusedError extends AppError {
  readonly code = 'call-refused';
  constructor() {
    super('the store refused a value of this call');
    this.name = 'CallRefusedError';
  }
}

export interface BatchedUpserts {
  /** Resolves once `record` is stored: `inserted` is true for exactly one caller of a CallId the store did not have. */
  upsert(record: CallRecord): Promise<{ inserted: boolean }>;
}

interface Waiter {
  record: CallRecord;
  resolve(result: { inserted: boolean }): void;
  reject(error: unknown): void;
}

export function createBatchedUpserts(writer: Pick<CallWriter, 'upsertCalls'>, maxBatch = 500): BatchedUpserts {
  const queue: Waiter[] = [];
  let writing = false;

  async function flush(): Promise<void> {
    if (writing || queue.length === 0) return;
    writing = true;
    const batch = queue.splice(0, maxBatch);
    try {
      const { inserted, refused = [] } = await writer.upsertCalls(batch.map((waiter) => waiter.record));
      const fresh = new Set(inserted);
      const refusedIds = new Set(refused);
      for (const waiter of batch) {
        if (refusedIds.has(waiter.record.callId)) {
          waiter.reject(new CallRefusedError());
          continue;
        }
        // The same call twice in one batch: only the first caller learns it is new (so it is published once).
        const isNew = fresh.delete(waiter.record.callId);
        waiter.resolve({ inserted: isNew });
      }
    } catch (error) {
      if (batch.length === 1) batch[0]?.reject(error);
      // One record the store refuses must not fail the calls written beside it: each goes in on its own.
      // In order, so that of the same call twice only the first still learns it is new.
      else for (const waiter of batch) await writeAlone(waiter);
    } finally {
      writing = false;
      void flush();
    }
  }

  async function writeAlone(waiter: Waiter): Promise<void> {
    try {
      const { inserted, refused = [] } = await writer.upsertCalls([waiter.record]);
      if (refused.includes(waiter.record.callId)) return waiter.reject(new CallRefusedError());
      waiter.resolve({ inserted: inserted.includes(waiter.record.callId) });
    } catch (error) {
      waiter.reject(error);
    }
  }

  return {
    upsert(record) {
      return new Promise((resolve, reject) => {
        queue.push({ record, resolve, reject });
        void flush();
      });
    },
  };
}
