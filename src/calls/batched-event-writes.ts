/**
 * Group commit for call events, as `batched-upserts.ts` does for calls: the callbacks that arrive while one write
 * runs wait and then go in ONE transaction together, so hundreds of callbacks a second cost a few transactions.
 * With nothing running, a write starts at once.
 */
import type { CallEventStore, CallEventWrite } from './call-events.js';

export interface BatchedEventWrites {
  /** Resolves with how many of the write's events were new, once stored. */
  write(write: CallEventWrite): Promise<number>;
}

interface Waiter {
  write: CallEventWrite;
  resolve(added: number): void;
  reject(error: unknown): void;
}

export function createBatchedEventWrites(
  store: Pick<CallEventStore, 'writeEvents'>,
  maxBatch = 500,
): BatchedEventWrites {
  const queue: Waiter[] = [];
  let writing = false;

  async function flush(): Promise<void> {
    if (writing || queue.length === 0) return;
    writing = true;
    const batch = queue.splice(0, maxBatch);
    try {
      const added = await store.writeEvents(batch.map((waiter) => waiter.write));
      for (const [index, waiter] of batch.entries()) waiter.resolve(added[index] ?? 0);
    } catch (error) {
      for (const waiter of batch) waiter.reject(error);
    } finally {
      writing = false;
      void flush();
    }
  }

  return {
    write(write) {
      return new Promise((resolve, reject) => {
        queue.push({ write, resolve, reject });
        void flush();
      });
    },
  };
}
