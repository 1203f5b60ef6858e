/** The daily summary's breakdown of dropped calls by cause and side, from events in a real store. */
import { describe, expect, it } from 'vitest';
import type { CallEvent } from '../../src/calls/call-events.js';
import { breakdownSentence } from '../../src/calls/cause-breakdown.js';
import { collectDailySummary } from '../../src/calls/daily-summary.js';
import { renderDailySummary } from '../../src/slack/views/summary.js';
import { aCall } from '../support/call-records.js';
import { storeEngines } from '../support/store-engines.js';

describe.each(storeEngines())('$name daily summary by cause', (engine) => {
  it('counts dropped calls by the side whose app went offline, and those without events', async () => {
    const store = await engine.open();
    const day = { date: '2026-11-20', timeZone: 'UTC' };
    const t = Date.UTC(2026, 10, 20, 9) / 1000;
    const dropped = (i: number, result = 'Interrupt') =>
      aCall({
        caller: 'a',
        callees: ['b'],
        result,
        startTime: t + i * 60,
        endTime: t + i * 60 + 50,
        acceptTime: t + i * 60 + 5,
      });
    const calleeOff = [0, 1, 2].map((i) => dropped(i));
    const callerOff = [dropped(3, 'Offline')];
    const silent = [dropped(4)];
    const normal = aCall({ caller: 'a', callees: ['b'], startTime: t + 400 });
    await store.upsertCalls([...calleeOff, ...callerOff, ...silent, normal]);
    const events = (callId: string, startTime: number, who: string): CallEvent[] => [
      { callId, userId: 'a', action: 'calling', atMs: startTime * 1000 },
      { callId, userId: 'b', action: 'accepted', atMs: (startTime + 5) * 1000 },
      { callId, userId: who, action: 'offline', atMs: (startTime + 40) * 1000 },
    ];
    await store.writeEvents([
      ...calleeOff.map((c) => ({ events: events(c.callId, c.startTime, 'b') })),
      ...callerOff.map((c) => ({ events: events(c.callId, c.startTime, 'a') })),
    ]);
    const summary = await collectDailySummary(store, day, { now: t + 86_400 * 2 });
    expect(summary.causes).toEqual([
      { group: "the callee's app went offline", count: 3 },
      { group: "the caller's app went offline", count: 1 },
      { group: 'no events', count: 1 },
    ]);
    expect(breakdownSentence(summary.causes ?? [])).toBe(
      "3 of 5 dropped calls: the callee's app went offline; 1: the caller's app went offline; 1: no events",
    );
    const message = renderDailySummary(summary, { demo: false, showButtonValue: 'x' } as never);
    expect(JSON.stringify(message.blocks)).toContain("3 of 5 dropped calls: the callee's app went offline");
  });
});
