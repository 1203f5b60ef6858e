import { describe, expect, it } from 'vitest';
import type { CallEvent } from '../../src/calls/call-events.js';
import { aCall } from '../support/call-records.js';
import { storeEngines } from '../support/store-engines.js';

describe.each(storeEngines())('$name call events', (engine) => {
  const t0 = 1_790_000_000_000;
  const ev = (callId: string, userId: string, action: CallEvent['action'], atMs: number): CallEvent => ({
    callId,
    userId,
    action,
    atMs,
  });

  it('keeps each event once, whatever the order or repetition of the callbacks', async () => {
    const store = await engine.open();
    const start = { events: [ev('c1', '147', 'calling', t0), ev('c1', '369', 'invited', t0)] };
    const member = { events: [ev('c1', '369', 'accepted', t0 + 6_000)] };
    const end = { events: [ev('c1', '', 'ended', t0 + 60_000)], endedCallId: 'c1' };
    expect(await store.writeEvents([member])).toEqual([1]);
    expect(await store.writeEvents([end])).toEqual([1]);
    expect(await store.writeEvents([start])).toEqual([2]);
    expect(await store.writeEvents([member])).toEqual([0]);
    expect(await store.writeEvents([start, end, member])).toEqual([0, 0, 0]);
    const events = (await store.eventsOf(['c1', 'nothing'])).get('c1');
    expect(events?.map((e) => `${e.atMs - t0} ${e.userId} ${e.action}`)).toEqual([
      '0 147 calling',
      '0 369 invited',
      '6000 369 accepted',
      '60000  ended',
    ]);
    expect((await store.eventsOf(['nothing'])).size).toBe(0);
  });

  it('keeps each event once when three stores on the same data (three processes) write the same callbacks at once', async () => {
    const at = await engine.location();
    const stores = await Promise.all([engine.open({ at }), engine.open({ at }), engine.open({ at })]);
    const writes = [
      { events: [ev('multi', '147', 'calling', t0), ev('multi', '369', 'invited', t0)] },
      { events: [ev('multi', '369', 'accepted', t0 + 3_000)] },
      { events: [ev('multi', '369', 'offline', t0 + 60_000)] },
      { events: [ev('multi', '', 'ended', t0 + 61_000)], endedCallId: 'multi' },
    ];
    const added = await Promise.all(
      stores.flatMap((store) => writes.map((write) => store.writeEvents([write]).then(([n]) => n ?? 0))),
    );
    expect(added.reduce((sum, n) => sum + n, 0)).toBe(5);
    for (const store of stores) expect((await store.eventsOf(['multi'])).get('multi')).toHaveLength(5);
    await Promise.all(stores.map((store) => store.close()));
  });

  it('lists a started call as live until its end arrives, its record is stored, or it is too old', async () => {
    const store = await engine.open();
    const started = (callId: string, at: number) => ({
      events: [ev(callId, '147', 'calling', at)],
      started: { callId, startedAtMs: at, mediaType: 'Video' },
    });
    await store.writeEvents([started('a', t0)]);
    await store.writeEvents([started('b', t0 + 1_000)]);
    await store.writeEvents([started('c', t0 + 2_000)]);
    await store.writeEvents([started('old', t0 - 10_000_000)]);
    expect((await store.liveCalls(t0 - 1, 10)).map((c) => c.callId)).toEqual(['c', 'b', 'a']);
    await store.writeEvents([{ events: [ev('b', '', 'ended', t0 + 5_000)], endedCallId: 'b' }]);
    await store.upsertCalls([aCall({ callId: 'c' })]);
    const live = await store.liveCalls(t0 - 1, 10);
    expect(live.map((c) => c.callId)).toEqual(['a']);
    expect(live[0]?.events.map((e) => e.action)).toEqual(['calling']);
    // The end arrived before the start (out of order): the call is never listed.
    await store.writeEvents([{ events: [ev('d', '', 'ended', t0 + 9_000)], endedCallId: 'd' }]);
    await store.writeEvents([started('d', t0 + 3_000)]);
    expect((await store.liveCalls(t0 - 1, 10)).map((c) => c.callId)).toEqual(['a']);
  });

  it('deletes events with their call by retention, and events of calls never recorded by their time', async () => {
    const store = await engine.open();
    const old = aCall({ startTime: 1_000_000 });
    const kept = aCall({ startTime: 3_000_000 });
    await store.upsertCalls([old, kept]);
    await store.writeEvents([
      {
        events: [
          ev(old.callId, 'alice', 'calling', 1_000_000_000),
          // An event of the old call after the cut-off goes with its call.
          ev(old.callId, 'alice', 'hung-up', 2_500_000_000),
          ev(kept.callId, 'alice', 'calling', 3_000_000_000),
          ev('never-recorded', 'x', 'calling', 1_500_000_000),
          ev('never-recorded-new', 'x', 'calling', 3_500_000_000),
        ],
        started: { callId: 'never-recorded', startedAtMs: 1_500_000_000, mediaType: 'Audio' },
      },
    ]);
    expect(await store.deleteCallsBefore(2_000_000)).toBe(1);
    const left = await store.eventsOf([old.callId, kept.callId, 'never-recorded', 'never-recorded-new']);
    expect([...left.keys()].sort()).toEqual([kept.callId, 'never-recorded-new'].sort());
    expect(await store.liveCalls(0, 10)).toEqual([]);
  });
});
