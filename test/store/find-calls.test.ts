import { beforeAll, describe, expect, it } from 'vitest';
import type { CallFilter } from '../../src/calls/call-store.js';
import type { CallRecord } from '../../src/calls/records.js';
import type { CallStore } from '../../src/store/open-call-store.js';
import { aCall, anyCall, expectedCalls } from '../support/call-records.js';
import { storeEngines } from '../support/store-engines.js';

const T0 = 1_790_000_000;
const USERS = ['alice', 'bob', 'carol', 'dave', 'erin'];
const RESULTS = ['NormalEnd', 'NormalEnd', 'Interrupt', 'Offline', 'Reject', 'Cancel'];

/** 120 calls on 15 distinct seconds (many ties), CallIds out of insertion order, every filter dimension varied. */
function sampleCalls(): CallRecord[] {
  return Array.from({ length: 120 }, (_, i) =>
    aCall({
      callId: `id-${((i * 37) % 120).toString(36)}-${i % 7}`,
      startTime: T0 + (i % 15) * 60,
      caller: USERS[i % 5] as string,
      callees:
        i % 4 === 0 ? [USERS[(i + 1) % 5] as string, USERS[(i + 2) % 5] as string] : [USERS[(i + 3) % 5] as string],
      result: RESULTS[i % 6] as string,
      callType: i % 4 === 0 ? 'MultiCall' : 'SingleCall',
      mediaType: i % 3 === 0 ? 'Audio' : 'Video',
    }),
  );
}

const FILTERS: Record<string, Partial<CallFilter>> = {
  'no filter': {},
  'one user (caller or callee)': { users: ['carol'] },
  'two users (a call with both appears once)': { users: ['alice', 'bob'] },
  'a result': { results: ['Interrupt'] },
  'two results': { results: ['Interrupt', 'Offline'] },
  'user and results': { users: ['dave'], results: ['Interrupt', 'Offline'] },
  'users, results, type and media': {
    users: ['alice', 'erin'],
    results: ['NormalEnd', 'Reject'],
    callTypes: ['SingleCall'],
    mediaTypes: ['Video'],
  },
  'call type': { callTypes: ['MultiCall'] },
  'media type': { mediaTypes: ['Audio'] },
  'a range: from inclusive, to exclusive': { from: T0 + 3 * 60, to: T0 + 9 * 60 },
  'a user in a range': { users: ['bob'], from: T0 + 60, to: T0 + 5 * 60 + 1 },
  'an unknown user': { users: ['nobody'] },
};

describe.each(storeEngines())('$name store: finding calls', (engine) => {
  let store: CallStore;
  const calls = sampleCalls();
  beforeAll(async () => {
    store = await engine.open();
    await store.upsertCalls(calls);
  });

  describe.each(Object.entries(FILTERS))('%s', (_name, narrowing) => {
    const filter = anyCall(narrowing);
    const expected = expectedCalls(calls, filter);

    it('returns every matching call newest first, ties by CallId', async () => {
      expect(await store.findCalls(filter, { limit: 1000 })).toEqual(expected);
    });

    it('counts them, and per bucket', async () => {
      const range = { ...filter, from: Math.max(filter.from, T0 - 100), to: Math.min(filter.to, T0 + 1000) };
      expect(await store.countCalls(filter)).toBe(expected.length);
      const buckets = await store.countCallsByBucket(range, 150);
      const want = Array.from(
        { length: Math.ceil((range.to - range.from) / 150) },
        (_, i) =>
          expectedCalls(calls, {
            ...range,
            from: range.from + i * 150,
            to: Math.min(range.to, range.from + (i + 1) * 150),
          }).length,
      );
      expect(buckets).toEqual(want);
    });

    it('pages by keyset: Next from the last call shows every call exactly once, Previous walks back', async () => {
      const pages: CallRecord[][] = [];
      let page = await store.findCalls(filter, { limit: 7 });
      while (page.length > 0) {
        pages.push(page);
        if (pages.length > expected.length + 1) throw new Error('paging does not advance');
        page = await store.findCalls(filter, { limit: 7, after: page.at(-1) as CallRecord });
      }
      expect(pages.flat()).toEqual(expected);
      for (let i = pages.length - 1; i > 0; i--) {
        const previous = await store.findCalls(filter, {
          limit: 7,
          before: (pages[i] as CallRecord[])[0] as CallRecord,
        });
        expect(previous).toEqual(pages[i - 1]);
      }
    });

    it('pages by offset', async () => {
      for (let offset = 0; offset < expected.length + 7; offset += 7) {
        expect(await store.findCalls(filter, { limit: 7, offset })).toEqual(expected.slice(offset, offset + 7));
      }
    });
  });

  it('pages from a key that is not a stored call, and from keys outside the range', async () => {
    const filter = anyCall({ from: T0 + 2 * 60, to: T0 + 6 * 60 });
    const expected = expectedCalls(calls, filter);
    const between = { startTime: T0 + 4 * 60, callId: 'id-m' };
    expect(await store.findCalls(filter, { limit: 1000, after: between })).toEqual(
      expected.filter(
        (call) => call.startTime < between.startTime || (call.startTime === between.startTime && call.callId > 'id-m'),
      ),
    );
    expect(await store.findCalls(filter, { limit: 1000, after: { startTime: T0 + 99_999, callId: '' } })).toEqual(
      expected,
    );
    expect(await store.findCalls(filter, { limit: 1000, before: { startTime: 0, callId: '' } })).toEqual(expected);
    expect(await store.findCalls(filter, { limit: 1000, after: { startTime: 0, callId: '' } })).toEqual([]);
  });

  it('answers an empty range and a zero limit with nothing, and buckets with zeros', async () => {
    expect(await store.findCalls(anyCall({ from: T0, to: T0 }), { limit: 10 })).toEqual([]);
    expect(await store.findCalls(anyCall(), { limit: 0 })).toEqual([]);
    expect(await store.countCalls(anyCall({ from: T0 + 5, to: T0 + 10 }))).toBe(0);
    expect(await store.countCallsByBucket(anyCall({ from: T0 - 300, to: T0 - 50 }), 100)).toEqual([0, 0, 0]);
  });

  it('gets one call by CallId, and null for an unknown one', async () => {
    const call = calls[17] as CallRecord;
    expect(await store.getCall(call.callId)).toEqual(call);
    expect(await store.getCall('no-such-call')).toBeNull();
  });
});
