import { describe, expect, it } from 'vitest';
import { aCall, anyCall } from '../support/call-records.js';
import { storeEngines } from '../support/store-engines.js';

describe.each(storeEngines())('$name smoke', (engine) => {
  it('stores and finds', async () => {
    const store = await engine.open();
    const a = aCall({ startTime: 100 });
    const b = aCall({ startTime: 200, caller: 'carol', callees: ['dave', 'alice'] });
    expect(await store.upsertCalls([a, b])).toEqual({ inserted: [a.callId, b.callId], updated: 0 });
    expect(await store.findCalls(anyCall(), { limit: 10 })).toEqual([b, a]);
    expect(await store.findCalls(anyCall({ users: ['alice', 'carol'] }), { limit: 10 })).toEqual([b, a]);
    expect(await store.findCalls(anyCall({ users: ['alice'] }), { limit: 1, after: b })).toEqual([a]);
    expect(await store.findCalls(anyCall({ results: ['NormalEnd', 'Interrupt'] }), { limit: 1, before: a })).toEqual([
      b,
    ]);
    expect(await store.countCalls(anyCall({ users: ['alice', 'dave'] }))).toBe(2);
    expect(await store.countCallsByBucket(anyCall({ from: 0, to: 300 }), 100)).toEqual([0, 1, 1]);
    expect(await store.getCall(a.callId)).toEqual(a);
    expect(await store.upsertCalls([{ ...a, result: 'Interrupt' }])).toEqual({ inserted: [], updated: 1 });
    expect(await store.acquireLease('sync', 'p1', 30)).toBe(true);
    expect(await store.acquireLease('sync', 'p2', 30)).toBe(false);
    await store.writeSyncState({ coveredFrom: 5, syncProblem: { at: 1, kind: 'store', message: 'x' } });
    await store.addInvalidRecords(3);
    expect(await store.coverage()).toMatchObject({ coveredFrom: 5, oldestCall: 100, invalidRecords: 3 });
    expect(await store.deleteCallsBefore(150)).toBe(1);
  });
});
