import { describe, expect, it } from 'vitest';
import { type NameDirectory, nameSearchKey } from '../../../src/calls/user-names.js';
import {
  filtersFromViewState,
  OUTDATED_CONTROLS_MESSAGE,
  pinHomeFilters,
  queryFromFilters,
  rangeFromFilters,
  usersFromText,
} from '../../../src/slack/home/home-filters.js';
import { DEFAULT_HOME_FILTERS, type HomeFilters } from '../../../src/slack/state/home-state.js';

const opt = (value: string) => ({ text: { type: 'plain_text', text: value, emoji: true }, value });

/** `view.state.values` exactly as Slack sends it for the Home tab's controls. */
function stateValues(
  parts: {
    user?: string | null;
    results?: string[];
    type?: string;
    media?: string;
    preset?: string;
    from?: string | null;
    fromTime?: string | null;
    to?: string | null;
    toTime?: string | null;
  } = {},
) {
  return {
    home_user: { user: { type: 'plain_text_input', value: parts.user ?? null } },
    home_results: { results: { type: 'multi_static_select', selected_options: (parts.results ?? []).map(opt) } },
    home_type: { type: { type: 'static_select', selected_option: opt(parts.type ?? 'any') } },
    home_media: { media: { type: 'static_select', selected_option: opt(parts.media ?? 'any') } },
    home_preset: { preset: { type: 'static_select', selected_option: opt(parts.preset ?? 'last_24h') } },
    home_from: { date: { type: 'datepicker', selected_date: parts.from ?? null } },
    home_from_time: { time: { type: 'timepicker', selected_time: parts.fromTime ?? null, timezone: 'UTC' } },
    home_to: { date: { type: 'datepicker', selected_date: parts.to ?? null } },
    home_to_time: { time: { type: 'timepicker', selected_time: parts.toTime ?? null, timezone: 'UTC' } },
  };
}

const filters = (more: Partial<HomeFilters>): HomeFilters => ({ ...DEFAULT_HOME_FILTERS, ...more });

// 2026-11-27 12:00:00 UTC
const NOW = Date.UTC(2026, 10, 27, 12, 0, 0) / 1000;

describe('filtersFromViewState', () => {
  it('reads the controls under the block_ids of the view they come from (`home_user.<key>`)', () => {
    const keyed = Object.fromEntries(
      Object.entries(stateValues({ user: '147', preset: 'custom', from: '2026-11-25', toTime: '18:00' })).map(
        ([blockId, value]) => [`${blockId}.a1b2c3d4`, value],
      ),
    );
    expect(filtersFromViewState(keyed)).toEqual({
      filters: filters({ user: '147', preset: 'custom', from: '2026-11-25', toTime: '18:00' }),
      errors: {},
    });
  });

  it('reads every control as Slack sends it', () => {
    const read = filtersFromViewState(
      stateValues({
        user: '  147, 369 ',
        results: ['Interrupt', 'Offline'],
        type: 'SingleCall',
        media: 'Video',
        preset: 'custom',
        from: '2026-11-25',
        fromTime: '09:30',
        to: '2026-11-26',
        toTime: '18:00',
      }),
    );
    expect(read.errors).toEqual({});
    expect(read.filters).toEqual({
      user: '147, 369',
      results: ['Interrupt', 'Offline'],
      callTypes: ['SingleCall'],
      mediaTypes: ['Video'],
      preset: 'custom',
      from: '2026-11-25',
      fromTime: '09:30',
      to: '2026-11-26',
      toTime: '18:00',
    });
  });

  it('reads untouched controls (nulls, Any) as the defaults', () => {
    expect(filtersFromViewState(stateValues())).toEqual({ filters: DEFAULT_HOME_FILTERS, errors: {} });
  });

  it('reads a missing or odd state as the defaults', () => {
    for (const values of [undefined, null, {}, [], 'x', { home_user: 'x', home_results: { results: 3 } }]) {
      expect(filtersFromViewState(values)).toEqual({ filters: DEFAULT_HOME_FILTERS, errors: {} });
    }
  });

  it('drops values the controls never offer, and says so', () => {
    const read = filtersFromViewState(
      stateValues({ results: ['Interrupt', 'Exploded'], type: 'Triple', preset: 'forever', from: '25/11/2026' }),
    );
    expect(read.filters).toEqual(filters({ results: ['Interrupt'] }));
    expect(read.errors).toEqual({ general: OUTDATED_CONTROLS_MESSAGE });
  });

  it('cleans control characters out of the user box', () => {
    expect(filtersFromViewState(stateValues({ user: '\u0000147\n' })).filters.user).toBe('147');
    expect(filtersFromViewState(stateValues({ user: '   ' })).filters.user).toBeUndefined();
  });
});

describe('usersFromText', () => {
  it('takes IDs separated by commas or spaces, once each', () => {
    expect(usersFromText('147, 369 147 alice.w')).toEqual({ users: ['147', '369', 'alice.w'] });
    expect(usersFromText(undefined)).toEqual({ users: [] });
  });

  it('names a bad ID and says what would be valid', () => {
    expect(usersFromText('147 bad/id')).toEqual({ error: expect.stringMatching(/"bad\/id" is not a Tencent user ID/) });
    expect(usersFromText('<@U123>')).toEqual({ error: expect.stringMatching(/Slack name or mention/) });
    expect(usersFromText('x'.repeat(40))).toEqual({ error: expect.stringMatching(/longer than 32 characters/) });
  });

  it('takes a name after name: or with a letter no user ID has; a plain word stays an ID', () => {
    expect(usersFromText('name:"alice w"')).toEqual({ name: 'alice w' });
    expect(usersFromText('NAME: Zoë')).toEqual({ name: 'Zoë' });
    expect(usersFromText('José Núñez')).toEqual({ name: 'José Núñez' });
    expect(usersFromText('李晨')).toEqual({ name: '李晨' });
    expect(usersFromText('alice')).toEqual({ users: ['alice'] });
    expect(usersFromText('name:')).toEqual({ error: expect.stringMatching(/Give a name/) });
    expect(usersFromText('147 bad/id')).toEqual({ error: expect.stringMatching(/name:bad\/id/) });
  });

  it('refuses more than 20 users', () => {
    const many = Array.from({ length: 21 }, (_, i) => `u${i}`).join(',');
    expect(usersFromText(many)).toEqual({ error: expect.stringMatching(/at most 20/) });
  });
});

describe('rangeFromFilters', () => {
  it('maps the presets', () => {
    expect(rangeFromFilters(filters({ preset: 'last_hour' }))).toEqual({
      range: { kind: 'relative', seconds: 3600, label: '1h' },
    });
    expect(rangeFromFilters(filters({ preset: 'last_24h' }))).toEqual({
      range: { kind: 'relative', seconds: 86_400, label: '24h' },
    });
    expect(rangeFromFilters(filters({ preset: 'today' }))).toEqual({ range: { kind: 'day', day: 'today' } });
    expect(rangeFromFilters(filters({ preset: 'yesterday' }))).toEqual({ range: { kind: 'day', day: 'yesterday' } });
    expect(rangeFromFilters(filters({ preset: 'last_7d' }))).toEqual({ range: { kind: 'retained' } });
  });

  it('ignores the pickers under a preset other than custom', () => {
    expect(rangeFromFilters(filters({ preset: 'today', from: '2026-11-30', to: '2026-11-01' }))).toEqual({
      range: { kind: 'day', day: 'today' },
    });
  });

  it('builds a custom range from dates and times', () => {
    expect(
      rangeFromFilters(filters({ preset: 'custom', from: '2026-11-25', fromTime: '09:30', to: '2026-11-26' })),
    ).toEqual({
      range: { kind: 'absolute', from: { date: '2026-11-25', time: '09:30' }, to: { date: '2026-11-26' } },
    });
    expect(rangeFromFilters(filters({ preset: 'custom', from: '2026-11-25' }))).toEqual({
      range: { kind: 'absolute', from: { date: '2026-11-25' } },
    });
  });

  it('refuses a custom range without a From date, or a time without its date', () => {
    expect(rangeFromFilters(filters({ preset: 'custom' }))).toEqual({
      error: expect.stringMatching(/needs a From date/),
    });
    expect(rangeFromFilters(filters({ preset: 'custom', fromTime: '10:00' }))).toEqual({
      error: expect.stringMatching(/From time needs a From date/),
    });
    expect(rangeFromFilters(filters({ preset: 'custom', from: '2026-11-25', toTime: '10:00' }))).toEqual({
      error: expect.stringMatching(/To time needs a To date/),
    });
  });

  it('refuses From after To (and From equal to To), in wall-clock terms', () => {
    expect(rangeFromFilters(filters({ preset: 'custom', from: '2026-11-26', to: '2026-11-25' }))).toEqual({
      error: expect.stringMatching(/From \(2026-11-26\) is after To \(2026-11-25\): swap them/),
    });
    expect(
      rangeFromFilters(
        filters({ preset: 'custom', from: '2026-11-25', fromTime: '10:00', to: '2026-11-25', toTime: '09:00' }),
      ),
    ).toEqual({ error: expect.stringMatching(/is after To/) });
    expect(
      rangeFromFilters(
        filters({ preset: 'custom', from: '2026-11-25', fromTime: '10:00', to: '2026-11-25', toTime: '10:00' }),
      ),
    ).toEqual({ error: expect.stringMatching(/same moment/) });
    // The same day, no times: that whole day.
    expect(rangeFromFilters(filters({ preset: 'custom', from: '2026-11-25', to: '2026-11-25' }))).toMatchObject({
      range: { kind: 'absolute' },
    });
  });

  it('refuses a date that is not on the calendar', () => {
    expect(rangeFromFilters(filters({ preset: 'custom', from: '2026-02-30' }))).toEqual({
      error: expect.stringMatching(/not a calendar date/),
    });
  });
});

describe('queryFromFilters', () => {
  it('builds the query the parser would', () => {
    expect(
      queryFromFilters(
        filters({
          user: '147',
          results: ['Interrupt'],
          callTypes: ['MultiCall'],
          mediaTypes: ['Audio'],
          preset: 'last_7d',
        }),
      ),
    ).toEqual({
      ok: true,
      query: {
        users: ['147'],
        results: ['Interrupt'],
        callTypes: ['MultiCall'],
        mediaTypes: ['Audio'],
        range: { kind: 'retained' },
      },
    });
  });

  it('reports the user and range problems together, each for its control', () => {
    expect(queryFromFilters(filters({ user: 'a b/c', preset: 'custom' }))).toEqual({
      ok: false,
      errors: { user: expect.stringContaining('"b/c"'), range: expect.stringContaining('From date') },
    });
  });
});

describe('pinHomeFilters', () => {
  it('pins presets at now in the zone', async () => {
    expect(await pinHomeFilters(filters({ preset: 'last_hour' }), NOW, 'UTC')).toMatchObject({
      ok: true,
      pinned: { from: NOW - 3600, to: NOW, timeZone: 'UTC' },
      notices: [],
    });
    const today = await pinHomeFilters(filters({ preset: 'today' }), NOW, 'Asia/Tokyo');
    // 21:00 in Tokyo: today began at 15:00 UTC the day before.
    expect(today).toMatchObject({ ok: true, pinned: { from: Date.UTC(2026, 10, 26, 15) / 1000, to: NOW } });
  });

  it('pins a custom range in the zone, the To date included whole', async () => {
    const pinned = await pinHomeFilters(
      filters({ preset: 'custom', from: '2026-11-25', fromTime: '09:30', to: '2026-11-26' }),
      NOW,
      'Europe/Berlin',
    );
    expect(pinned).toMatchObject({
      ok: true,
      pinned: { from: Date.UTC(2026, 10, 25, 8, 30) / 1000, to: Date.UTC(2026, 10, 26, 23) / 1000 },
    });
  });

  it('refuses a range older than what the store keeps, or in the future, as a range error', async () => {
    expect(
      await pinHomeFilters(filters({ preset: 'custom', from: '2026-11-01', to: '2026-11-02' }), NOW, 'UTC', 7),
    ).toEqual({
      ok: false,
      errors: { range: expect.stringMatching(/kept for 7 days/) },
      reason: 'invalid-range',
    });
    expect(await pinHomeFilters(filters({ preset: 'custom', from: '2026-12-01' }), NOW, 'UTC')).toEqual({
      ok: false,
      errors: { range: expect.stringMatching(/in the future/) },
      reason: 'invalid-range',
    });
  });

  it('answers a range past Tencent’s 7 days from the store, and offers the last 30 days', async () => {
    expect(await pinHomeFilters(filters({ preset: 'custom', from: '2026-11-01' }), NOW, 'UTC', 90)).toMatchObject({
      ok: true,
      notices: [],
    });
    expect(await pinHomeFilters(filters({ preset: 'last_30d' }), NOW, 'UTC', 90)).toMatchObject({
      ok: true,
      pinned: { from: NOW - 30 * 86_400, to: NOW },
    });
  });

  it('cuts a range that starts before what is kept, with a notice', async () => {
    const pinned = await pinHomeFilters(filters({ preset: 'custom', from: '2026-11-01' }), NOW, 'UTC', 7);
    expect(pinned).toMatchObject({ ok: true, pinned: { from: NOW - 7 * 86_400, to: NOW } });
    expect(pinned.ok && pinned.notices[0]).toMatch(/7 days/);
  });

  it('never pins bad input', async () => {
    expect(await pinHomeFilters(filters({ user: '<@U1>' }), NOW, 'UTC')).toMatchObject({
      ok: false,
      errors: { user: expect.any(String) },
      reason: 'invalid',
    });
  });

  it('turns a name in the user box into the users it matches, and says who; no match is a user error', async () => {
    const names: NameDirectory = {
      namesOf: async () => new Map(),
      findUsersByName: async (text) =>
        nameSearchKey('José Núñez').includes(nameSearchKey(text)) ? [{ userId: '3423', name: 'José Núñez' }] : [],
    };
    const pinned = await pinHomeFilters(
      filters({ user: 'name:"jose"', preset: 'last_hour' }),
      NOW,
      'UTC',
      undefined,
      names,
    );
    expect(pinned).toMatchObject({
      ok: true,
      pinned: { users: ['3423'] },
      notices: ['name:"jose" matched José Núñez (`3423`).'],
    });
    const accented = await pinHomeFilters(
      filters({ user: 'Núñez', preset: 'last_hour' }),
      NOW,
      'UTC',
      undefined,
      names,
    );
    expect(accented).toMatchObject({ ok: true, pinned: { users: ['3423'] } });
    expect(
      await pinHomeFilters(filters({ user: 'name:zed', preset: 'last_hour' }), NOW, 'UTC', undefined, names),
    ).toMatchObject({
      ok: false,
      errors: { user: expect.stringContaining('No user\'s name contains "zed"') },
      reason: 'names-unmatched',
    });
  });
});
