import { describe, expect, it } from 'vitest';
import { DroppedTally, hourIndexOf, localHours, peakHour } from '../../src/calls/daily-stats.js';
import type { CallRecord } from '../../src/calls/records.js';
import { dayBounds } from '../../src/calls/time-range.js';

const NY = 'America/New_York';

function record(over: Partial<CallRecord> & Pick<CallRecord, 'callId' | 'startTime' | 'result'>): CallRecord {
  return {
    caller: 'a',
    callees: ['b'],
    mediaType: 'Audio',
    callType: 'SingleCall',
    endTime: over.startTime + 60,
    acceptTime: over.startTime + 5,
    roomId: 'r',
    roomIdType: 2,
    ...over,
  };
}

describe('localHours', () => {
  it('gives 24 labelled hours on an ordinary day', () => {
    const { from, to } = dayBounds('2026-11-25', 'Europe/Berlin');
    const hours = localHours(from, to, 'Europe/Berlin');
    expect(hours).toHaveLength(24);
    expect(hours.map((h) => h.hour)).toEqual([...Array(24).keys()]);
    expect(hours[0]).toMatchObject({ index: 0, label: '00:00', from, to: from + 3600, calls: 0 });
    expect(hours[23]).toMatchObject({ index: 23, label: '23:00', to });
  });

  it('skips the lost hour of a spring-forward day (23 hours)', () => {
    const { from, to } = dayBounds('2026-03-08', NY);
    expect(from).toBe(Date.UTC(2026, 2, 8, 5) / 1000);
    expect(to).toBe(Date.UTC(2026, 2, 9, 4) / 1000);
    const labels = localHours(from, to, NY).map((h) => h.label);
    expect(labels).toHaveLength(23);
    expect(labels.slice(0, 4)).toEqual(['00:00', '01:00', '03:00', '04:00']);
    expect(labels).not.toContain('02:00');
  });

  it('marks the repeated hour of a fall-back day (25 hours)', () => {
    const { from, to } = dayBounds('2026-11-01', NY);
    expect(from).toBe(Date.UTC(2026, 10, 1, 4) / 1000);
    expect(to).toBe(Date.UTC(2026, 10, 2, 5) / 1000);
    const hours = localHours(from, to, NY);
    expect(hours).toHaveLength(25);
    expect(hours.slice(0, 5).map((h) => h.label)).toEqual(['00:00', '01:00', '01:00 (2nd)', '02:00', '03:00']);
    expect(hours.slice(0, 5).map((h) => h.hour)).toEqual([0, 1, 1, 2, 3]);
    expect(hours.at(-1)?.label).toBe('23:00');
  });

  it('labels half-hour zones by their clock and cuts a day that is not whole hours', () => {
    // Lord Howe Island moves its clocks by 30 minutes: 2026-04-05 is 24.5 hours long.
    const { from, to } = dayBounds('2026-04-05', 'Australia/Lord_Howe');
    const hours = localHours(from, to, 'Australia/Lord_Howe');
    expect(to - from).toBe(24.5 * 3600);
    expect(hours).toHaveLength(25);
    expect(hours.at(-1)?.to).toBe(to);
    expect(hours.at(-1)?.to ?? 0).toBeLessThan((hours.at(-1)?.from ?? 0) + 3600);
  });
});

describe('DroppedTally', () => {
  const { from, to } = dayBounds('2026-11-25', 'UTC');

  it('counts Interrupt and Offline calls of the day once, by hour, media, type and user', () => {
    const hours = localHours(from, to, 'UTC');
    const tally = new DroppedTally(hours);
    const at = (h: number) => from + h * 3600 + 60;
    expect(
      tally.add(record({ callId: '1', startTime: at(9), result: 'Interrupt', caller: '147', callees: ['369'] })),
    ).toBe(true);
    tally.add(
      record({
        callId: '2',
        startTime: at(9),
        result: 'Offline',
        caller: '369',
        callees: ['147', '10001'],
        mediaType: 'Video',
        callType: 'MultiCall',
      }),
    );
    tally.add(record({ callId: '3', startTime: at(2), result: 'Interrupt', caller: '2', callees: ['147'] }));
    // Ignored: another result, a repeated CallId, a start outside the day, an unknown media type is left out.
    expect(tally.add(record({ callId: '4', startTime: at(9), result: 'NormalEnd' }))).toBe(false);
    expect(tally.add(record({ callId: '1', startTime: at(9), result: 'Interrupt' }))).toBe(false);
    expect(tally.add(record({ callId: '5', startTime: to, result: 'Interrupt' }))).toBe(false);
    expect(tally.add(record({ callId: '6', startTime: from - 1, result: 'Offline' }))).toBe(false);
    tally.add(record({ callId: '7', startTime: at(23), result: 'Interrupt', mediaType: 'Hologram', callType: 'X' }));

    expect(tally.interrupted).toBe(3);
    expect(tally.offline).toBe(1);
    expect(tally.dropped).toBe(4);
    expect(tally.split).toEqual({ audio: 2, video: 1, single: 2, group: 1 });
    expect(tally.topUsers()).toEqual([
      { user: '147', count: 3 },
      { user: '369', count: 2 },
      { user: '2', count: 1 },
      { user: '10001', count: 1 },
      { user: 'a', count: 1 },
    ]);
    expect(hours[9]).toMatchObject({ interrupted: 1, offline: 1, dropped: 2 });
    expect(hours[2]).toMatchObject({ interrupted: 1, offline: 0, dropped: 1 });
    expect(peakHour(hours)?.label).toBe('09:00');
  });

  it('breaks a peak-hour tie by the earlier hour, and has none without drops', () => {
    const hours = localHours(from, to, 'UTC');
    expect(peakHour(hours)).toBeNull();
    const tally = new DroppedTally(hours);
    tally.add(record({ callId: 'x', startTime: from + 20 * 3600, result: 'Offline' }));
    tally.add(record({ callId: 'y', startTime: from + 4 * 3600, result: 'Interrupt' }));
    expect(peakHour(hours)?.hour).toBe(4);
  });

  it('finds the hour of a start time', () => {
    const hours = localHours(from, to, 'UTC');
    expect(hourIndexOf(hours, from)).toBe(0);
    expect(hourIndexOf(hours, from + 3599)).toBe(0);
    expect(hourIndexOf(hours, from + 3600)).toBe(1);
    expect(hourIndexOf(hours, to - 1)).toBe(23);
    expect(hourIndexOf(hours, to)).toBe(-1);
    expect(hourIndexOf(hours, from - 1)).toBe(-1);
  });
});
