import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CallQuery, RangeSpec } from '../../src/calls/query.js';
import {
  dayBounds,
  formatInstant,
  formatRange,
  formatRangeEnd,
  isValidTimeZone,
  pinQuery,
  pinRange,
  RETENTION_SECONDS,
  todayIn,
  yesterdayIn,
} from '../../src/calls/time-range.js';

const H = 3600;
const D = 24 * H;
const utc = (y: number, mo: number, d: number, h = 0, mi = 0, s = 0) => Date.UTC(y, mo - 1, d, h, mi, s) / 1000;

/** 2026-11-27 14:05:37 in Asia/Shanghai (UTC+8). */
const NOW = utc(2026, 11, 27, 6, 5, 37);
const SH = 'Asia/Shanghai';
const NY = 'America/New_York';
const BERLIN = 'Europe/Berlin';

const EMPTY: CallQuery = { users: [], results: [], callTypes: [], mediaTypes: [], range: { kind: 'retained' } };

/** Pinned with 7 days kept (RETENTION_DAYS=7), so the clamps show within the week of the fixtures. */
function pinned(range: RangeSpec, now = NOW, timeZone = SH, retentionDays = 7) {
  const result = pinRange(range, now, timeZone, { retentionDays });
  if ('error' in result) throw new Error(result.error);
  return result;
}

function pinError(range: RangeSpec, now = NOW, timeZone = SH, retentionDays = 7): string {
  const result = pinRange(range, now, timeZone, { retentionDays });
  if (!('error' in result)) throw new Error(`expected an error, got ${JSON.stringify(result)}`);
  return result.error;
}

describe('constants and zones', () => {
  it('keeps 7 days', () => {
    expect(RETENTION_SECONDS).toBe(604_800);
  });

  it.each(['UTC', SH, NY, BERLIN, 'America/Santiago', 'Asia/Kolkata'])('%s is a valid zone', (zone) => {
    expect(isValidTimeZone(zone)).toBe(true);
  });

  it.each(['', 'Mars/Olympus', 'Asia/Shanghai ', 'x'.repeat(100), 'Europe/'])('%j is not a valid zone', (zone) => {
    expect(isValidTimeZone(zone)).toBe(false);
  });
});

describe('dayBounds and yesterdayIn', () => {
  it('gives a 24-hour day in Asia/Shanghai', () => {
    expect(dayBounds('2026-11-20', SH)).toEqual({ from: utc(2026, 11, 19, 16), to: utc(2026, 11, 20, 16) });
  });

  it.each([
    ['2026-03-08', NY, utc(2026, 3, 8, 5), 23],
    ['2026-11-01', NY, utc(2026, 11, 1, 4), 25],
    ['2026-03-29', BERLIN, utc(2026, 3, 28, 23), 23],
    ['2026-10-25', BERLIN, utc(2026, 10, 24, 22), 25],
    ['2026-03-09', NY, utc(2026, 3, 9, 4), 24],
  ])('%s in %s starts at the right instant and lasts its real length', (date, zone, from, hours) => {
    const bounds = dayBounds(date, zone);
    expect(bounds.from).toBe(from);
    expect(bounds.to - bounds.from).toBe(hours * H);
  });

  it('starts a day whose midnight is skipped at its first instant (America/Santiago, 2026-09-06)', () => {
    const bounds = dayBounds('2026-09-06', 'America/Santiago');
    expect(bounds.from).toBe(utc(2026, 9, 6, 4)); // 01:00 -03, the clocks jumped from 00:00 -04
    expect(bounds.to - bounds.from).toBe(23 * H);
  });

  it('throws a RangeError for a bad date or zone', () => {
    expect(() => dayBounds('2026-02-30', SH)).toThrow(RangeError);
    expect(() => dayBounds('20261120', SH)).toThrow(RangeError);
    expect(() => dayBounds('2026-11-20', 'Nowhere/Land')).toThrow(RangeError);
  });

  it('gives yesterday and today in the zone, not in UTC', () => {
    expect(yesterdayIn(SH, NOW)).toBe('2026-11-26');
    expect(todayIn(SH, NOW)).toBe('2026-11-27');
    expect(yesterdayIn('America/Los_Angeles', NOW)).toBe('2026-11-25'); // Nov 26, 22:05 there
    expect(yesterdayIn(NY, utc(2026, 3, 9, 12))).toBe('2026-03-08');
    expect(yesterdayIn('UTC', utc(2027, 1, 1, 0, 0, 1))).toBe('2026-12-31');
  });

  it('tiles the calendar: each day ends where the next starts, 23 to 25 hours long', () => {
    const zones = [SH, NY, BERLIN, 'America/Santiago', 'Australia/Lord_Howe', 'Asia/Kolkata', 'UTC'];
    fc.assert(
      fc.property(
        fc.date({ min: new Date('2020-01-01T00:00:00Z'), max: new Date('2035-12-31T00:00:00Z'), noInvalidDate: true }),
        fc.constantFrom(...zones),
        (date, zone) => {
          const day = date.toISOString().slice(0, 10);
          const bounds = dayBounds(day, zone);
          expect(bounds.to - bounds.from).toBeGreaterThanOrEqual(23 * H);
          expect(bounds.to - bounds.from).toBeLessThanOrEqual(25 * H);
          const next = yesterdayIn(zone, bounds.to + H) === day;
          expect(next).toBe(true);
          expect(todayIn(zone, bounds.from)).toBe(day);
          expect(todayIn(zone, bounds.to - 1)).toBe(day);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('pinRange', () => {
  it('pins "no time filter" to the last 7 days, without a notice', () => {
    expect(pinned({ kind: 'retained' })).toEqual({ from: NOW - 7 * D, to: NOW, notices: [] });
  });

  it('pins a relative range to end now', () => {
    expect(pinned({ kind: 'relative', seconds: D, label: '24h' })).toEqual({ from: NOW - D, to: NOW, notices: [] });
    expect(pinned({ kind: 'relative', seconds: 7 * D, label: '7d' })).toEqual({
      from: NOW - 7 * D,
      to: NOW,
      notices: [],
    });
  });

  it('answers ranges past Tencent’s 7 days up to RETENTION_DAYS (90 by default): last:30d, from:', () => {
    expect(pinRange({ kind: 'relative', seconds: 30 * D, label: '30d' }, NOW, SH)).toEqual({
      from: NOW - 30 * D,
      to: NOW,
      notices: [],
    });
    expect(pinRange({ kind: 'absolute', from: { date: '2026-10-01' } }, NOW, SH)).toEqual({
      from: utc(2026, 9, 30, 16),
      to: NOW,
      notices: [],
    });
    // No time filter is still the last 7 days; a lone to: reaches back as far as calls are kept.
    expect(pinRange({ kind: 'retained' }, NOW, SH)).toEqual({ from: NOW - 7 * D, to: NOW, notices: [] });
    expect(pinRange({ kind: 'absolute', to: { date: '2026-11-01' } }, NOW, SH, { retentionDays: 30 })).toEqual({
      from: NOW - 30 * D,
      to: utc(2026, 11, 1, 16),
      notices: [],
    });
    expect(pinRange({ kind: 'relative', seconds: 200 * D, label: '200d' }, NOW, SH)).toMatchObject({
      from: NOW - 90 * D,
      notices: ['Call records are kept for 90 days: showing calls from Aug 29, 14:05 (Asia/Shanghai).'],
    });
  });

  it('clamps a relative range longer than what is kept, saying where results really start', () => {
    expect(pinned({ kind: 'relative', seconds: 30 * D, label: '30d' })).toEqual({
      from: NOW - 7 * D,
      to: NOW,
      notices: ['Call records are kept for 7 days: showing calls from Nov 20, 14:05 (Asia/Shanghai).'],
    });
  });

  it('pins today from local midnight to now', () => {
    expect(pinned({ kind: 'day', day: 'today' })).toEqual({ from: utc(2026, 11, 26, 16), to: NOW, notices: [] });
    // 16:00 EDT on the spring-forward day: today started at 00:00 EST.
    const springNow = utc(2026, 3, 8, 20);
    expect(pinned({ kind: 'day', day: 'today' }, springNow, NY)).toEqual({
      from: utc(2026, 3, 8, 5),
      to: springNow,
      notices: [],
    });
  });

  it('pins yesterday to the whole local day before today', () => {
    expect(pinned({ kind: 'day', day: 'yesterday' })).toEqual({
      from: utc(2026, 11, 25, 16),
      to: utc(2026, 11, 26, 16),
      notices: [],
    });
  });

  it.each([
    ['spring forward', NY, utc(2026, 3, 9, 15), utc(2026, 3, 8, 5), utc(2026, 3, 9, 4), 23],
    ['fall back', NY, utc(2026, 11, 2, 15), utc(2026, 11, 1, 4), utc(2026, 11, 2, 5), 25],
    ['spring forward', BERLIN, utc(2026, 3, 30, 9), utc(2026, 3, 28, 23), utc(2026, 3, 29, 22), 23],
    ['fall back', BERLIN, utc(2026, 10, 26, 9), utc(2026, 10, 24, 22), utc(2026, 10, 25, 23), 25],
  ])('yesterday on a DST day (%s, %s) lasts its real length', (_label, zone, now, from, to, hours) => {
    const range = pinned({ kind: 'day', day: 'yesterday' }, now, zone);
    expect(range).toEqual({ from, to, notices: [] });
    expect(range.to - range.from).toBe(hours * H);
  });

  it('reads a date-only from as the start of that day and a date-only to as its end', () => {
    expect(pinned({ kind: 'absolute', from: { date: '2026-11-24' }, to: { date: '2026-11-25' } })).toEqual({
      from: utc(2026, 11, 23, 16),
      to: utc(2026, 11, 25, 16),
      notices: [],
    });
    expect(pinned({ kind: 'absolute', from: { date: '2026-11-24' }, to: { date: '2026-11-24' } })).toEqual({
      from: utc(2026, 11, 23, 16),
      to: utc(2026, 11, 24, 16),
      notices: [],
    });
  });

  it('reads date-times in the zone and fills a missing bound', () => {
    expect(pinned({ kind: 'absolute', from: { date: '2026-11-24', time: '09:30' } })).toEqual({
      from: utc(2026, 11, 24, 1, 30),
      to: NOW,
      notices: [],
    });
    expect(pinned({ kind: 'absolute', to: { date: '2026-11-24', time: '18:00' } })).toEqual({
      from: NOW - 7 * D,
      to: utc(2026, 11, 24, 10),
      notices: [],
    });
  });

  it('reads today, yesterday and a bare time relative to now in the zone', () => {
    expect(pinned({ kind: 'absolute', from: { date: 'today', time: '09:30' } })).toEqual({
      from: utc(2026, 11, 27, 1, 30),
      to: NOW,
      notices: [],
    });
    expect(pinned({ kind: 'absolute', from: { date: 'yesterday' }, to: { date: 'yesterday', time: '12:00' } })).toEqual(
      { from: utc(2026, 11, 25, 16), to: utc(2026, 11, 26, 4), notices: [] },
    );
    expect(pinned({ kind: 'absolute', from: { date: 'yesterday' }, to: { date: 'today' } })).toEqual({
      from: utc(2026, 11, 25, 16),
      to: NOW,
      notices: [],
    });
  });

  it('moves a wall-clock time skipped by DST forward by the jump', () => {
    const now = utc(2026, 3, 9, 15);
    expect(pinned({ kind: 'absolute', from: { date: '2026-03-08', time: '02:30' } }, now, NY).from).toBe(
      utc(2026, 3, 8, 7, 30),
    );
  });

  it('cuts a future end to now without an error', () => {
    expect(pinned({ kind: 'absolute', from: { date: '2026-11-26' }, to: { date: '2026-12-31' } })).toEqual({
      from: utc(2026, 11, 25, 16),
      to: NOW,
      notices: [],
    });
  });

  it('clamps a start older than 7 days with a notice', () => {
    expect(pinned({ kind: 'absolute', from: { date: '2026-11-01' }, to: { date: '2026-11-21' } })).toEqual({
      from: NOW - 7 * D,
      to: utc(2026, 11, 21, 16),
      notices: ['Call records are kept for 7 days: showing calls from Nov 20, 14:05 (Asia/Shanghai).'],
    });
  });

  it('does not clamp a start exactly 7 days back', () => {
    expect(pinned({ kind: 'absolute', from: { date: '2026-11-20', time: '14:06' } }).notices).toEqual([]);
  });

  it('refuses a range that starts after it ends', () => {
    expect(pinError({ kind: 'absolute', from: { date: '2026-11-26' }, to: { date: '2026-11-24' } })).toBe(
      'The range starts after it ends: from Nov 26, 00:00 is after to Nov 24, 24:00 (Asia/Shanghai). Swap from: and to:.',
    );
  });

  it('refuses an empty range', () => {
    expect(
      pinError({
        kind: 'absolute',
        from: { date: '2026-11-25', time: '10:00' },
        to: { date: '2026-11-25', time: '10:00' },
      }),
    ).toBe('The range from Nov 25, 10:00 to Nov 25, 10:00 (Asia/Shanghai) is empty: give a to: after the from:.');
    expect(pinError({ kind: 'absolute', from: { date: '2026-11-25' }, to: { date: '2026-11-24' } })).toBe(
      'The range from Nov 25, 00:00 to Nov 24, 24:00 (Asia/Shanghai) is empty: give a to: after the from:.',
    );
  });

  it('refuses a range entirely in the future', () => {
    expect(pinError({ kind: 'absolute', from: { date: '2026-11-28' } })).toBe(
      'The range starts Nov 28, 00:00 (Asia/Shanghai), in the future: there are no calls there yet.',
    );
    expect(pinError({ kind: 'absolute', from: { date: '2026-11-28' }, to: { date: '2026-11-29' } })).toContain(
      'in the future',
    );
    expect(pinError({ kind: 'absolute', from: { date: 'today', time: '14:06' } })).toContain('in the future');
  });

  it('refuses a range entirely older than 7 days', () => {
    expect(pinError({ kind: 'absolute', from: { date: '2026-11-01' }, to: { date: '2026-11-03' } })).toBe(
      'Call records are kept for 7 days; Nov 1, 00:00 – Nov 3, 24:00 (Asia/Shanghai) is older: the oldest kept start Nov 20, 14:05.',
    );
    expect(pinError({ kind: 'absolute', to: { date: '2026-11-19' } })).toBe(
      'Call records are kept for 7 days; the range ending Nov 19, 24:00 (Asia/Shanghai) is older: the oldest kept start Nov 20, 14:05.',
    );
    expect(pinError({ kind: 'absolute', from: { date: '2025-11-01' }, to: { date: '2025-11-01' } })).toContain(
      'Nov 1, 2025, 00:00 – 24:00 (Asia/Shanghai) is older',
    );
  });

  it('explains that today has no calls yet in its very first second', () => {
    const midnight = utc(2026, 11, 27);
    expect(pinError({ kind: 'day', day: 'today' }, midnight, 'UTC')).toBe(
      'Today has only just begun (UTC): there are no calls yet. Try yesterday or last:24h.',
    );
    expect('error' in pinRange({ kind: 'day', day: 'today' }, midnight + 1, 'UTC')).toBe(false);
  });

  it('refuses an unknown zone and malformed bounds', () => {
    expect(pinError({ kind: 'retained' }, NOW, 'Mars/Olympus')).toBe(
      'Unknown time zone "Mars/Olympus": use an IANA name such as Europe/Berlin or UTC.',
    );
    expect(pinError({ kind: 'absolute', from: { date: '2026-02-30' } })).toContain('"2026-02-30" is not a date');
    expect(pinError({ kind: 'absolute', from: { date: '2026-11-20', time: '25:00' } })).toContain('is not a date');
    expect(pinError({ kind: 'relative', seconds: 0, label: '0h' })).toContain('is not a range');
  });

  it('always gives [from, to) inside the retained window, ending no later than now', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 60 * D }),
        fc.constantFrom(SH, NY, BERLIN, 'UTC', 'Pacific/Kiritimati', 'Pacific/Pago_Pago'),
        fc.integer({ min: utc(2020, 1, 1), max: utc(2035, 1, 1) }),
        (seconds, zone, now) => {
          const range = pinned({ kind: 'relative', seconds, label: `${seconds}s` }, now, zone);
          expect(range.from).toBeGreaterThanOrEqual(now - RETENTION_SECONDS);
          expect(range.from).toBeLessThan(range.to);
          expect(range.to).toBe(now);
          expect(range.notices.length > 0).toBe(seconds > RETENTION_SECONDS);
          for (const day of ['today', 'yesterday'] as const) {
            const todayRange = pinRange({ kind: 'day', day: 'today' }, now, zone);
            // The first second of a day has no "today" yet: that is the one case the day ranges refuse.
            if (day === 'today' && 'error' in todayRange) {
              expect(todayRange.error).toContain('Today has only just begun');
              continue;
            }
            const dayRange = pinned({ kind: 'day', day }, now, zone);
            expect(dayRange.from).toBeLessThan(dayRange.to);
            expect(dayRange.to).toBeLessThanOrEqual(now);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('pinQuery', () => {
  it('copies the filters and records the zone', () => {
    const query: CallQuery = {
      users: ['147'],
      results: ['Interrupt'],
      callTypes: ['SingleCall'],
      mediaTypes: ['Video'],
      range: { kind: 'relative', seconds: 10 * D, label: '10d' },
      callId: 'ignored',
    };
    const result = pinQuery(query, NOW, SH, { retentionDays: 7 });
    expect(result).toEqual({
      pinned: {
        users: ['147'],
        results: ['Interrupt'],
        callTypes: ['SingleCall'],
        mediaTypes: ['Video'],
        from: NOW - 7 * D,
        to: NOW,
        timeZone: SH,
      },
      notices: ['Call records are kept for 7 days: showing calls from Nov 20, 14:05 (Asia/Shanghai).'],
    });
    if ('pinned' in result) expect(result.pinned.users).not.toBe(query.users);
  });

  it('passes errors on', () => {
    expect(pinQuery({ ...EMPTY, range: { kind: 'absolute', from: { date: '2026-12-01' } } }, NOW, SH)).toEqual({
      error: 'The range starts Dec 1, 00:00 (Asia/Shanghai), in the future: there are no calls there yet.',
    });
  });

  it('floors a fractional now', () => {
    const result = pinQuery(EMPTY, NOW + 0.9, SH);
    expect('pinned' in result && result.pinned.to).toBe(NOW);
  });
});

describe('formatting instants and ranges', () => {
  it('formats an instant in the zone, with the year only when it differs', () => {
    expect(formatInstant(NOW, SH)).toBe('Nov 27, 14:05');
    expect(formatInstant(NOW, 'UTC', NOW)).toBe('Nov 27, 06:05');
    expect(formatInstant(utc(2025, 12, 31, 12), 'UTC', NOW)).toBe('Dec 31, 2025, 12:00');
  });

  it('shortens a range on one day and shows an end at midnight as 24:00', () => {
    expect(formatRange(utc(2026, 11, 20, 1), utc(2026, 11, 20, 9), SH)).toBe('Nov 20, 09:00 – 17:00');
    const day = dayBounds('2026-11-20', SH);
    expect(formatRange(day.from, day.to, SH)).toBe('Nov 20, 00:00 – 24:00');
    expect(formatRange(day.from, day.to + D, SH)).toBe('Nov 20, 00:00 – Nov 21, 24:00');
    expect(formatRange(NOW - 7 * D, NOW, SH)).toBe('Nov 20, 14:05 – Nov 27, 14:05');
    expect(formatRange(utc(2026, 12, 31, 20), utc(2027, 1, 1, 2), 'UTC')).toBe(
      'Dec 31, 2026, 20:00 – Jan 1, 2027, 02:00',
    );
    expect(formatRangeEnd(day.to, SH)).toBe('Nov 20, 24:00');
  });

  it('describes a DST day by its wall clock', () => {
    const day = dayBounds('2026-11-01', NY);
    expect(formatRange(day.from, day.to, NY)).toBe('Nov 1, 00:00 – 24:00');
  });
});
