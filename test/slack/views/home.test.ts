import type { ActionsBlock, Button, InputBlock, KnownBlock } from '@slack/types';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_HOME_FILTERS,
  decodeHomePage,
  decodeHomeState,
  type HomeFilters,
} from '../../../src/slack/state/home-state.js';
import { type HomeViewModel, renderHomeRefusal, renderHomeView } from '../../../src/slack/views/home.js';
import { assertViewWithinLimits } from '../../../src/slack/views/limits.js';
import { bigGroup, NOW, query, searchPage, worstRecords } from './fixtures.js';

const filters: HomeFilters = {
  user: '147',
  results: ['Interrupt', 'Offline'],
  callTypes: ['MultiCall'],
  mediaTypes: [],
  preset: 'custom',
  from: '2026-11-20',
  fromTime: '09:00',
  to: '2026-11-21',
};

function model(over: Partial<HomeViewModel> = {}): HomeViewModel {
  return { filters, demo: false, timeZone: 'Asia/Shanghai', now: NOW, ...over };
}

function block(blocks: KnownBlock[], id: string): KnownBlock | undefined {
  return blocks.find((b) => b.block_id === id);
}

function ids(blocks: KnownBlock[]): string[] {
  return blocks.map((b) => b.block_id ?? b.type);
}

function buttons(blocks: KnownBlock[]): Button[] {
  return blocks
    .filter((b): b is ActionsBlock => b.type === 'actions')
    .flatMap((b) => b.elements.filter((e): e is Button => e.type === 'button'));
}

describe('the controls', () => {
  const view = renderHomeView(model());

  it('is a home view with its callback_id', () => {
    expect(view.type).toBe('home');
    expect(view.callback_id).toBe('calls_home');
  });

  it('has every filter control, in input blocks with the agreed ids, showing the current filters', () => {
    const element = (id: string) =>
      (block(view.blocks, id) as InputBlock).element as unknown as Record<string, unknown>;
    expect(element('home_user')).toMatchObject({ type: 'plain_text_input', action_id: 'user', initial_value: '147' });
    const results = element('home_results');
    expect(results).toMatchObject({ type: 'multi_static_select', action_id: 'results' });
    expect((results.options as { value: string }[]).map((o) => o.value)).toEqual([
      'NormalEnd',
      'Cancel',
      'Reject',
      'NotAnswer',
      'CallBusy',
      'Interrupt',
      'Offline',
    ]);
    expect((results.initial_options as { value: string }[]).map((o) => o.value)).toEqual(['Interrupt', 'Offline']);
    expect(element('home_type')).toMatchObject({
      type: 'static_select',
      action_id: 'type',
      initial_option: { value: 'MultiCall' },
    });
    expect(element('home_media')).toMatchObject({ action_id: 'media', initial_option: { value: 'any' } });
    expect(element('home_preset')).toMatchObject({ action_id: 'preset', initial_option: { value: 'custom' } });
    expect(element('home_from')).toEqual({ type: 'datepicker', action_id: 'date', initial_date: '2026-11-20' });
    expect(element('home_from_time')).toEqual({
      type: 'timepicker',
      action_id: 'time',
      initial_time: '09:00',
      timezone: 'Asia/Shanghai',
    });
    expect(element('home_to')).toEqual({ type: 'datepicker', action_id: 'date', initial_date: '2026-11-21' });
    expect(element('home_to_time')).toEqual({ type: 'timepicker', action_id: 'time', timezone: 'Asia/Shanghai' });
  });

  it('has Search (primary) and Clear', () => {
    expect(block(view.blocks, 'home_actions')).toMatchObject({
      elements: [
        { action_id: 'home_search', style: 'primary', text: { text: 'Search' } },
        { action_id: 'home_clear', text: { text: 'Clear' } },
      ],
    });
  });

  it('keeps the filters in private_metadata', () => {
    expect(decodeHomeState(view.private_metadata)).toEqual({ ok: true, state: { filters } });
  });

  it('without a search, invites one', () => {
    expect(JSON.stringify(view.blocks.at(-1))).toContain('press *Search*');
  });
});

describe('the controls across publishes', () => {
  // Slack keeps what an input shows while its block_id stays the same, and ignores a new initial value: Clear (and
  // "Other calls of …") only show their filters if every control comes under a block_id of its own.
  it('get block_ids of their own with each controlsKey, so Slack draws them from the new initial values', () => {
    const searched = renderHomeView(model({ controlsKey: 'k1' }));
    const cleared = renderHomeView(model({ filters: DEFAULT_HOME_FILTERS, controlsKey: 'k2' }));
    const inputIds = (blocks: KnownBlock[]) => blocks.filter((b) => b.type === 'input').map((b) => b.block_id);
    const before = inputIds(searched.blocks);
    const after = inputIds(cleared.blocks);
    expect(before).toHaveLength(9);
    expect(before).toContain('home_user.k1');
    expect(after).toContain('home_user.k2');
    for (const id of after) expect(before).not.toContain(id);
    // The cleared user box has no initial value left to show.
    const user = block(cleared.blocks, 'home_user.k2') as InputBlock;
    expect(user.element).not.toHaveProperty('initial_value');
    // Errors still sit right under their control.
    const withError = ids(renderHomeView(model({ controlsKey: 'k3', errors: { user: 'bad' } })).blocks);
    expect(withError[withError.indexOf('home_user.k3') + 1]).toBe('home_user_error');
  });
});

describe('errors', () => {
  it('appear right under the control they concern', () => {
    const { blocks } = renderHomeView(
      model({
        errors: { user: '"a b" is not a user ID', range: 'From is after To', general: 'Tencent is not answering' },
      }),
    );
    const order = ids(blocks);
    expect(order[order.indexOf('home_user') + 1]).toBe('home_user_error');
    expect(order[order.indexOf('home_to_time') + 1]).toBe('home_range_error');
    expect(order[order.indexOf('home_actions') + 1]).toBe('home_general_error');
    expect(block(blocks, 'home_user_error')).toMatchObject({
      type: 'context',
      elements: [{ text: ':warning: "a b" is not a user ID' }],
    });
  });
});

describe('the glance', () => {
  it('gives the last 24 hours in one line', () => {
    const { blocks } = renderHomeView(model({ glance: { calls: 1234, interrupted: 37, rate: 37 / 1234 } }));
    expect(block(blocks, 'home_glance')).toMatchObject({
      text: { text: '*Last 24 hours:* 1,234 calls · 37 interrupted (3.0%)' },
    });
    const withOffline = renderHomeView(model({ glance: { calls: 4, interrupted: 0, offline: 2, rate: 0.5 } }));
    expect(block(withOffline.blocks, 'home_glance')).toMatchObject({
      text: { text: '*Last 24 hours:* 4 calls · 2 interrupted (50.0%): Interrupt 0 · Offline 2' },
    });
  });

  it('says why when it is unavailable', () => {
    const { blocks } = renderHomeView(model({ glance: { unavailable: 'Tencent did not answer in time.' } }));
    expect(JSON.stringify(block(blocks, 'home_glance'))).toContain('Tencent did not answer in time.');
    expect(block(blocks, 'home_store')).toBeUndefined();
  });
});

describe('the store footer', () => {
  const glance = { calls: 4, interrupted: 0, offline: 2, rate: 0.5 };
  const lastSyncAt = Math.floor(NOW / 1000) - 60;

  it('says when the store last synced with Tencent, last in the view, with or without results', () => {
    const store = { lastSyncAt, invalidRecords: 0, syncFailing: false, backfillDone: true };
    for (const over of [{}, { page: searchPage() }]) {
      const { blocks } = renderHomeView(model({ glance: { ...glance, store }, ...over }));
      expect(blocks.at(-1)?.block_id).toBe('home_store');
      const text = JSON.stringify(block(blocks, 'home_store'));
      expect(text).toContain(`Call-record store last synced with Tencent <!date^${lastSyncAt}^`);
      expect(text).not.toMatch(/failing|unreadable|first download/);
    }
  });

  it('tells operators about a first download still running, a failing sync and unreadable records', () => {
    const store = { lastSyncAt: null, invalidRecords: 1234, syncFailing: true, backfillDone: false };
    const text = JSON.stringify(block(renderHomeView(model({ glance: { ...glance, store } })).blocks, 'home_store'));
    expect(text).toContain('Call-record store: not synced with Tencent yet');
    expect(text).toContain('first download from Tencent still running');
    expect(text).toContain('the sync is failing (a search says why)');
    expect(text).toContain('1,234 unreadable Tencent records skipped');
  });
});

describe('results', () => {
  it('use the result layout, with Home paging and no Share', () => {
    const view = renderHomeView(model({ page: searchPage({ page: 2, pageCount: 3 }) }));
    const all = JSON.stringify(view.blocks);
    expect(all).toContain('*12 calls*: all calls of `147`');
    expect(all).toContain(':warning: Video call from `147` to `369` interrupted after 2m 10s');
    const ids = buttons(view.blocks).map((b) => b.action_id);
    expect(ids).toEqual(['home_search', 'home_clear', 'home_page_prev', 'home_page_next']);
    expect(ids).not.toContain('calls_share');
    const [prev, next] = buttons(view.blocks).slice(2);
    expect(decodeHomePage(prev.value ?? '')).toBe(1);
    expect(decodeHomePage(next.value ?? '')).toBe(3);
    expect(view.blocks.find((b) => b.type === 'section' && b.accessory)).toMatchObject({
      accessory: { action_id: 'home_details', value: bigGroup.callId },
    });
  });

  it('keep the pinned query and page in private_metadata', () => {
    const view = renderHomeView(model({ page: searchPage({ page: 2, pageCount: 3 }) }));
    expect(decodeHomeState(view.private_metadata)).toEqual({
      ok: true,
      state: { filters, search: { query, page: 2 } },
    });
  });

  it('page 1 of 1: no paging buttons', () => {
    const view = renderHomeView(model({ page: searchPage({ pageCount: 1, total: 6 }) }));
    expect(buttons(view.blocks).map((b) => b.action_id)).toEqual(['home_search', 'home_clear']);
  });

  it('say they are demo data in demo mode', () => {
    expect(JSON.stringify(renderHomeView(model({ demo: true })).blocks)).toContain('*Demo data*');
  });
});

describe('refused', () => {
  it('says why and nothing else, keeping the channel links of the app’s own sentence', () => {
    const view = renderHomeRefusal('Searches are limited to <#C0SUPPORT1>.', { demo: false });
    expect(view.blocks).toEqual([
      {
        type: 'section',
        block_id: 'home_refused',
        text: { type: 'mrkdwn', text: ':lock: Searches are limited to <#C0SUPPORT1>.' },
      },
    ]);
    expect(view.private_metadata).toBe('');
    assertViewWithinLimits(view);
  });

  it('says it is demo data in demo mode, like every other view', () => {
    const view = renderHomeRefusal('You are not allowed to search call records.', { demo: true });
    expect(view.blocks).toHaveLength(2);
    expect(JSON.stringify(view.blocks[1])).toContain('*Demo data*');
  });
});

describe('limits, whatever the input', () => {
  const notices = Array.from({ length: 15 }, (_, i) => `Notice ${i}: ${'n'.repeat(2000)}`);
  const huge = 'x'.repeat(5000);

  it.each([20, 100, 150])('%i worst-case calls, every error, glance and demo', (count) => {
    const view = renderHomeView(
      model({
        demo: true,
        errors: { user: huge, range: huge, general: huge },
        glance: { calls: 1e9, interrupted: 1e8, offline: 1e7, rate: 0.1 },
        page: searchPage({ records: worstRecords(count), notices, page: 3, pageCount: 9, total: 900 }),
      }),
    );
    assertViewWithinLimits(view);
    expect(view.blocks.length).toBeLessThanOrEqual(100);
  });

  it('a search whose query cannot be kept: results without paging, filters still kept', () => {
    const users = Array.from({ length: 40 }, (_, i) => `user${i}`);
    const view = renderHomeView(model({ page: searchPage({ query: { ...query, users } }) }));
    assertViewWithinLimits(view);
    expect(JSON.stringify(view.blocks)).toContain('Paging is not available');
    expect(decodeHomeState(view.private_metadata)).toEqual({ ok: true, state: { filters } });
  });

  it('property: any filters, as typed, render within limits and keep a readable state', () => {
    const anyFilters = fc.record({
      user: fc.string({ maxLength: 2000, unit: 'binary' }),
      results: fc.array(fc.constantFrom('Interrupt', 'Offline', 'Exploded', 'NormalEnd')),
      callTypes: fc.array(fc.constantFrom('SingleCall', 'MultiCall', 'Conference')),
      mediaTypes: fc.array(fc.constantFrom('Audio', 'Video', 'Hologram')),
      preset: fc.constantFrom('last_hour', 'today', 'custom', 'forever'),
      from: fc.string({ maxLength: 12 }),
      fromTime: fc.string({ maxLength: 6 }),
    });
    fc.assert(
      fc.property(anyFilters, fc.string({ maxLength: 40 }), (f, zone) => {
        const view = renderHomeView(
          model({ filters: f as unknown as HomeFilters, timeZone: zone, page: searchPage() }),
        );
        assertViewWithinLimits(view);
        expect(decodeHomeState(view.private_metadata).ok).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it('the default filters', () => {
    assertViewWithinLimits(renderHomeView(model({ filters: DEFAULT_HOME_FILTERS })));
  });
});
