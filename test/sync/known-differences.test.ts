import { describe, expect, it } from 'vitest';
import { KnownDifferences } from '../../src/sync/known-differences.js';
import { NewestFirstProgress } from '../../src/sync/newest-first-progress.js';

describe('KnownDifferences', () => {
  it('sums what is known inside a bucket, and a new download of a bucket replaces what overlapped it', () => {
    const known = new KnownDifferences();
    known.record({ from: 3600, to: 7200, step: 3600 }, 2);
    known.record({ from: 7200, to: 7300, step: 3600 }, -1);
    expect(known.sumWithin({ from: 0, to: 86_400 })).toBe(1);
    expect(known.sumWithin({ from: 3600, to: 7200 })).toBe(2);
    // A 10-minute part of the first hour downloaded again: the hour's difference no longer holds.
    known.record({ from: 4200, to: 4800, step: 600 }, 1);
    expect(known.sumWithin({ from: 3600, to: 7200 })).toBe(1);
    known.forgetBefore(7200);
    expect(known.sumWithin({ from: 0, to: 86_400 })).toBe(-1);
  });

  it('keeps incomplete downloads until a full pass retries them', () => {
    const known = new KnownDifferences();
    known.record({ from: 0, to: 3600, step: 3600 }, 1, { reported: 10, received: 9 });
    expect(known.incomplete()).toHaveLength(1);
    known.forgetIncomplete();
    expect(known.incomplete()).toHaveLength(0);
    expect(known.sumWithin({ from: 0, to: 3600 })).toBe(0);
  });
});

describe('NewestFirstProgress', () => {
  it('covers back only over an unbroken run of finished buckets from the newest', () => {
    const seen: number[] = [];
    const progress = new NewestFirstProgress(300, (from) => seen.push(from));
    const newest = progress.add(200, 300);
    const middle = progress.add(100, 200);
    const oldest = progress.add(0, 100);
    progress.complete(middle);
    expect(progress.coveredFrom).toBeNull();
    progress.complete(newest);
    expect(progress.coveredFrom).toBe(100);
    progress.complete(oldest);
    expect(seen).toEqual([100, 0]);
  });

  it('refuses a bucket that leaves a hole', () => {
    const progress = new NewestFirstProgress(300);
    progress.add(200, 300);
    expect(() => progress.add(0, 100)).toThrow(RangeError);
  });
});
