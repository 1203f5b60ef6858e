import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { PinnedQuery } from '../../../src/calls/query.js';
import { CALL_TYPES, KNOWN_CALL_RESULTS, MEDIA_TYPES } from '../../../src/calls/records.js';
import {
  ButtonStateError,
  decodeCallButton,
  decodePageButton,
  encodeCallButton,
  encodePageButton,
  encodeSummaryButton,
  interruptedDayQuery,
  isAnchorCallId,
  isValidUserId,
  MAX_ANCHOR_CALL_ID_LENGTH,
  MAX_CALL_ID_LENGTH,
  MAX_PAGE,
  MAX_PINNED_USERS,
  MAX_TIMESTAMP,
  MAX_USER_ID_LENGTH,
  MIN_TIMESTAMP,
  type PageButtonState,
} from '../../../src/slack/state/button-state.js';

const query: PinnedQuery = {
  users: ['147', 'alice_01'],
  results: ['Interrupt', 'Offline'],
  callTypes: ['MultiCall'],
  mediaTypes: ['Video'],
  from: 1_795_100_000,
  to: 1_795_186_400,
  timeZone: 'Asia/Shanghai',
};

/** Replaces one field of the wire JSON and re-serialises it, as a tampering client would. */
function tamper(value: string, patch: Record<string, unknown>): string {
  return JSON.stringify({ ...JSON.parse(value), ...patch });
}

describe('page button', () => {
  it('round-trips a pinned query and page', () => {
    const value = encodePageButton({ query, page: 3 });
    expect(decodePageButton(value)).toEqual({ ok: true, state: { query, page: 3 } });
  });

  it('is compact, versioned JSON that leaves empty filters out', () => {
    const value = encodePageButton({
      query: {
        users: [],
        results: [],
        callTypes: [],
        mediaTypes: [],
        from: 1_795_100_000,
        to: 1_795_186_400,
        timeZone: 'UTC',
      },
      page: 1,
    });
    expect(JSON.parse(value)).toEqual({ v: 1, f: 1_795_100_000, t: 1_795_186_400, z: 'UTC', p: 1 });
    expect(value.length).toBeLessThan(80);
  });

  it('keeps the worst case (20 users of 32 characters, every filter, longest zone, last page) under 2000', () => {
    const worst: PageButtonState = {
      query: {
        users: Array.from({ length: MAX_PINNED_USERS }, (_, i) =>
          `${'x'.repeat(MAX_USER_ID_LENGTH - 2)}${i}`.slice(-32),
        ),
        results: [...KNOWN_CALL_RESULTS],
        callTypes: [...CALL_TYPES],
        mediaTypes: [...MEDIA_TYPES],
        from: MIN_TIMESTAMP,
        to: MAX_TIMESTAMP,
        timeZone: 'America/Argentina/ComodRivadavia',
      },
      page: MAX_PAGE,
    };
    const value = encodePageButton(worst);
    expect(value.length).toBeLessThan(2000);
    expect(decodePageButton(value)).toEqual({ ok: true, state: worst });
    // …and with the longest anchor a value carries.
    const anchored = {
      ...worst,
      anchor: { after: { startTime: MAX_TIMESTAMP, callId: 'é'.repeat(MAX_ANCHOR_CALL_ID_LENGTH) } },
    };
    const withAnchor = encodePageButton(anchored);
    expect(withAnchor.length).toBeLessThan(2000);
    expect(decodePageButton(withAnchor)).toEqual({ ok: true, state: anchored });
  });

  it('round-trips an anchor (after for Next, before for Previous), and still reads values without one', () => {
    const at = { startTime: 1_795_150_000, callId: 'e0e0e0e0-1111-4222-8333-444455556666' };
    for (const anchor of [{ after: at }, { before: at }]) {
      const state: PageButtonState = { query, page: 3, anchor };
      const value = encodePageButton(state);
      expect(JSON.parse(value)).toMatchObject('after' in anchor ? { a: { s: at.startTime, i: at.callId } } : { b: {} });
      expect(decodePageButton(value)).toEqual({ ok: true, state });
    }
    const old = JSON.stringify({ v: 1, f: query.from, t: query.to, z: 'UTC', p: 2 });
    expect(decodePageButton(old)).toEqual({
      ok: true,
      state: { query: { ...query, users: [], results: [], callTypes: [], mediaTypes: [], timeZone: 'UTC' }, page: 2 },
    });
  });

  it('leaves out an anchor it cannot carry (too long, or characters JSON would escape): paging by position', () => {
    for (const callId of ['x'.repeat(MAX_ANCHOR_CALL_ID_LENGTH + 1), 'a"b', 'a\\b', '\uD800x']) {
      const value = encodePageButton({ query, page: 2, anchor: { after: { startTime: query.from, callId } } });
      expect(decodePageButton(value)).toEqual({ ok: true, state: { query, page: 2 } });
    }
  });

  it.each([
    ['two anchors', { a: { s: 1_795_150_000, i: 'x' }, b: { s: 1_795_150_000, i: 'y' } }],
    ['an anchor without a CallId', { a: { s: 1_795_150_000, i: '' } }],
    ['an anchor out of range', { a: { s: 1, i: 'x' } }],
    ['an anchor with more keys', { a: { s: 1_795_150_000, i: 'x', n: 1 } }],
  ])('%s → malformed', (_label, extra) => {
    const value = JSON.stringify({ v: 1, f: query.from, t: query.to, z: 'UTC', p: 2, ...extra });
    expect(decodePageButton(value)).toEqual({ ok: false, reason: 'malformed' });
  });

  it('throws rather than encode more users than the cap, or a bad state', () => {
    const users = Array.from({ length: MAX_PINNED_USERS + 1 }, (_, i) => `user${i}`);
    expect(() => encodePageButton({ query: { ...query, users }, page: 1 })).toThrow(ButtonStateError);
    expect(() => encodePageButton({ query: { ...query, users: ['x'.repeat(33)] }, page: 1 })).toThrow(ButtonStateError);
    expect(() => encodePageButton({ query, page: 0 })).toThrow(ButtonStateError);
    expect(() => encodePageButton({ query: { ...query, timeZone: 'Mars/Olympus' }, page: 1 })).toThrow(
      ButtonStateError,
    );
  });

  describe('refuses tampered or foreign values', () => {
    const good = encodePageButton({ query, page: 2 });
    it.each([
      ['empty', ''],
      ['not JSON', '{"v":1,'],
      ['a JSON array', '[1,2]'],
      ['a JSON string', '"hello"'],
      ['no version', tamper(good, { v: undefined })],
      ['page 0', tamper(good, { p: 0 })],
      ['page past the cap', tamper(good, { p: MAX_PAGE + 1 })],
      ['a fractional page', tamper(good, { p: 1.5 })],
      ['a page as a string', tamper(good, { p: '2' })],
      ['an unknown result', tamper(good, { r: ['Exploded'] })],
      ['an unknown call type', tamper(good, { c: ['Conference'] })],
      ['an unknown media type', tamper(good, { m: ['Hologram'] })],
      ['an invalid zone', tamper(good, { z: 'Mars/Olympus' })],
      ['an offset instead of a zone', tamper(good, { z: '+05:00' })],
      ['a range ending before it starts', tamper(good, { f: 1_795_186_400, t: 1_795_100_000 })],
      ['a timestamp in milliseconds', tamper(good, { f: 1_795_100_000_000 })],
      ['a timestamp before 2015', tamper(good, { f: 0 })],
      ['a user ID with spaces', tamper(good, { u: ['a b'] })],
      ['a user ID with a backtick', tamper(good, { u: ['a`b'] })],
      ['a user ID of 33 characters', tamper(good, { u: ['x'.repeat(33)] })],
      ['too many users', tamper(good, { u: Array.from({ length: 21 }, (_, i) => `u${i}`) })],
      ['an extra key', tamper(good, { admin: true })],
      ['over 2000 characters', `${good}${' '.repeat(2000)}`],
    ])('%s → malformed', (_label, value) => {
      expect(decodePageButton(value)).toEqual({ ok: false, reason: 'malformed' });
    });

    it.each([
      ['version 0', tamper(good, { v: 0 })],
      ['version 2', tamper(good, { v: 2 })],
    ])('%s → outdated', (_label, value) => {
      expect(decodePageButton(value)).toEqual({ ok: false, reason: 'outdated' });
    });
  });

  it('property: any valid state encodes under 2000 characters and decodes back equal', () => {
    const userId = fc
      .oneof(
        fc.string({ minLength: 1, maxLength: MAX_USER_ID_LENGTH, unit: 'grapheme-ascii' }),
        fc.string({ minLength: 1, maxLength: 16, unit: 'grapheme' }),
      )
      .filter(isValidUserId);
    const subset = <T>(items: readonly T[]) => fc.subarray([...items]);
    const zone = fc.constantFrom('UTC', 'Asia/Shanghai', 'America/New_York', 'Europe/Berlin', 'Asia/Kolkata');
    const state = fc
      .record({
        users: fc.uniqueArray(userId, { maxLength: MAX_PINNED_USERS }),
        results: subset(KNOWN_CALL_RESULTS),
        callTypes: subset(CALL_TYPES),
        mediaTypes: subset(MEDIA_TYPES),
        a: fc.integer({ min: MIN_TIMESTAMP, max: MAX_TIMESTAMP }),
        b: fc.integer({ min: MIN_TIMESTAMP, max: MAX_TIMESTAMP }),
        timeZone: zone,
        page: fc.integer({ min: 1, max: MAX_PAGE }),
        anchor: fc.option(
          fc.record({
            side: fc.constantFrom('after', 'before'),
            startTime: fc.integer({ min: MIN_TIMESTAMP, max: MAX_TIMESTAMP }),
            callId: fc.oneof(
              fc.uuid(),
              fc.string({ minLength: 1, maxLength: MAX_ANCHOR_CALL_ID_LENGTH + 20 }),
              fc.string({ minLength: 1, maxLength: MAX_CALL_ID_LENGTH, unit: 'binary' }),
            ),
          }),
          { nil: undefined },
        ),
      })
      .map(({ a, b, page, anchor, ...rest }): PageButtonState => {
        const state: PageButtonState = { query: { ...rest, from: Math.min(a, b), to: Math.max(a, b) }, page };
        if (anchor) {
          const at = { startTime: anchor.startTime, callId: anchor.callId };
          state.anchor = anchor.side === 'after' ? { after: at } : { before: at };
        }
        return state;
      });
    fc.assert(
      fc.property(state, (s) => {
        const value = encodePageButton(s);
        expect(value.length).toBeLessThan(2000);
        // An anchor that cannot be carried is left out (the page is then found by position).
        const at = s.anchor && ('after' in s.anchor ? s.anchor.after : s.anchor.before);
        const { anchor, ...withoutAnchor } = s;
        const carried = at !== undefined && isAnchorCallId(at.callId) ? s : withoutAnchor;
        expect(decodePageButton(value)).toEqual({ ok: true, state: carried });
      }),
      { numRuns: 300 },
    );
  });

  it('property: no string decodes to anything but a valid state or a failure (never throws)', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.json()), (value) => {
        const result = decodePageButton(value);
        if (result.ok) expect(encodePageButton(result.state).length).toBeLessThan(2000);
      }),
      { numRuns: 300 },
    );
  });
});

describe('Details button', () => {
  it('carries the CallId as is', () => {
    const callId = '04c9a0ac-8e38-4a19-be45-349c5ce7911b';
    expect(encodeCallButton(callId)).toBe(callId);
    expect(decodeCallButton(callId)).toEqual({ ok: true, callId });
  });

  it('accepts a 200-character CallId and refuses what it cannot carry', () => {
    const long = 'c'.repeat(200);
    expect(decodeCallButton(encodeCallButton(long))).toEqual({ ok: true, callId: long });
    expect(() => encodeCallButton('')).toThrow(ButtonStateError);
    expect(() => encodeCallButton('x'.repeat(MAX_CALL_ID_LENGTH + 1))).toThrow(ButtonStateError);
    expect(decodeCallButton('two words')).toEqual({ ok: false, reason: 'malformed' });
    expect(decodeCallButton('x'.repeat(2001))).toEqual({ ok: false, reason: 'malformed' });
  });
});

describe('daily summary button', () => {
  it('is a page-1 search of the day’s Interrupt and Offline calls, in the summary’s zone', () => {
    const value = encodeSummaryButton({ date: '2026-11-20', timeZone: 'Asia/Shanghai' });
    const decoded = decodePageButton(value);
    expect(decoded).toEqual({
      ok: true,
      state: {
        page: 1,
        query: {
          users: [],
          results: ['Interrupt', 'Offline'],
          callTypes: [],
          mediaTypes: [],
          from: Date.UTC(2026, 10, 19, 16) / 1000,
          to: Date.UTC(2026, 10, 20, 16) / 1000,
          timeZone: 'Asia/Shanghai',
        },
      },
    });
  });

  it('spans 25 hours on the day New York leaves daylight saving time', () => {
    const q = interruptedDayQuery({ date: '2026-11-01', timeZone: 'America/New_York' });
    expect(q.from).toBe(Date.UTC(2026, 10, 1, 4) / 1000);
    expect(q.to - q.from).toBe(25 * 3600);
  });

  it('refuses a date that does not exist or a bad zone', () => {
    expect(() => interruptedDayQuery({ date: '2026-02-30', timeZone: 'UTC' })).toThrow(ButtonStateError);
    expect(() => interruptedDayQuery({ date: '20-11-2026', timeZone: 'UTC' })).toThrow(ButtonStateError);
    expect(() => interruptedDayQuery({ date: '2026-11-20', timeZone: 'Nowhere' })).toThrow(ButtonStateError);
  });
});
