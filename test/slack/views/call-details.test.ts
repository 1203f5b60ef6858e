import type { ActionsBlock, KnownBlock, SectionBlock } from '@slack/types';
import { describe, expect, it } from 'vitest';
import { decodePageButton } from '../../../src/slack/state/button-state.js';
import { renderCallDetails } from '../../../src/slack/views/call-details.js';
import { assertWithinLimits } from '../../../src/slack/views/limits.js';
import { bigGroup, exploded, NOW, NOW_SECONDS, notAnswered, worstRecords } from './fixtures.js';

const ctx = { demo: false, timeZone: 'Asia/Shanghai', now: NOW, callId: bigGroup.callId };

function byId(blocks: KnownBlock[], id: string): KnownBlock | undefined {
  return blocks.find((b) => b.block_id === id);
}

function fieldTexts(blocks: KnownBlock[]): string[] {
  return ((byId(blocks, 'call_fields') as SectionBlock).fields ?? []).map((f) => f.text);
}

describe('one call, every field', () => {
  const { blocks, text } = renderCallDetails(bigGroup, ctx);

  it('leads with the sentence', () => {
    expect(byId(blocks, 'call_lead')).toMatchObject({
      text: { text: ':warning: Group audio call from `147` to `369`, `520` and 18 others interrupted after 10m 00s' },
    });
    expect(text).toBe('Group audio call interrupted');
  });

  it('shows result, kind, caller, times, ring and talk time, room', () => {
    expect(fieldTexts(blocks)).toEqual([
      '*Result*\n:warning: Interrupted (`Interrupt`)',
      '*Call*\nGroup audio call (`MultiCall`, `Audio`)',
      '*Caller*\n`147`',
      '*Started*\n<!date^1795128000^{date_short_pretty} at {time}|Nov 20, 2026 at 06:40 GMT+8>',
      '*Connected*\n<!date^1795128005^{date_short_pretty} at {time}|Nov 20, 2026 at 06:40 GMT+8>',
      '*Ended*\n<!date^1795128605^{date_short_pretty} at {time}|Nov 20, 2026 at 06:50 GMT+8>',
      '*Ring time*\n5s',
      '*Talk time*\n10m 00s',
      '*Room*\n`55012` (numeric room ID)',
    ]);
  });

  it('lists every callee and the full CallId', () => {
    const callees = (byId(blocks, 'call_callees_0') as SectionBlock).text?.text ?? '';
    expect(callees.startsWith('*Callees (20)*\n`369`, `520`, `agent-01`')).toBe(true);
    expect(callees.endsWith('`agent-18`')).toBe(true);
    expect(byId(blocks, 'call_id')).toMatchObject({ text: { text: `*CallId*\n\`${bigGroup.callId}\`` } });
  });

  it('offers the caller’s other calls over the last 7 days', () => {
    const actions = byId(blocks, 'call_actions') as ActionsBlock;
    const button = actions.elements[0];
    expect(button).toMatchObject({ action_id: 'calls_search_user', text: { text: 'Other calls of 147' } });
    const decoded = decodePageButton((button as { value: string }).value);
    expect(decoded).toEqual({
      ok: true,
      state: {
        page: 1,
        query: {
          users: ['147'],
          results: [],
          callTypes: [],
          mediaTypes: [],
          from: NOW_SECONDS - 7 * 86_400,
          to: NOW_SECONDS + 1,
          timeZone: 'Asia/Shanghai',
        },
      },
    });
  });

  it('uses the pinned query it is given for that button', () => {
    const userQuery = {
      users: ['147'],
      results: [],
      callTypes: [],
      mediaTypes: [],
      from: NOW_SECONDS - 3600,
      to: NOW_SECONDS,
      timeZone: 'UTC',
    };
    const { blocks: withQuery } = renderCallDetails(bigGroup, { ...ctx, userQuery });
    const value = ((byId(withQuery, 'call_actions') as ActionsBlock).elements[0] as { value: string }).value;
    expect(decodePageButton(value)).toEqual({ ok: true, state: { query: userQuery, page: 1 } });
  });
});

describe('other shapes of call', () => {
  it('a call that never connected', () => {
    const fields = fieldTexts(renderCallDetails(notAnswered, ctx).blocks);
    expect(fields).toContain('*Connected*\nnever');
    expect(fields).toContain('*Talk time*\n0s');
    expect(fields).toContain('*Ring time*\n30s');
  });

  it('an unknown result, shown as it came, and an unknown room ID type', () => {
    const { blocks, text } = renderCallDetails(exploded, ctx);
    expect(fieldTexts(blocks)).toContain('*Result*\n:grey_question: `Exploded`');
    expect(fieldTexts(blocks)).toContain('*Room*\n`roomid-77` (room ID type unknown)');
    expect(text).toBe('Video call Exploded');
  });

  it('in demo mode, says so', () => {
    expect(JSON.stringify(renderCallDetails(bigGroup, { ...ctx, demo: true }).blocks)).toContain('*Demo data*');
  });

  it('no button when the caller ID is not one a query can carry', () => {
    const { blocks } = renderCallDetails({ ...bigGroup, caller: 'has space' }, ctx);
    expect(blocks.some((b) => b.type === 'actions')).toBe(false);
  });
});

describe('no such call', () => {
  it('names the ID it looked for', () => {
    const { blocks } = renderCallDetails(null, { ...ctx, callId: 'nope-123', demo: true });
    expect(blocks[0]).toMatchObject({
      text: { text: 'No call with ID `nope-123`: neither the call-record store nor Tencent has it.' },
    });
    assertWithinLimits(blocks, { maxBlocks: 50 });
    expect(JSON.stringify(blocks)).toContain('*Demo data*');
  });
});

describe('limits', () => {
  it('hundreds of long callees, a 200-character CallId, a huge unknown result', () => {
    const [worst] = worstRecords(1);
    const record = {
      ...worst,
      callees: Array.from({ length: 1500 }, (_, i) => `${i}${'z'.repeat(100)}`),
    };
    const { blocks } = renderCallDetails(record, { ...ctx, demo: true });
    assertWithinLimits(blocks, { maxBlocks: 50 });
    expect(JSON.stringify(blocks)).toMatch(/and [\d,]+ more callees not shown/);
    expect(JSON.stringify(blocks)).toContain(worst.callId);
  });

  it('a 2000-character CallId asked for and not found', () => {
    assertWithinLimits(renderCallDetails(null, { ...ctx, callId: 'x'.repeat(5000) }).blocks, { maxBlocks: 50 });
  });
});
