/**
 * The incident repository and the window query, on both engines: what makes "one message per incident" hold across
 * processes (one open incident per channel, compare-and-set, post and update claims) and what the rule reads.
 */
import { describe, expect, it } from 'vitest';
import { createIncidentStore } from '../../src/store/incidents.js';
import { aCall } from '../support/call-records.js';
import { INCIDENT_T0, incidentFacts } from '../support/incident-facts.js';
import { storeEngines } from '../support/store-engines.js';

const T0 = INCIDENT_T0;

const facts = incidentFacts;

describe.each(storeEngines())('$name incident store', (engine) => {
  async function open() {
    const calls = await engine.open();
    return { calls, incidents: createIncidentStore(calls.db, calls.engine) };
  }

  it('keeps one open incident per channel: a second insert gets null, another channel its own', async () => {
    const { incidents } = await open();
    const first = await incidents.insertIncident('C0ALERTS1', facts());
    expect(first).toMatchObject({ channel: 'C0ALERTS1', version: 1, messageTs: null, acknowledged: null });
    expect(await incidents.insertIncident('C0ALERTS1', facts({ openedAt: T0 + 5 }))).toBeNull();
    expect(await incidents.insertIncident('C0OTHER01', facts())).not.toBeNull();
    expect((await incidents.findOpenIncident('C0ALERTS1'))?.id).toBe(first?.id);
    expect((await incidents.findOpenIncident('C0ALERTS1'))?.facts).toEqual(facts());
  });

  it('saves state by version: the stale writer loses; a resolved incident frees the channel for a new one', async () => {
    const { incidents } = await open();
    const row = await incidents.insertIncident('C0ALERTS1', facts());
    if (row === null) throw new Error('not inserted');
    expect(await incidents.saveFacts(row.id, 1, facts({ peakRate: 0.5 }))).toBe(true);
    expect(await incidents.saveFacts(row.id, 1, facts({ peakRate: 0.9 }))).toBe(false);
    expect((await incidents.getIncident(row.id))?.facts.peakRate).toBe(0.5);
    expect(await incidents.saveFacts(row.id, 2, facts({ resolvedAt: T0 + 1000 }))).toBe(true);
    expect(await incidents.findOpenIncident('C0ALERTS1')).toBeNull();
    const next = await incidents.insertIncident('C0ALERTS1', facts({ openedAt: T0 + 2000 }));
    expect(next?.id).toBeGreaterThan(row.id);
  });

  it('lets exactly one claimer post; a failed post is released and claimed again; a stale claim expires', async () => {
    const { incidents } = await open();
    const row = await incidents.insertIncident('C0ALERTS1', facts());
    if (row === null) throw new Error('not inserted');
    const claims = await Promise.all(['a', 'b', 'c'].map((holder) => incidents.claimPost(row.id, holder, T0, 300)));
    expect(claims.filter(Boolean)).toHaveLength(1);
    const winner = ['a', 'b', 'c'][claims.indexOf(true)] as string;
    expect(await incidents.listPending('C0ALERTS1')).toHaveLength(1);
    await incidents.releasePost(row.id, 'somebody-else');
    expect(await incidents.claimPost(row.id, 'z', T0 + 1, 300)).toBe(false);
    await incidents.releasePost(row.id, winner);
    expect(await incidents.claimPost(row.id, 'z', T0 + 2, 300)).toBe(true);
    // z died while posting: after the claim's time-to-live, someone else may post.
    expect(await incidents.claimPost(row.id, 'y', T0 + 301, 300)).toBe(false);
    expect(await incidents.claimPost(row.id, 'y', T0 + 302, 300)).toBe(true);
    await incidents.recordPost(row.id, '1795000000.000100', T0 + 303);
    expect(await incidents.claimPost(row.id, 'x', T0 + 9999, 300)).toBe(false);
    expect(await incidents.getIncident(row.id)).toMatchObject({
      messageTs: '1795000000.000100',
      lastUpdateAt: T0 + 303,
    });
    expect(await incidents.listPending('C0ALERTS1')).toEqual([]);
  });

  it('claims updates at most once a minute, gives a failed one back, and lists a resolution not yet shown', async () => {
    const { incidents } = await open();
    const row = await incidents.insertIncident('C0ALERTS1', facts());
    if (row === null) throw new Error('not inserted');
    expect(await incidents.claimUpdate(row.id, T0, 60)).toBeNull(); // not posted yet
    await incidents.recordPost(row.id, '1.2', T0);
    expect(await incidents.claimUpdate(row.id, T0 + 59, 60)).toBeNull();
    const both = await Promise.all([
      incidents.claimUpdate(row.id, T0 + 60, 60),
      incidents.claimUpdate(row.id, T0 + 60, 60),
    ]);
    expect(both.filter((claim) => claim !== null)).toEqual([{ previous: T0 }]);
    await incidents.releaseUpdate(row.id, T0 + 60, T0);
    expect(await incidents.claimUpdate(row.id, T0 + 61, 60)).toEqual({ previous: T0 });
    expect(await incidents.claimUpdate(row.id, T0 + 62, 0)).toEqual({ previous: T0 + 61 });

    expect(await incidents.saveFacts(row.id, 1, facts({ resolvedAt: T0 + 100 }))).toBe(true);
    expect((await incidents.listPending('C0ALERTS1')).map((i) => i.id)).toEqual([row.id]);
    expect(await incidents.claimUpdate(row.id, T0 + 100, 0)).toEqual({ previous: T0 + 62 });
    expect(await incidents.listPending('C0ALERTS1')).toEqual([]);
  });

  it('keeps the first acknowledgement and the latest mute', async () => {
    const { incidents } = await open();
    const row = await incidents.insertIncident('C0ALERTS1', facts());
    if (row === null) throw new Error('not inserted');
    expect((await incidents.acknowledge(row.id, 'U0FIRST01', T0 + 5))?.acknowledged).toEqual({
      by: 'U0FIRST01',
      at: T0 + 5,
    });
    expect((await incidents.acknowledge(row.id, 'U0LATER01', T0 + 9))?.acknowledged).toEqual({
      by: 'U0FIRST01',
      at: T0 + 5,
    });
    expect(await incidents.acknowledge(row.id + 1000, 'U0LATER01', T0)).toBeNull();
    expect(await incidents.readMute('C0ALERTS1')).toBeNull();
    await incidents.writeMute('C0ALERTS1', { until: T0 + 86_400, by: 'U0FIRST01', at: T0 });
    await incidents.writeMute('C0ALERTS1', { until: T0 + 3600, by: 'U0LATER01', at: T0 + 10 });
    expect(await incidents.readMute('C0ALERTS1')).toEqual({ until: T0 + 3600, by: 'U0LATER01', at: T0 + 10 });
  });

  it('refuses a stored state that does not validate', async () => {
    const { calls, incidents } = await open();
    const row = await incidents.insertIncident('C0ALERTS1', facts());
    if (row === null) throw new Error('not inserted');
    await calls.db.updateTable('incidents').set({ state: '{"openedAt":"soon"}' }).where('id', '=', row.id).execute();
    await expect(incidents.getIncident(row.id)).rejects.toThrow(/incidents table is invalid/);
  });

  it('measures the calls that ENDED in [from, to): counts by result, top users by drops, buckets', async () => {
    const { calls, incidents } = await open();
    const from = T0 - 900;
    const to = T0;
    const ended = (endTime: number, result: string, caller = 'alice', callees = ['bob']) =>
      aCall({ startTime: endTime - 120, endTime, result, caller, callees });
    await calls.upsertCalls([
      ended(from - 1, 'Interrupt', 'early'), // ended just before the window
      ended(from, 'Interrupt', '147', ['369']), // the first second counts
      ended(from + 30, 'Offline', '147', ['520']),
      ended(from + 61, 'NormalEnd'),
      ended(from + 62, 'Interrupt', '369', ['147', '520']),
      ended(to - 1, 'Cancel'),
      ended(to, 'Interrupt', 'late'), // `to` is excluded
      aCall({ startTime: from - 5000, endTime: from + 500, result: 'Offline', caller: 'long', callees: ['147'] }),
    ]);
    const window = await incidents.measureEndedCalls(from, to, { topUsers: 3, bucketSeconds: 60 });
    expect(window).toMatchObject({ from, to, ended: 6, interrupted: 2, offline: 2, bucketSeconds: 60 });
    expect(window.topUsers).toEqual([
      { user: '147', count: 4 },
      { user: '369', count: 2 },
      { user: '520', count: 2 },
    ]);
    expect(window.firstDroppedStart).toBe(from - 5000);
    // Bars on the clock's minutes (from is 40 s past one): a 20 s first bar, 14 whole minutes, a 40 s last bar.
    expect(from % 60).toBe(40);
    expect(window.buckets).toHaveLength(16);
    expect(window.buckets[0]).toEqual({ at: from, ended: 1, dropped: 1 });
    expect(window.buckets[1]).toEqual({ at: from + 20, ended: 3, dropped: 2 });
    expect(window.buckets[9]).toEqual({ at: from + 500, ended: 1, dropped: 1 });
    expect(window.buckets[15]).toEqual({ at: from + 860, ended: 1, dropped: 0 });
    expect(window.buckets.reduce((sum, bucket) => sum + bucket.ended, 0)).toBe(6);
    const empty = await incidents.measureEndedCalls(T0 + 10_000, T0 + 10_900, { topUsers: 3, bucketSeconds: 60 });
    expect(empty).toMatchObject({ ended: 0, interrupted: 0, offline: 0, topUsers: [], firstDroppedStart: null });
  });
});
