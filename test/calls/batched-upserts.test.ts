import { describe, expect, it } from 'vitest';
import { createBatchedUpserts } from '../../src/calls/batched-upserts.js';
import type { CallRecord } from '../../src/calls/records.js';
import { aCall } from '../support/call-records.js';
import { storeEngines } from '../support/store-engines.js';

describe.each(storeEngines())('$name: batched upserts (group commit)', (engine) => {
  it('stores every call, writes the ones that wait together, and says "new" once per CallId', async () => {
    const store = await engine.open();
    const batches: number[] = [];
    const writes = createBatchedUpserts({
      upsertCalls: (records: readonly CallRecord[]) => {
        batches.push(records.length);
        return store.upsertCalls(records);
      },
    });
    const calls = Array.from({ length: 20 }, () => aCall());
    const twice = calls[3] as CallRecord;
    const results = await Promise.all([...calls, twice].map((call) => writes.upsert(call)));
    expect(results.filter((r) => r.inserted)).toHaveLength(20);
    // The first went alone (nothing was running); the others waited and went together.
    expect(batches).toEqual([1, 20]);
    expect(await writes.upsert(calls[0] as CallRecord)).toEqual({ inserted: false });
  });

  it('stores the neighbours of a call the store cannot take (PostgreSQL refuses NUL in text)', async () => {
    const store = await engine.open();
    const writes = createBatchedUpserts(store);
    const calls = Array.from({ length: 20 }, () => aCall());
    // Past the edge's check on purpose: the store's batch must not depend on it.
    const hostile = aCall({ roomId: 'room\u0000x' });
    const outcomes = await Promise.allSettled([...calls, hostile].map((call) => writes.upsert(call)));
    expect(outcomes.slice(0, 20).every((o) => o.status === 'fulfilled' && o.value.inserted)).toBe(true);
    for (const call of calls) expect(await store.getCall(call.callId)).toEqual(call);
  });
});

describe('batched upserts, failing', () => {
  it('fails the waiters of a failed batch, and the next batch goes on', async () => {
    let fail = true;
    const writes = createBatchedUpserts({
      upsertCalls: async (records: readonly CallRecord[]) => {
        if (fail) throw new Error('store down');
        return { inserted: records.map((r) => r.callId), updated: 0 };
      },
    });
    await expect(writes.upsert(aCall())).rejects.toThrow('store down');
    fail = false;
    expect(await writes.upsert(aCall())).toEqual({ inserted: true });
  });

  it('fails only the call the store refuses, not the calls batched with it', async () => {
    const bad = aCall();
    const batches: number[] = [];
    const writes = createBatchedUpserts({
      upsertCalls: async (records: readonly CallRecord[]) => {
        batches.push(records.length);
        if (records.some((r) => r.callId === bad.callId)) throw new Error('refused');
        return { inserted: records.map((r) => r.callId), updated: 0 };
      },
    });
    const good = Array.from({ length: 5 }, () => aCall());
    const outcomes = await Promise.allSettled([aCall(), ...good, bad].map((call) => writes.upsert(call)));
    expect(outcomes.map((o) => o.status)).toEqual([...Array(6).fill('fulfilled'), 'rejected']);
    // Alone, together (refused), then each alone.
    expect(batches).toEqual([1, 6, 1, 1, 1, 1, 1, 1]);
  });
});
