/**
 * What the sync needs of the call-record store: the domain's count and upsert, plus the sync's own state, the
 * invalid-record counter, the lease that makes one process the syncer, and retention. `CallStore` provides all of
 * it; the sync asks for no more, so it runs against either engine alike (and a test can wrap it to inject faults).
 */
import type { CallStore } from '../store/open-call-store.js';

export type { SyncState } from '../store/sync-state.js';

export type SyncStore = Pick<
  CallStore,
  | 'countCalls'
  | 'upsertCalls'
  | 'readSyncState'
  | 'writeSyncState'
  | 'addInvalidRecords'
  | 'acquireLease'
  | 'releaseLease'
  | 'deleteCallsBefore'
>;
