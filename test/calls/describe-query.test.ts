import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  describeFilters,
  describeQuery,
  describeRange,
  describeUsers,
  formatDuration,
  RESULT_LABELS,
  resultLabel,
  resultVerb,
} from '../../src/calls/describe-query.js';
import { parseQuery } from '../../src/calls/parse-query.js';
import type { PinnedQuery } from '../../src/calls/query.js';
import { CALL_TYPES, KNOWN_CALL_RESULTS, MEDIA_TYPES } from '../../src/calls/records.js';
import { dayBounds, pinQuery } from '../../src/calls/time-range.js';

const SH = 'Asia/Shanghai';
const utc = (y: number, mo: number, d: number, h = 0, mi = 0, s = 0) => Date.UTC(y, mo - 1, d, h, mi, s) / 1000;
const NOW = utc(2026, 11, 27, 6, 5, 37);
const NOV_20 = dayBounds('2026-11-20', SH);

const ALL: PinnedQuery = { users: [], results: [], callTypes: [], mediaTypes: [], ...NOV_20, timeZone: SH };

describe('describeQuery', () => {
  it('reads as a plain sentence with the range in the query zone', () => {
    expect(describeQuery({ ...ALL, users: ['147'], results: ['Interrupt', 'Offline'], mediaTypes: ['Video'] })).toBe(
      'interrupted or offline video calls of `147`, Nov 20, 00:00 – 24:00 (Asia/Shanghai)',
    );
  });

  it('says "all calls" without filters', () => {
    expect(describeQuery(ALL)).toBe('all calls, Nov 20, 00:00 – 24:00 (Asia/Shanghai)');
  });

  it('shortens a range within one day and spells out one across days', () => {
    expect(describeQuery({ ...ALL, from: utc(2026, 11, 20, 1), to: utc(2026, 11, 20, 9) })).toBe(
      'all calls, Nov 20, 09:00 – 17:00 (Asia/Shanghai)',
    );
    expect(describeQuery({ ...ALL, from: NOW - 7 * 86_400, to: NOW })).toBe(
      'all calls, Nov 20, 14:05 – Nov 27, 14:05 (Asia/Shanghai)',
    );
    expect(describeQuery({ ...ALL, from: utc(2026, 12, 31, 20), to: utc(2027, 1, 1, 2), timeZone: 'UTC' })).toBe(
      'all calls, Dec 31, 2026, 20:00 – Jan 1, 2027, 02:00 (UTC)',
    );
  });

  it('describes the same instants in another zone by that zone', () => {
    expect(describeRange({ ...NOV_20, timeZone: 'Europe/Berlin' })).toBe(
      'Nov 19, 17:00 – Nov 20, 17:00 (Europe/Berlin)',
    );
  });

  it('describes a pinned yesterday on a DST day as a whole day', () => {
    const parsed = parseQuery('yesterday result:dropped type:group');
    if (parsed.kind !== 'query') throw new Error('expected a query');
    const pinned = pinQuery(parsed.query, utc(2026, 11, 2, 15), 'America/New_York');
    if ('error' in pinned) throw new Error(pinned.error);
    expect(describeQuery(pinned.pinned)).toBe(
      'interrupted or offline group calls, Nov 1, 00:00 – 24:00 (America/New_York)',
    );
  });
});

describe('describeFilters', () => {
  it.each<[Partial<PinnedQuery>, string]>([
    [{}, 'all calls'],
    [{ users: ['147'] }, 'all calls of `147`'],
    [{ users: ['147', '369'] }, 'all calls of `147` or `369`'],
    [{ users: ['a', 'b', 'c'] }, 'all calls of `a`, `b` or `c`'],
    [{ results: ['NotAnswer'] }, 'unanswered calls'],
    [{ results: ['Offline', 'Interrupt'] }, 'interrupted or offline calls'],
    [{ results: ['Cancel', 'Reject', 'NotAnswer'] }, 'cancelled, rejected or unanswered calls'],
    [{ results: [...KNOWN_CALL_RESULTS] }, 'all calls'],
    [{ callTypes: ['SingleCall'] }, '1:1 calls'],
    [{ callTypes: ['MultiCall'], mediaTypes: ['Audio'] }, 'group audio calls'],
    [{ callTypes: [...CALL_TYPES], mediaTypes: [...MEDIA_TYPES] }, 'all calls'],
    [
      { users: ['147'], results: ['NormalEnd'], callTypes: ['SingleCall'], mediaTypes: ['Video'] },
      'normally ended 1:1 video calls of `147`',
    ],
  ])('%j → %s', (filters, text) => {
    expect(describeFilters({ ...ALL, ...filters })).toBe(text);
  });

  it('lists at most ten users', () => {
    const users = Array.from({ length: 12 }, (_, i) => `u${i}`);
    expect(describeUsers(users)).toBe(
      `${users
        .slice(0, 10)
        .map((u) => `\`${u}\``)
        .join(', ')} or 2 more`,
    );
  });

  it('uses no Slack markup beyond backticks around user IDs', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.stringMatching(/^[A-Za-z0-9_.@-]{1,32}$/), { maxLength: 12 }),
        fc.subarray([...KNOWN_CALL_RESULTS]),
        fc.subarray([...CALL_TYPES]),
        fc.subarray([...MEDIA_TYPES]),
        (users, results, callTypes, mediaTypes) => {
          const text = describeQuery({ ...ALL, users, results, callTypes, mediaTypes });
          expect(text).not.toMatch(/[<>*~]|<!date/);
          for (const user of users.slice(0, 10)) expect(text).toContain(`\`${user}\``);
        },
      ),
    );
  });
});

describe('results and durations', () => {
  it('labels every known result', () => {
    expect(RESULT_LABELS).toEqual({
      NormalEnd: 'ended normally',
      Cancel: 'cancelled',
      Reject: 'rejected',
      NotAnswer: 'not answered',
      CallBusy: 'busy',
      Interrupt: 'interrupted',
      Offline: 'went offline',
    });
    expect(resultLabel('Interrupt')).toBe('interrupted');
    expect(resultLabel('SomethingNew')).toBe('SomethingNew');
  });

  it.each([
    [0, '0s'],
    [45, '45s'],
    [59.4, '59s'],
    [59.6, '1m 00s'],
    [130, '2m 10s'],
    [605, '10m 05s'],
    [3599, '59m 59s'],
    [3600, '1h 00m'],
    [3720, '1h 02m'],
    [90_061, '25h 01m'],
    [-5, '0s'],
    [Number.NaN, '0s'],
    [Number.POSITIVE_INFINITY, '0s'],
  ])('formatDuration(%d) = %s', (seconds, text) => {
    expect(formatDuration(seconds)).toBe(text);
  });

  const start = utc(2026, 11, 20, 1);
  const connected = { startTime: start, acceptTime: start + 12, endTime: start + 12 + 130 };
  const neverConnected = { startTime: start, acceptTime: null, endTime: start + 30 };

  it.each([
    ['NormalEnd', connected, 'ended normally after 2m 10s'],
    ['NormalEnd', neverConnected, 'ended normally'],
    ['Cancel', neverConnected, 'cancelled after ringing 30s'],
    ['Reject', neverConnected, 'rejected after ringing 30s'],
    ['NotAnswer', neverConnected, 'not answered (rang 30s)'],
    ['CallBusy', neverConnected, 'rejected: line busy'],
    ['Interrupt', connected, 'interrupted after 2m 10s'],
    ['Interrupt', neverConnected, 'interrupted before connecting (rang 30s)'],
    ['Offline', connected, 'went offline after 2m 10s'],
    ['Offline', neverConnected, 'went offline before connecting (rang 30s)'],
    ['Exploded', connected, 'ended with result "Exploded" after 2m 10s'],
    ['Exploded', neverConnected, 'ended with result "Exploded"'],
  ] as const)('resultVerb(%s) completes the sentence', (result, timing, text) => {
    expect(resultVerb(result, timing)).toBe(text);
  });

  it('gives the bare phrase without timings', () => {
    expect(resultVerb('Interrupt')).toBe('interrupted');
    expect(resultVerb('Offline')).toBe('went offline');
    expect(resultVerb('CallBusy')).toBe('rejected: line busy');
    expect(resultVerb('Exploded')).toBe('ended with result "Exploded"');
  });
});
