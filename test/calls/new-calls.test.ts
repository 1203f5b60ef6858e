import { describe, expect, it } from 'vitest';
import { createNewCallsFeed } from '../../src/calls/new-calls.js';
import type { CallRecord } from '../../src/calls/records.js';

const call = (callId: string): CallRecord => ({
  callId,
  caller: '147',
  callees: ['369'],
  mediaType: 'Video',
  callType: 'SingleCall',
  startTime: 1_700_000_000,
  endTime: 1_700_000_060,
  acceptTime: 1_700_000_005,
  result: 'Interrupt',
  roomId: 'r1',
  roomIdType: 2,
});

describe('new calls feed', () => {
  it('delivers every published call to every listener, even when one listener fails', async () => {
    const errors: unknown[] = [];
    const feed = createNewCallsFeed((error) => errors.push(error));
    const seen: string[] = [];
    feed.subscribe(() => {
      throw new Error('listener broke');
    });
    feed.subscribe((calls) => {
      seen.push(...calls.map((c) => c.callId));
    });
    await feed.publish([call('a'), call('b')]);
    expect(seen).toEqual(['a', 'b']);
    expect(errors).toHaveLength(1);
  });

  it('stops delivering after unsubscribe and ignores empty batches', async () => {
    const feed = createNewCallsFeed();
    const batches: number[] = [];
    const unsubscribe = feed.subscribe((calls) => {
      batches.push(calls.length);
    });
    await feed.publish([]);
    await feed.publish([call('a')]);
    unsubscribe();
    await feed.publish([call('b')]);
    expect(batches).toEqual([1]);
  });
});
