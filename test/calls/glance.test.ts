import { describe, expect, it } from 'vitest';
import { StoreUnavailableError } from '../../src/calls/call-store.js';
import { CallGlance, GLANCE_UNAVAILABLE } from '../../src/calls/glance.js';
import type { CallRecord } from '../../src/calls/records.js';
import { storeEngines } from '../support/store-engines.js';

const T = 1_800_000_000;

function call(callId: string, startTime: number, result: string): CallRecord {
  return {
    callId,
    caller: '147',
    callees: ['369'],
    mediaType: 'Video',
    callType: 'SingleCall',
    startTime,
    endTime: startTime + 30,
    acceptTime: null,
    result,
    roomId: '1',
    roomIdType: 1,
  };
}

describe('CallGlance', () => {
  const [engine] = storeEngines();
  if (engine === undefined) throw new Error('no store engine');

  it('counts the last 24 hours in the store: calls, Interrupt and Offline, with the coverage for the footer', async () => {
    const store = await engine.open({ now: () => T });
    await store.upsertCalls([
      call('a', T - 86_400 - 1, 'Interrupt'), // just before the window
      call('b', T - 86_400, 'Interrupt'), // first second of the window
      call('c', T - 3600, 'NormalEnd'),
      call('d', T - 120, 'Offline'),
      call('e', T - 61, 'Interrupt'),
      call('f', T - 1, 'NormalEnd'), // last second of the window
    ]);
    await store.writeSyncState({ coveredFrom: T - 7 * 86_400, backfillDone: true, lastSyncAt: T - 20 });
    await store.addInvalidRecords(3);
    const result = await new CallGlance(store, { now: () => T }).get();
    expect(result).toMatchObject({ calls: 5, interrupted: 2, offline: 1, rate: 3 / 5, from: T - 86_400, to: T });
    expect('coverage' in result && result.coverage).toMatchObject({ lastSyncAt: T - 20, invalidRecords: 3 });
  });

  it('says it is unavailable when the store does not answer, and tells the log', async () => {
    const errors: unknown[] = [];
    const failing = {
      countCalls: async () => Promise.reject(new StoreUnavailableError('database is locked')),
      coverage: async () => Promise.reject(new StoreUnavailableError('database is locked')),
    };
    const glance = new CallGlance(failing, { now: () => T, onError: (error) => errors.push(error) });
    expect(await glance.get()).toEqual({ unavailable: GLANCE_UNAVAILABLE });
    expect(errors).toHaveLength(1);
  });
});
