import { describe, expect, it } from 'vitest';
import type { CallRecord } from '../../src/calls/records.js';
import { aCall, anyCall } from '../support/call-records.js';
import { storeEngines } from '../support/store-engines.js';

describe.each(storeEngines())('$name store: upserts and retention', (engine) => {
  it('reports new calls once: the same records again change nothing', async () => {
    const store = await engine.open();
    const calls = [aCall(), aCall(), aCall()];
    expect(await store.upsertCalls(calls)).toEqual({ inserted: calls.map((c) => c.callId), updated: 0 });
    expect(await store.upsertCalls(calls)).toEqual({ inserted: [], updated: 0 });
    expect(await store.countCalls(anyCall())).toBe(3);
  });

  it('updates a call whose fields changed, and reports only the new ones of a mixed batch', async () => {
    const store = await engine.open();
    const call = aCall({ result: 'NormalEnd', acceptTime: null });
    await store.upsertCalls([call]);
    const changed: CallRecord = {
      ...call,
      result: 'Interrupt',
      endTime: call.endTime + 30,
      acceptTime: call.startTime + 2,
    };
    const fresh = aCall();
    expect(await store.upsertCalls([changed, fresh])).toEqual({ inserted: [fresh.callId], updated: 1 });
    expect(await store.getCall(call.callId)).toEqual(changed);
    expect(await store.countCalls(anyCall({ results: ['Interrupt'] }))).toBe(1);
    expect(await store.countCalls(anyCall({ results: ['NormalEnd'] }))).toBe(1);
  });

  it('keeps user lookups in step when the callee list or the start time changes', async () => {
    const store = await engine.open();
    const call = aCall({ caller: 'alice', callees: ['bob', 'carol'], startTime: 1_000 });
    await store.upsertCalls([call]);
    const moved: CallRecord = { ...call, callees: ['carol', 'dave'], startTime: 2_000, endTime: 2_060 };
    expect(await store.upsertCalls([moved])).toEqual({ inserted: [], updated: 1 });
    const byUser = async (user: string) => store.findCalls(anyCall({ users: [user] }), { limit: 10 });
    expect(await byUser('bob')).toEqual([]);
    expect(await byUser('dave')).toEqual([moved]);
    expect(await byUser('carol')).toEqual([moved]);
    expect(await byUser('alice')).toEqual([moved]);
    expect(await store.countCalls(anyCall({ users: ['alice'], from: 0, to: 1_500 }))).toBe(0);
    expect(await store.countCalls(anyCall({ users: ['alice'], from: 1_500, to: 2_500 }))).toBe(1);
  });

  it('stores a caller who is also listed as a callee once, and unknown strings as they came', async () => {
    const store = await engine.open();
    const call = aCall({
      caller: 'alice',
      callees: ['alice', 'bob'],
      result: 'SomethingNew',
      mediaType: 'Hologram',
      roomIdType: null,
    });
    await store.upsertCalls([call]);
    expect(await store.findCalls(anyCall({ users: ['alice'] }), { limit: 10 })).toEqual([call]);
    expect(await store.countCalls(anyCall({ users: ['alice', 'bob'] }))).toBe(1);
    expect(
      await store.findCalls(anyCall({ results: ['SomethingNew'], mediaTypes: ['Hologram'] }), { limit: 10 }),
    ).toEqual([call]);
  });

  it('takes the last copy of a CallId sent twice in one upsert', async () => {
    const store = await engine.open();
    const call = aCall({ result: 'NormalEnd' });
    const later = { ...call, result: 'Offline' };
    expect(await store.upsertCalls([call, later])).toEqual({ inserted: [call.callId], updated: 0 });
    expect(await store.getCall(call.callId)).toEqual(later);
  });

  it('writes more calls than one batch holds, and reports each as new', async () => {
    const store = await engine.open();
    const calls = Array.from({ length: 1_234 }, (_, i) =>
      aCall({ startTime: 10_000 + i, callees: ['bob', `u${i % 9}`] }),
    );
    const result = await store.upsertCalls(calls);
    expect(result.inserted).toEqual(calls.map((c) => c.callId));
    expect(await store.countCalls(anyCall())).toBe(1_234);
    expect(await store.countCalls(anyCall({ users: ['u3'] }))).toBe(
      calls.filter((c) => c.callees.includes('u3')).length,
    );
  });

  it('reports a call as new to exactly one of two writers upserting it at once', async () => {
    const at = await engine.location();
    const [one, two] = [await engine.open({ at }), await engine.open({ at })];
    const calls = Array.from({ length: 50 }, () => aCall());
    const results = await Promise.all([one.upsertCalls(calls), two.upsertCalls(calls)]);
    expect(results.flatMap((r) => r.inserted).sort()).toEqual(calls.map((c) => c.callId).sort());
    expect(await one.countCalls(anyCall({ users: ['alice'] }))).toBe(50);
  });

  it('keeps user lookups in step when two writers store different versions of the same new calls at once', async () => {
    const at = await engine.location();
    const [one, two] = [await engine.open({ at }), await engine.open({ at })];
    const first = Array.from({ length: 40 }, () => aCall({ callees: ['bob'] }));
    const second = first.map((call) => ({ ...call, callees: ['carol'], result: 'Interrupt' }));
    const results = await Promise.all([one.upsertCalls(first), two.upsertCalls(second)]);
    expect(results.flatMap((r) => r.inserted).sort()).toEqual(first.map((c) => c.callId).sort());
    // Whichever version each call ended with, its participant rows are that version's.
    const stored = await one.findCalls(anyCall(), { limit: 100 });
    const withCarol = stored.filter((call) => call.callees.includes('carol')).length;
    expect(withCarol + stored.filter((call) => call.callees.includes('bob')).length).toBe(40);
    expect(await one.countCalls(anyCall({ users: ['carol'] }))).toBe(withCarol);
    expect(await one.countCalls(anyCall({ users: ['bob'] }))).toBe(40 - withCarol);
  });

  it('deletes the calls that started before a time, with their participants, in batches', async () => {
    const store = await engine.open();
    const old = Array.from({ length: 2_100 }, (_, i) =>
      aCall({ startTime: 1_000 + i, caller: 'alice', callees: ['bob'] }),
    );
    const kept = [aCall({ startTime: 5_000, caller: 'alice' }), aCall({ startTime: 6_000, caller: 'carol' })];
    await store.upsertCalls([...old, ...kept]);
    expect(await store.deleteCallsBefore(5_000)).toBe(2_100);
    expect(await store.findCalls(anyCall(), { limit: 10 })).toEqual([kept[1], kept[0]]);
    expect(await store.countCalls(anyCall({ users: ['alice'] }))).toBe(1);
    expect(await store.countCalls(anyCall({ users: ['bob'] }))).toBe(2);
    const participants = await store.db
      .selectFrom('call_participants')
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirst();
    expect(Number(participants?.n)).toBe(4);
    expect(await store.deleteCallsBefore(5_000)).toBe(0);
  });

  it('stores every other call of a batch the database refuses a value of', async () => {
    const store = await engine.open();
    const calls = Array.from({ length: 700 }, () => aCall());
    // Past the edge's check on purpose: PostgreSQL refuses U+0000 in text; SQLite stores it.
    const hostile = aCall({ roomId: 'room\u0000x' });
    calls.splice(321, 0, hostile);
    const result = await store.upsertCalls(calls);
    const refused = engine.name === 'postgres' ? [hostile.callId] : [];
    expect(result.refused ?? []).toEqual(refused);
    expect(result.inserted).toHaveLength(calls.length - refused.length);
    expect(await store.countCalls(anyCall())).toBe(calls.length - refused.length);
  });
});
