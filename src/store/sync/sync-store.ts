/**
 * What the sync needs of the call-record store: the domain's count and upsert, plus the sync's own state, the
 * invalid-record counter, the lease that makes one process the syncer, and retention. `CallStore` provides all of
 * it; the sync asks for no more, so it runs against either engine alike.
 */
import type { CallReader, CallWriter, SyncProblem } from '../../calls/call-store.js';

/** How far the sync has come (the store's `sync_state` row). */
export interface SyncState {
  coveredFrom: number | null;
  backfillDone: boolean;
  lastSyncAt: number | null;
  lastFullReconcileAt: number | null;
  syncProblem: SyncProblem | null;
  invalidRecords: number;
}

export interface SyncStore extends Pick<CallReader, 'countCalls'>, CallWriter {
  readSyncState(): Promise<SyncState>;
  writeSyncState(patch: Partial<SyncState>): Promise<void>;
  addInvalidRecords(count: number): Promise<void>;
  /** True when `holder` holds the lease now (taken, renewed, or taken over after it expired). */
  acquireLease(name: string, holder: string, ttlSeconds: number): Promise<boolean>;
  releaseLease(name: string, holder: string): Promise<void>;
  deleteCallsBefore(startTime: number): Promise<number>;
}

/** The part of a logger the sync uses. */
export interface SyncLogger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}
