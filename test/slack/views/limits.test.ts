import { describe, expect, it } from 'vitest';
import {
  assertViewWithinLimits,
  assertWithinLimits,
  findLimitViolations,
  truncate,
  truncateMrkdwn,
} from '../../../src/slack/views/limits.js';

describe('truncate', () => {
  it('leaves short text alone and cuts long text with an ellipsis, within the limit', () => {
    expect(truncate('hello', 5)).toBe('hello');
    expect(truncate('hello world', 6)).toBe('hello…');
    expect(truncate('hello world', 6)).toHaveLength(6);
  });

  it('never splits a surrogate pair', () => {
    const cut = truncate('ab😀😀😀', 4);
    expect(cut).toBe('ab…');
    expect(cut.length).toBeLessThanOrEqual(4);
  });
});

describe('truncateMrkdwn', () => {
  it('does not leave half a Slack token or entity at the cut', () => {
    const text = `abc <!date^1795233600^{date_short_pretty}|Nov 21> def`;
    const cut = truncateMrkdwn(text, 20);
    expect(cut).toBe('abc …');
    expect(truncateMrkdwn('abc &amp; def', 8)).toBe('abc …');
  });

  it('closes a code span it cut open', () => {
    const cut = truncateMrkdwn('CallId `0123456789abcdef`', 16);
    expect(cut.length).toBeLessThanOrEqual(16);
    expect((cut.match(/`/g) ?? []).length % 2).toBe(0);
  });
});

describe('assertWithinLimits', () => {
  const section = (text: string, blockId?: string) => ({
    type: 'section',
    block_id: blockId,
    text: { type: 'mrkdwn', text },
  });

  it('accepts a valid message', () => {
    expect(() => assertWithinLimits([section('hi', 'a'), section('there', 'b')], { maxBlocks: 50 })).not.toThrow();
  });

  it('names each broken limit', () => {
    const blocks = [
      ...Array.from({ length: 51 }, (_, i) => section('x', `b${i}`)),
      section('y'.repeat(3001)),
      section('', 'b0'),
      { type: 'context', elements: Array.from({ length: 11 }, () => ({ type: 'mrkdwn', text: 'c' })) },
      {
        type: 'actions',
        elements: [
          {
            type: 'button',
            action_id: 'a',
            text: { type: 'plain_text', text: 'x'.repeat(76) },
            value: 'v'.repeat(2001),
          },
          { type: 'button', action_id: 'a', text: { type: 'plain_text', text: 'ok' } },
        ],
      },
    ];
    const problems = findLimitViolations(blocks, { maxBlocks: 50 });
    expect(problems).toEqual(
      expect.arrayContaining([
        '55 blocks > 50',
        'blocks[51].text: text 3001 > 3000',
        'blocks[52]: duplicate block_id b0',
        'blocks[52].text: empty text',
        'blocks[53]: context elements count',
        'blocks[54].elements[0].text: text 76 > 75',
        'blocks[54].elements[0]: button value length 2001 > 2000',
        'blocks[54].elements[1]: duplicate action_id a',
      ]),
    );
    expect(() => assertWithinLimits(blocks, { maxBlocks: 50 })).toThrow(/55 blocks > 50/);
  });

  it('checks a view’s private_metadata', () => {
    expect(() => assertViewWithinLimits({ blocks: [section('x')], private_metadata: 'm'.repeat(3001) })).toThrow(
      /private_metadata 3001 > 3000/,
    );
  });
});
