import { describe, expect, it } from 'vitest';
import { childrenOf, DAY, HOUR, reconcileWindow, tencentFilter } from '../../src/sync/buckets.js';

const T0 = Date.UTC(2026, 10, 30, 12, 30, 0) / 1000;

describe('reconcileWindow', () => {
  it("starts on the first whole hour safely inside Tencent's 7 days and ends now (inclusive)", () => {
    const window = reconcileWindow(T0, { tencentRetentionSeconds: 7 * DAY, retentionDays: 90 });
    expect(window.from).toBe(Date.UTC(2026, 10, 23, 13, 0, 0) / 1000);
    expect(window.to).toBe(T0 + 1);
  });

  it('keeps no more than the store keeps', () => {
    const window = reconcileWindow(T0, { tencentRetentionSeconds: 7 * DAY, retentionDays: 2 });
    expect(window.from).toBe(Date.UTC(2026, 10, 28, 13, 0, 0) / 1000);
  });
});

describe('childrenOf', () => {
  it('splits the window on UTC days, newest first, clipped at both ends', () => {
    const window = reconcileWindow(T0, { tencentRetentionSeconds: 7 * DAY, retentionDays: 90 });
    const days = childrenOf(window);
    expect(days).toHaveLength(8);
    expect(days[0]).toEqual({ from: Date.UTC(2026, 10, 30) / 1000, to: T0 + 1, step: DAY });
    expect(days.at(-1)).toEqual({ from: window.from, to: Date.UTC(2026, 10, 24) / 1000, step: DAY });
    for (let i = 1; i < days.length; i++) expect(days[i]?.to).toBe(days[i - 1]?.from);
  });

  it('goes down days → hours → 10 minutes → minutes → 10 seconds → seconds, and no further', () => {
    const day = { from: Date.UTC(2026, 10, 30) / 1000, to: T0 + 1, step: DAY };
    const hours = childrenOf(day);
    expect(hours).toHaveLength(13);
    expect(hours[0]).toEqual({ from: T0 - 1800, to: T0 + 1, step: HOUR });
    const hour = hours[1] as (typeof hours)[number];
    const steps = [600, 60, 10, 1];
    let bucket = hour;
    for (const step of steps) {
      const parts = childrenOf(bucket);
      expect(parts.every((part) => part.step === step)).toBe(true);
      expect(parts.reduce((sum, part) => sum + (part.to - part.from), 0)).toBe(bucket.to - bucket.from);
      bucket = parts[0] as typeof bucket;
    }
    expect(childrenOf(bucket)).toEqual([]);
  });
});

it('asks Tencent for [from, to) as an inclusive StartTime..EndTime', () => {
  expect(tencentFilter({ from: 100, to: 200 })).toEqual({ startTime: 100, endTime: 199 });
});
