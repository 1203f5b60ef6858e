import { describe, expect, it } from 'vitest';
import {
  callBlocks,
  callSection,
  callSentence,
  describeCallees,
  detailsAddSomething,
  resultEmoji,
} from '../../../src/slack/views/call-blocks.js';
import { assertWithinLimits } from '../../../src/slack/views/limits.js';
import { bigGroup, ended, exploded, interrupted, notAnswered, offline, worstRecords } from './fixtures.js';

const options = { timeZone: 'Asia/Shanghai', detailsActionId: 'calls_details', blockIdPrefix: 'c' };

function text(block: unknown): string {
  return (block as { text: { text: string } }).text.text;
}

describe('the lead sentence', () => {
  it.each([
    [ended, 'Video call from `147` to `369` ended normally after 2m 10s'],
    [interrupted, 'Video call from `147` to `369` interrupted after 2m 10s'],
    [offline, 'Group audio call from `alice_01` to `bob` and `carol` went offline after 45s'],
    [notAnswered, 'Audio call from `147` to `369` not answered (rang 30s)'],
    [bigGroup, 'Group audio call from `147` to `369`, `520` and 18 others interrupted after 10m 00s'],
    [exploded, 'Video call from `147` to `369` ended with result `Exploded` after 1m 01s'],
  ])('%#: %s', (record, sentence) => {
    expect(callSentence(record)).toBe(sentence);
  });

  it('says nothing about callees when there are none, and words unknown media plainly', () => {
    expect(callSentence({ ...ended, callees: [], mediaType: 'Hologram' })).toBe(
      'Call from `147` ended normally after 2m 10s',
    );
  });

  it('keeps IDs inside their code span and escapes what Slack would read as markup', () => {
    expect(callSentence({ ...ended, caller: 'a`b<c>&d' })).toContain('`aˋb&lt;c&gt;&amp;d`');
  });

  it('lists up to three callees by name', () => {
    expect(describeCallees(['a'])).toBe('`a`');
    expect(describeCallees(['a', 'b', 'c'])).toBe('`a`, `b` and `c`');
    expect(describeCallees(['a', 'b', 'c', 'd'])).toBe('`a`, `b` and 2 others');
  });
});

describe('emoji', () => {
  it('has one per result, and a question mark for results we do not know', () => {
    expect(resultEmoji('NormalEnd')).toBe(':white_check_mark:');
    expect(resultEmoji('Interrupt')).toBe(':warning:');
    expect(resultEmoji('Offline')).toBe(':electric_plug:');
    expect(resultEmoji('NotAnswer')).toBe(':hourglass:');
    expect(resultEmoji('Exploded')).toBe(':grey_question:');
  });
});

describe('one call', () => {
  it('shows when it started, in every reader’s zone, with a fallback in ours', () => {
    const block = callSection(ended, 0, options);
    expect(text(block)).toContain(
      '<!date^1795142400^{date_short_pretty} at {time}|Nov 20, 2026 at 10:40 GMT+8> · talked 2m 10s · rang 8s',
    );
    const ny = callSection(ended, 0, { ...options, timeZone: 'America/New_York' });
    expect(text(ny)).toContain('|Nov 19, 2026 at 21:40 GMT-5>');
  });

  it('shows the full CallId and the RoomId, copyable', () => {
    expect(text(callSection(ended, 0, options))).toContain(
      'CallId `04c9a0ac-8e38-4a19-be45-349c5ce7911b` · Room `roomid-1434`',
    );
  });

  it('says when a call never connected', () => {
    expect(text(callSection(notAnswered, 0, options))).toContain('never connected · rang 30s');
  });

  it('offers Details only where it adds something', () => {
    expect(detailsAddSomething(ended)).toBe(false);
    expect(callSection(ended, 0, options).accessory).toBeUndefined();
    expect(callSection(bigGroup, 0, options).accessory).toMatchObject({
      type: 'button',
      action_id: 'calls_details',
      value: bigGroup.callId,
    });
    expect(callSection(bigGroup, 0, { ...options, detailsActionId: null }).accessory).toBeUndefined();
  });

  it('leaves out a Details button whose CallId no button could carry', () => {
    const record = { ...bigGroup, callId: 'x'.repeat(600) };
    expect(callSection(record, 0, options).accessory).toBeUndefined();
  });
});

describe('a page of calls', () => {
  it('never uses more blocks than it is given, and says how many it left out', () => {
    const blocks = callBlocks(worstRecords(30), 10, options);
    expect(blocks).toHaveLength(10);
    expect(blocks[9]).toMatchObject({ type: 'context' });
    expect(JSON.stringify(blocks[9])).toContain('21 more calls on this page could not be shown here.');
  });

  it('stays within Block Kit limits on the worst records', () => {
    const blocks = callBlocks(worstRecords(20), 50, options);
    assertWithinLimits(blocks, { maxBlocks: 50 });
    expect(text(blocks[0])).toContain('and 18 others');
  });
});
