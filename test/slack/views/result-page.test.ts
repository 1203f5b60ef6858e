import type { ActionsBlock, Button, KnownBlock } from '@slack/types';
import { describe, expect, it } from 'vitest';
import type { CallRecord } from '../../../src/calls/records.js';
import { decodePageButton } from '../../../src/slack/state/button-state.js';
import { assertWithinLimits } from '../../../src/slack/views/limits.js';
import { renderResultPage } from '../../../src/slack/views/result-page.js';
import { bigGroup, NOW, query, searchPage, worstRecords } from './fixtures.js';

const ctx = { demo: false, timeZone: 'Asia/Shanghai', now: NOW };

function allText(blocks: KnownBlock[]): string {
  return JSON.stringify(blocks);
}

function buttons(blocks: KnownBlock[]): Button[] {
  return blocks
    .filter((b): b is ActionsBlock => b.type === 'actions')
    .flatMap((b) => b.elements.filter((e): e is Button => e.type === 'button'));
}

function actionIds(blocks: KnownBlock[]): string[] {
  return buttons(blocks).map((b) => b.action_id ?? '');
}

function firstLine(blocks: KnownBlock[]): string {
  const first = blocks[0];
  return first.type === 'section' && first.text ? first.text.text : '';
}

describe('the first line', () => {
  it('gives the count, the query in words with its range, and the page', () => {
    expect(firstLine(renderResultPage(searchPage(), ctx).blocks)).toBe(
      '*12 calls*: all calls of `147`, Nov 20, 12:00 – Nov 21, 12:00 (Asia/Shanghai) · page 1 of 2',
    );
  });

  it('says "1 call" and "No calls found"', () => {
    const one = renderResultPage(searchPage({ total: 1, pageCount: 1, records: [bigGroup] }), ctx);
    expect(firstLine(one.blocks)).toMatch(/^\*1 call\*: .* · page 1 of 1$/);
    const none = renderResultPage(searchPage({ total: 0, pageCount: 0, records: [] }), ctx);
    expect(firstLine(none.blocks)).toBe(
      '*No calls found*: all calls of `147`, Nov 20, 12:00 – Nov 21, 12:00 (Asia/Shanghai)',
    );
    expect(none.text).toBe('No calls found');
    expect(none.blocks.some((b) => b.type === 'actions' || b.type === 'divider')).toBe(false);
  });

  it('shows notices as a context line', () => {
    const { blocks } = renderResultPage(
      searchPage({ notices: ['Tencent keeps 7 days: the range starts Nov 14.'] }),
      ctx,
    );
    expect(blocks[1]).toEqual({
      type: 'context',
      block_id: 'calls_notices_p1',
      elements: [{ type: 'mrkdwn', text: ':information_source: Tencent keeps 7 days: the range starts Nov 14.' }],
    });
  });
});

describe('each call', () => {
  it('is led by its sentence and emoji, with the start time for every reader', () => {
    const text = allText(renderResultPage(searchPage(), ctx).blocks);
    expect(text).toContain(':warning: Video call from `147` to `369` interrupted after 2m 10s');
    expect(text).toContain('<!date^1795142400^{date_short_pretty} at {time}|Nov 20, 2026 at 10:40 GMT+8>');
    expect(text).toContain(':grey_question: Video call from `147` to `369` ended with result `Exploded`');
  });

  it('writes the fallback times in the reader’s zone', () => {
    const text = allText(renderResultPage(searchPage(), { ...ctx, timeZone: 'America/New_York' }).blocks);
    expect(text).toContain('|Nov 19, 2026 at 21:40 GMT-5>');
  });
});

describe('buttons', () => {
  it('page 1 of 2: Next and Share, no Previous; the values carry the query, the page and its anchor', () => {
    const page = searchPage();
    const last = page.records[page.records.length - 1] as CallRecord;
    const { blocks } = renderResultPage(page, ctx);
    expect(actionIds(blocks)).toEqual(['calls_page_next', 'calls_share']);
    const [next, share] = buttons(blocks);
    // Next: the calls after the last one on screen.
    const after = { startTime: last.startTime, callId: last.callId };
    expect(decodePageButton(next.value ?? '')).toEqual({ ok: true, state: { query, page: 2, anchor: { after } } });
    // Share: this page, found as it was (here by position).
    expect(decodePageButton(share.value ?? '')).toEqual({ ok: true, state: { query, page: 1 } });
  });

  it('last page: Previous (anchored on the first call shown) and Share (with the anchor that found it), no Next', () => {
    const page = searchPage({ page: 2 });
    const first = page.records[0] as CallRecord;
    const anchor = { after: { startTime: first.startTime + 60, callId: 'the-call-before' } };
    const { blocks } = renderResultPage({ ...page, anchor }, ctx);
    expect(actionIds(blocks)).toEqual(['calls_page_prev', 'calls_share']);
    const [prev, share] = buttons(blocks);
    const before = { startTime: first.startTime, callId: first.callId };
    expect(decodePageButton(prev.value ?? '')).toEqual({ ok: true, state: { query, page: 1, anchor: { before } } });
    expect(decodePageButton(share.value ?? '')).toEqual({ ok: true, state: { query, page: 2, anchor } });
  });

  it('a middle page has both; a single page only Share', () => {
    expect(actionIds(renderResultPage(searchPage({ page: 2, pageCount: 3 }), ctx).blocks)).toEqual([
      'calls_page_prev',
      'calls_page_next',
      'calls_share',
    ]);
    expect(actionIds(renderResultPage(searchPage({ pageCount: 1, total: 6 }), ctx).blocks)).toEqual(['calls_share']);
  });

  it('a Details button only on the group call whose callees are cut', () => {
    const { blocks } = renderResultPage(searchPage(), ctx);
    const details = blocks.filter((b) => b.type === 'section' && b.accessory);
    expect(details).toHaveLength(1);
    expect(details[0]).toMatchObject({ accessory: { action_id: 'calls_details', value: bigGroup.callId } });
  });

  it('a query no button can carry: the page still renders, without paging, and says so', () => {
    const users = Array.from({ length: 30 }, (_, i) => `user${i}`);
    const { blocks } = renderResultPage(searchPage({ query: { ...query, users } }), ctx);
    expect(actionIds(blocks)).toEqual([]);
    expect(allText(blocks)).toContain('Paging is not available for this search');
  });
});

describe('shared in a channel', () => {
  it('says who shared it and when, and is a snapshot without any button', () => {
    const { blocks } = renderResultPage(searchPage(), { ...ctx, sharedBy: 'U0123ABCD' });
    expect(blocks[1]).toMatchObject({
      type: 'context',
      elements: [
        {
          text: 'Shared by <@U0123ABCD> · as of <!date^1795233600^{date_short_pretty} at {time}|Nov 21, 2026 at 12:00 GMT+8>',
        },
      ],
    });
    expect(buttons(blocks)).toEqual([]);
    expect(blocks.some((b) => b.type === 'section' && b.accessory)).toBe(false);
  });

  it('never writes a mention from something that is not a user ID', () => {
    const { blocks } = renderResultPage(searchPage(), { ...ctx, sharedBy: '<!channel>' });
    expect(allText(blocks)).toContain('Shared by &lt;!channel&gt;');
  });
});

describe('demo mode', () => {
  it('says the message shows demo data, in the blocks and the notification text', () => {
    const { text, blocks } = renderResultPage(searchPage(), { ...ctx, demo: true });
    expect(text).toBe('12 calls (page 1 of 2) · demo data');
    expect(allText(blocks)).toContain(':test_tube: *Demo data*');
  });

  it('the notification text holds no customer data', () => {
    const { text } = renderResultPage(searchPage(), ctx);
    expect(text).toBe('12 calls (page 1 of 2)');
  });
});

describe('limits, whatever the input', () => {
  const notices = Array.from({ length: 15 }, (_, i) => `Notice ${i}: ${'n'.repeat(2000)}`);

  it.each([10, 20, 60])('%i worst-case group calls, with notices, demo and paging', (count) => {
    const page = searchPage({ records: worstRecords(count), notices, page: 5, pageCount: 9, total: 500 });
    const { blocks } = renderResultPage(page, { ...ctx, demo: true });
    assertWithinLimits(blocks, { maxBlocks: 50 });
    expect(actionIds(blocks)).toEqual(['calls_page_prev', 'calls_page_next', 'calls_share']);
  });

  it('the worst page, shared', () => {
    const page = searchPage({ records: worstRecords(60), notices });
    assertWithinLimits(renderResultPage(page, { ...ctx, demo: true, sharedBy: 'U1' }).blocks, { maxBlocks: 50 });
  });

  it('a query with 20 users of 32 characters, and an unknown zone', () => {
    const users = Array.from({ length: 20 }, (_, i) => `${String(i).padStart(2, '0')}${'u'.repeat(30)}`);
    const page = searchPage({ query: { ...query, users }, records: worstRecords(20) });
    const { blocks } = renderResultPage(page, { ...ctx, timeZone: 'Nowhere/Special' });
    assertWithinLimits(blocks, { maxBlocks: 50 });
    expect(actionIds(blocks)).toContain('calls_page_next');
  });
});
