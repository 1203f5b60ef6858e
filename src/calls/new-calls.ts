/**
 * New calls, as they reach the store: the sync and the Tencent callback publish the calls an upsert inserted
 * (`UpsertResult.inserted`), and incidents and watches subscribe. A listener that fails is reported and never
 * stops the others, nor the writer that published.
 */
import type { CallRecord } from './records.js';

export type NewCallsListener = (calls: readonly CallRecord[]) => void | Promise<void>;

export interface NewCallsFeed {
  /** Returns a function that unsubscribes. */
  subscribe(listener: NewCallsListener): () => void;
  /** Calls every listener; settles when all have, never rejects. Does nothing for an empty list. */
  publish(calls: readonly CallRecord[]): Promise<void>;
}

export function createNewCallsFeed(onListenerError: (error: unknown) => void = () => {}): NewCallsFeed {
  const listeners = new Set<NewCallsListener>();
  return {
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async publish(calls) {
      if (calls.length === 0) return;
      await Promise.all(
        [...listeners].map(async (listener) => {
          try {
            await listener(calls);
          } catch (error) {
            onListenerError(error);
          }
        }),
      );
    },
  };
}
