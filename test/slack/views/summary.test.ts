import { describe, expect, it } from 'vitest';
import { localHours } from '../../../src/calls/daily-stats.js';
import type { DailySummary } from '../../../src/calls/daily-summary.js';
import { dayBounds } from '../../../src/calls/time-range.js';
import { assertWithinLimits, LIMITS } from '../../../src/slack/views/limits.js';
import {
  changeLine,
  renderDailySummary,
  renderSummaryText,
  SUMMARY_SHOW_INTERRUPTED_ACTION,
} from '../../../src/slack/views/summary.js';

/** The Berlin day of test/calls/daily-summary.test.ts, as collectDailySummary returns it. */
function berlinSummary(over: Partial<DailySummary> = {}): DailySummary {
  const date = over.date ?? '2026-11-25';
  const timeZone = over.timeZone ?? 'Europe/Berlin';
  const { from, to } = dayBounds(date, timeZone);
  const hourly = localHours(from, to, timeZone);
  const drops: Record<number, [number, number]> = { 0: [0, 1], 9: [3, 1], 14: [1, 0], 23: [1, 0] };
  const calls = [2, 2, 1, 1, 1, 2, 1, 1, 1, 5, 3, 1, 1, 1, 2, 2, 1, 1, 1, 1, 0, 1, 1, 1];
  for (const hour of hourly) {
    const [interrupted, offline] = drops[hour.index] ?? [0, 0];
    Object.assign(hour, { interrupted, offline, dropped: interrupted + offline, calls: calls[hour.index] ?? 0 });
  }
  return {
    date,
    timeZone,
    from,
    to,
    totalCalls: 34,
    interrupted: 5,
    offline: 2,
    dropped: 7,
    interruptedShare: 7 / 34,
    previousDay: { date: '2026-11-24', totalCalls: 14, interrupted: 3, offline: 1, dropped: 4 },
    change: { absolute: 3, relative: 0.75 },
    split: { audio: 4, video: 3, single: 5, group: 2 },
    topUsers: [
      { user: '147', count: 6 },
      { user: '369', count: 3 },
      { user: '3423', count: 2 },
      { user: '10001', count: 2 },
      { user: 'alice', count: 2 },
    ],
    peakHour: hourly[9] ?? null,
    hourly,
    notices: [],
    ...over,
  };
}

function quietSummary(over: Partial<DailySummary> = {}): DailySummary {
  const base = berlinSummary();
  for (const hour of base.hourly) Object.assign(hour, { interrupted: 0, offline: 0, dropped: 0 });
  return berlinSummary({
    hourly: base.hourly,
    interrupted: 0,
    offline: 0,
    dropped: 0,
    interruptedShare: 0,
    change: { absolute: -4, relative: -1 },
    split: { audio: 0, video: 0, single: 0, group: 0 },
    topUsers: [],
    peakHour: null,
    ...over,
  });
}

const ctx = { demo: false, showButtonValue: '{"q":"day"}' };

/** Every text of the message, joined, to look for sentences. */
function allText(message: { blocks: unknown[] }): string {
  return JSON.stringify(message.blocks);
}

describe('renderDailySummary', () => {
  it('states the day, the interrupted calls, their share, the total and the change', () => {
    const message = renderDailySummary(berlinSummary(), ctx);
    assertWithinLimits(message.blocks, { maxBlocks: LIMITS.messageBlocks });
    const [header, headline, fields] = message.blocks as [
      { type: string; text: { text: string } },
      { type: string; text: { text: string } },
      { type: string; fields: { text: string }[] },
    ];
    expect(header).toEqual({
      type: 'header',
      text: { type: 'plain_text', text: 'Interrupted calls, Wed 25 Nov 2026' },
    });
    expect(headline.text.text).toBe(
      '*7 interrupted calls* on Wed 25 Nov 2026 (Europe/Berlin): *20.6%* of all 34 calls.\nInterrupt 5 · Offline 2',
    );
    expect(fields.fields.map((f) => f.text)).toEqual([
      '*Against the day before*\n▲ 3 (+75.0%) from 4 on 2026-11-24 (28.6% of 14 calls)',
      '*Peak hour*\n09:00 (4 interrupted calls)',
      '*Audio / video*\n4 / 3',
      '*1:1 / group*\n5 / 2',
      '*Most affected users*\n`147` ×6, `369` ×3, `3423` ×2, `10001` ×2, `alice` ×2',
    ]);
    expect(message.text).toBe(
      'Wed 25 Nov 2026 (Europe/Berlin): 7 interrupted calls (Interrupt 5, Offline 2), 20.6% of 34 calls; ' +
        'against the day before: ▲ 3 (+75.0%) from 4 on 2026-11-24 (28.6% of 14 calls); ' +
        'peak hour 09:00 (4 interrupted calls).',
    );
    expect(allText(message)).not.toContain('Demo');
  });

  it('names the same day on a host far east of UTC', () => {
    const hostZone = process.env.TZ;
    process.env.TZ = 'Pacific/Kiritimati'; // UTC+14: local noon is the day before in UTC
    try {
      const message = renderDailySummary(berlinSummary(), ctx);
      expect(message.blocks[0]).toMatchObject({ text: { text: 'Interrupted calls, Wed 25 Nov 2026' } });
      expect(renderSummaryText(berlinSummary())).toContain('Wed 25 Nov 2026');
    } finally {
      process.env.TZ = hostZone;
    }
  });

  it('has a "Show interrupted calls" button carrying the caller’s value', () => {
    const message = renderDailySummary(berlinSummary(), ctx);
    const actions = message.blocks.find((b) => b.type === 'actions');
    expect(actions).toEqual({
      type: 'actions',
      elements: [
        {
          type: 'button',
          action_id: SUMMARY_SHOW_INTERRUPTED_ACTION,
          text: { type: 'plain_text', text: 'Show interrupted calls' },
          value: '{"q":"day"}',
        },
      ],
    });
    expect(SUMMARY_SHOW_INTERRUPTED_ACTION).toBe('summary_show_interrupted');
  });

  it('labels demo data', () => {
    const message = renderDailySummary(berlinSummary(), { ...ctx, demo: true });
    expect(message.text.startsWith('[Demo data] ')).toBe(true);
    expect(allText(message)).toContain('Demo data: generated calls, not real ones.');
    const quiet = renderDailySummary(quietSummary(), { ...ctx, demo: true });
    expect(quiet.text.startsWith('[Demo data] ')).toBe(true);
    expect(allText(quiet)).toContain('Demo data');
  });

  it('shows a fall, a rise from zero, no change and a missing day before', () => {
    const fall = berlinSummary({ change: { absolute: -2, relative: -2 / 9 }, previousDay: { ...prev(), dropped: 9 } });
    expect(changeLine(fall)).toBe('▼ 2 (−22.2%) from 9 on 2026-11-24 (64.3% of 14 calls)');
    const fromZero = berlinSummary({ change: { absolute: 7, relative: null }, previousDay: { ...prev(), dropped: 0 } });
    expect(changeLine(fromZero)).toBe('▲ 7 (n/a) from 0 on 2026-11-24 (0.0% of 14 calls)');
    const same = berlinSummary({ change: { absolute: 0, relative: 0 }, previousDay: { ...prev(), dropped: 7 } });
    expect(changeLine(same)).toBe('no change from 7 on 2026-11-24 (50.0% of 14 calls)');
    const none = berlinSummary({ change: null, previousDay: null });
    expect(changeLine(none)).toMatch(/^n\/a/);
    expect(allText(renderDailySummary(none, ctx))).toContain('n/a');
  });

  it('gives a quiet, short message with no button on a day without interruptions', () => {
    const message = renderDailySummary(quietSummary(), ctx);
    assertWithinLimits(message.blocks, { maxBlocks: LIMITS.messageBlocks });
    expect(message.blocks.length).toBeLessThanOrEqual(2);
    expect(message.blocks.some((b) => b.type === 'actions' || b.type === 'header')).toBe(false);
    expect(message.text).toBe(
      'No interrupted calls on Wed 25 Nov 2026 (Europe/Berlin): none of the 34 calls ended Interrupt or Offline.',
    );
    expect(allText(message)).toContain('The day before had 4 interrupted calls.');

    const empty = renderDailySummary(quietSummary({ totalCalls: 0, previousDay: null, change: null }), ctx);
    expect(empty.blocks).toHaveLength(1);
    expect(empty.text).toBe('No calls and no interrupted calls on Wed 25 Nov 2026 (Europe/Berlin).');
  });

  it('repeats the notices', () => {
    const message = renderDailySummary(
      berlinSummary({ notices: ['This day is not over yet: the numbers cover it up to now.'] }),
      ctx,
    );
    const text = allText(message);
    expect(text).toContain('This day is not over yet');
  });

  it('stays within Block Kit limits and escapes user IDs on worst-case input', () => {
    const odd = ['<@U123>', 'a`b&c', 'x'.repeat(5000), '<!channel>', `${'é'.repeat(40)}`];
    const message = renderDailySummary(
      berlinSummary({
        topUsers: odd.map((user, i) => ({ user, count: 1_000_000 - i })),
        notices: Array.from({ length: 40 }, () => 'n'.repeat(200)),
        timeZone: 'America/Argentina/ComodRivadavia',
      }),
      { demo: true, showButtonValue: 'v'.repeat(1999) },
    );
    assertWithinLimits(message.blocks, { maxBlocks: LIMITS.messageBlocks });
    expect(message.text.length).toBeLessThanOrEqual(LIMITS.sectionText);
    const text = allText(message);
    expect(text).not.toContain('<@U123>');
    expect(text).not.toContain('<!channel>');
    expect(text).toContain('&lt;@U123&gt;');
    expect(text).toContain('aˋb&amp;c');
  });
});

describe('renderSummaryText', () => {
  it('prints the key numbers and an hourly table for a terminal', () => {
    const text = renderSummaryText(berlinSummary());
    expect(text).toContain('Daily call summary: Wed 25 Nov 2026 (Europe/Berlin)');
    expect(text).toContain('Interrupted:   7 of 34 calls (20.6%): Interrupt 5, Offline 2');
    expect(text).toContain('Day before:    ▲ 3 (+75.0%) from 4 on 2026-11-24 (28.6% of 14 calls)');
    expect(text).toContain('Audio / video: 4 / 3');
    expect(text).toContain('1:1 / group:   5 / 2');
    expect(text).toContain('Most affected: 147 ×6, 369 ×3, 3423 ×2, 10001 ×2, alice ×2');
    expect(text).toContain('Peak hour:     09:00 (4 interrupted calls)');
    const rows = text.split('\n').filter((line) => /^\d\d:00/.test(line));
    expect(rows).toHaveLength(24);
    expect(rows[9]).toMatch(/^09:00\s+5\s+4 █+$/);
    expect(rows[10]).toMatch(/^10:00\s+3\s+0\s*$/);
    expect(text).not.toContain('Upstream requests');
    expect(text).not.toMatch(/[*`]/);
  });

  it('labels the hours of a fall-back day, with the calls of each', () => {
    const summary = berlinSummary({ date: '2026-11-01', timeZone: 'America/New_York' });
    summary.hourly.forEach((hour, i) => {
      hour.calls = i;
    });
    const text = renderSummaryText(summary);
    const rows = text.split('\n').filter((line) => /^\d\d:00/.test(line));
    expect(rows).toHaveLength(25);
    expect(rows[2]).toMatch(/^01:00 \(2nd\)\s+2\s+0/);
    expect(text).toContain('Calls  Interrupted+Offline');
  });

  it('is short on a quiet day', () => {
    const text = renderSummaryText(quietSummary());
    expect(text).toContain('No interrupted calls on Wed 25 Nov 2026 (Europe/Berlin): none of the 34 calls ended');
    expect(text).toContain('Day before (2026-11-24): ▼ 4 (−100.0%) from 4');
  });
});

function prev() {
  return { date: '2026-11-24', totalCalls: 14, interrupted: 3, offline: 1, dropped: 4 };
}
