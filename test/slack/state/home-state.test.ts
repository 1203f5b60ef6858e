import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { PinnedQuery } from '../../../src/calls/query.js';
import { CALL_TYPES, KNOWN_CALL_RESULTS, MEDIA_TYPES } from '../../../src/calls/records.js';
import {
  MAX_ANCHOR_CALL_ID_LENGTH,
  MAX_PAGE,
  MAX_PINNED_USERS,
  MAX_TIMESTAMP,
  MIN_TIMESTAMP,
} from '../../../src/slack/state/button-state.js';
import {
  DEFAULT_HOME_FILTERS,
  decodeHomePage,
  decodeHomePageRequest,
  decodeHomeState,
  encodeHomePage,
  encodeHomeState,
  HOME_PRESETS,
  type HomeFilters,
  HomeStateError,
  MAX_HOME_USER_TEXT,
} from '../../../src/slack/state/home-state.js';

const query: PinnedQuery = {
  users: ['147'],
  results: ['Interrupt'],
  callTypes: [],
  mediaTypes: ['Video'],
  from: 1_795_100_000,
  to: 1_795_186_400,
  timeZone: 'America/New_York',
};

const filters: HomeFilters = {
  user: '147',
  results: ['Interrupt'],
  callTypes: [],
  mediaTypes: ['Video'],
  preset: 'custom',
  from: '2026-11-20',
  fromTime: '09:00',
  to: '2026-11-21',
  toTime: '17:30',
};

describe('Home state in private_metadata', () => {
  it('round-trips filters alone, and filters with the search on screen', () => {
    expect(decodeHomeState(encodeHomeState({ filters: DEFAULT_HOME_FILTERS }))).toEqual({
      ok: true,
      state: { filters: DEFAULT_HOME_FILTERS },
    });
    const state = { filters, search: { query, page: 4 } };
    expect(decodeHomeState(encodeHomeState(state))).toEqual({ ok: true, state });
  });

  it('keeps the worst case under 3000 characters', () => {
    const users = Array.from({ length: MAX_PINNED_USERS }, (_, i) => `${String(i).padStart(2, '0')}${'u'.repeat(30)}`);
    const value = encodeHomeState({
      filters: { ...filters, user: 'x'.repeat(MAX_HOME_USER_TEXT), results: [...KNOWN_CALL_RESULTS] },
      search: {
        query: {
          users,
          results: [...KNOWN_CALL_RESULTS],
          callTypes: [...CALL_TYPES],
          mediaTypes: [...MEDIA_TYPES],
          from: MIN_TIMESTAMP,
          to: MAX_TIMESTAMP,
          timeZone: 'America/Argentina/ComodRivadavia',
        },
        page: MAX_PAGE,
        anchor: { before: { startTime: MAX_TIMESTAMP, callId: 'é'.repeat(MAX_ANCHOR_CALL_ID_LENGTH) } },
      },
    });
    expect(value.length).toBeLessThan(3000);
    expect(decodeHomeState(value).ok).toBe(true);
  });

  it('keeps the anchor that found the page on screen, and reads a search kept without one', () => {
    const anchor = { after: { startTime: 1_795_150_000, callId: 'c-1' } };
    const state = { filters, search: { query, page: 4, anchor } };
    expect(decodeHomeState(encodeHomeState(state))).toEqual({ ok: true, state });
    const old = encodeHomeState({ filters, search: { query, page: 4 } });
    expect(JSON.parse(old).s.a).toBeUndefined();
    expect(decodeHomeState(old)).toEqual({ ok: true, state: { filters, search: { query, page: 4 } } });
  });

  it('throws rather than write what it could not read back', () => {
    expect(() => encodeHomeState({ filters: { ...filters, user: 'x'.repeat(MAX_HOME_USER_TEXT + 1) } })).toThrow(
      HomeStateError,
    );
    expect(() => encodeHomeState({ filters: { ...filters, from: '20/11/2026' } })).toThrow(HomeStateError);
    expect(() => encodeHomeState({ filters, search: { query, page: 0 } })).toThrow(HomeStateError);
  });

  it.each([
    ['empty (a view we never published)', ''],
    ['not JSON', '{'],
    ['no filters', '{"v":1}'],
    ['an unknown preset', '{"v":1,"f":{"pr":"forever"}}'],
    ['a bad time', '{"v":1,"f":{"pr":"custom","ft":"25:00"}}'],
    ['a bad search', '{"v":1,"f":{"pr":"today"},"s":{"v":1,"f":1,"t":2,"z":"UTC","p":1}}'],
  ])('%s → malformed', (_label, value) => {
    expect(decodeHomeState(value)).toEqual({ ok: false, reason: 'malformed' });
  });

  it('another version → outdated', () => {
    expect(decodeHomeState('{"v":2,"f":{"pr":"today"}}')).toEqual({ ok: false, reason: 'outdated' });
  });

  it('property: any valid state round-trips within 3000 characters', () => {
    const date = fc
      .date({ min: new Date('2020-01-01T00:00:00Z'), max: new Date('2030-12-31T00:00:00Z'), noInvalidDate: true })
      .map((d) => d.toISOString().slice(0, 10));
    const time = fc
      .tuple(fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 }))
      .map(([h, m]) => `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`);
    const homeFilters = fc.record(
      {
        user: fc.string({ minLength: 1, maxLength: MAX_HOME_USER_TEXT }),
        results: fc.subarray([...KNOWN_CALL_RESULTS]),
        callTypes: fc.subarray([...CALL_TYPES]),
        mediaTypes: fc.subarray([...MEDIA_TYPES]),
        preset: fc.constantFrom(...HOME_PRESETS),
        from: date,
        fromTime: time,
        to: date,
        toTime: time,
      },
      { requiredKeys: ['results', 'callTypes', 'mediaTypes', 'preset'] },
    );
    fc.assert(
      fc.property(homeFilters, fc.integer({ min: 1, max: MAX_PAGE }), fc.boolean(), (f, page, anchored) => {
        const anchor = { after: { startTime: MAX_TIMESTAMP, callId: 'z'.repeat(MAX_ANCHOR_CALL_ID_LENGTH) } };
        const state = { filters: f, search: { query, page, ...(anchored ? { anchor } : {}) } };
        const value = encodeHomeState(state);
        expect(value.length).toBeLessThanOrEqual(3000);
        expect(decodeHomeState(value)).toEqual({ ok: true, state });
      }),
      { numRuns: 200 },
    );
  });
});

describe('Home page buttons', () => {
  it('carry a page number', () => {
    expect(encodeHomePage(3)).toBe('3');
    expect(decodeHomePage('3')).toBe(3);
    expect(decodeHomePage('0')).toBeNull();
    expect(decodeHomePage('03')).toBeNull();
    expect(decodeHomePage('10001')).toBeNull();
    expect(decodeHomePage('1e3')).toBeNull();
    expect(() => encodeHomePage(0)).toThrow(HomeStateError);
  });

  it('carry an anchor when there is one (and old values without it still read)', () => {
    const at = { startTime: 1_795_150_000, callId: 'e0e0e0e0-1111-4222-8333-444455556666' };
    for (const anchor of [{ after: at }, { before: at }]) {
      const value = encodeHomePage(7, anchor);
      expect(value.length).toBeLessThan(2000);
      expect(decodeHomePageRequest(value)).toEqual({ page: 7, anchor });
      expect(decodeHomePage(value)).toBe(7);
    }
    expect(decodeHomePageRequest('7')).toEqual({ page: 7 });
    expect(encodeHomePage(7, { after: { ...at, callId: 'x'.repeat(MAX_ANCHOR_CALL_ID_LENGTH + 1) } })).toBe('7');
    for (const bad of [
      '{',
      '{"p":0}',
      '{"p":2,"a":{"s":1,"i":"x"}}',
      '{"p":2,"a":{"s":1795150000,"i":"x"},"b":{"s":1795150000,"i":"y"}}',
      '{"p":2,"x":1}',
    ]) {
      expect(decodeHomePageRequest(bad)).toBeNull();
    }
  });
});
