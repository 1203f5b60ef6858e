import { TZDate } from '@date-fns/tz';
import type { types } from '@slack/bolt';
import { format } from 'date-fns';
import { breakdownSentence } from '../../calls/cause-breakdown.js';
import type { DailySummary, DayChange } from '../../calls/daily-summary.js';
import type { UserNames } from '../../calls/user-names.js';
import { escapeMrkdwn, escapeText, personLabel } from './format.js';
import { ACTION_IDS } from './ids.js';
import { LIMITS, truncate, truncateMrkdwn } from './limits.js';

type KnownBlock = types.KnownBlock;

export const SUMMARY_SHOW_INTERRUPTED_ACTION = ACTION_IDS.summaryShowInterrupted;

export interface SummaryViewContext {
  /** Demo mode: every message says it shows demo data. */
  demo: boolean;
  /** The value of the "Show interrupted calls" button, built by the caller (a pinned query of the day). */
  showButtonValue: string;
  /** Display names of the most affected users (absent or missing: IDs alone). */
  names?: UserNames;
}

export interface SummaryMessage {
  /** Notification and screen-reader fallback: carries the key numbers. */
  text: string;
  blocks: KnownBlock[];
}

const DEMO_LABEL = ':test_tube: Demo data: generated calls, not real ones.';
/** Tencent user IDs are short (≤ 32 bytes at Tencent); this only guards the layout against anything odd. */
const MAX_USER_LENGTH = 48;

/**
 * The daily summary message. The chart is uploaded separately, so every number it shows is also here.
 * A day without a single Interrupt or Offline call gets a quiet two-line message with no button.
 */
export function renderDailySummary(summary: DailySummary, ctx: SummaryViewContext): SummaryMessage {
  const day = `${longDate(summary.date)} (${summary.timeZone})`;
  const demoPrefix = ctx.demo ? '[Demo data] ' : '';

  if (summary.dropped === 0) {
    const context = [...(ctx.demo ? [DEMO_LABEL] : []), ...quietContext(summary)];
    return {
      text: truncate(`${demoPrefix}${quietSentence(summary, day)}`, LIMITS.sectionText),
      blocks: [
        section(`:white_check_mark: ${escapeMrkdwn(quietSentence(summary, day))}`),
        ...(context.length > 0 ? [contextBlock(context.map(escapeText).join('  ·  '))] : []),
      ],
    };
  }

  const headline =
    `*${count(summary.dropped, 'interrupted call')}* on ${escapeMrkdwn(day)}: ` +
    `*${percent(summary.interruptedShare)}* of all ${count(summary.totalCalls)}.\n` +
    `Interrupt ${summary.interrupted} · Offline ${summary.offline}`;

  const fields = [
    `*Against the day before*\n${escapeMrkdwn(changeLine(summary))}`,
    `*Peak hour*\n${escapeMrkdwn(peakLine(summary))}`,
    `*Audio / video*\n${summary.split.audio} / ${summary.split.video}`,
    `*1:1 / group*\n${summary.split.single} / ${summary.split.group}`,
    `*Most affected users*\n${summary.topUsers.map((u) => `${personLabel(u.user, ctx.names, MAX_USER_LENGTH)} ×${u.count}`).join(', ')}`,
  ].map((text) => ({ type: 'mrkdwn' as const, text: truncateMrkdwn(text, LIMITS.sectionFieldText) }));

  const notes = [...(ctx.demo ? [DEMO_LABEL] : []), ...summaryNotes(summary)];
  const blocks: KnownBlock[] = [
    {
      type: 'header',
      text: { type: 'plain_text', text: truncate(`Interrupted calls, ${longDate(summary.date)}`, LIMITS.headerText) },
    },
    section(headline),
    ...(summary.causes !== undefined && summary.causes.length > 0
      ? [section(`*By cause*\n${escapeMrkdwn(breakdownSentence(summary.causes))}`)]
      : []),
    { type: 'section', fields },
    ...(notes.length > 0 ? [contextBlock(notes.map(escapeText).join('\n'))] : []),
    {
      type: 'actions',
      elements: [
        {
          type: 'button',
          action_id: SUMMARY_SHOW_INTERRUPTED_ACTION,
          text: { type: 'plain_text', text: 'Show interrupted calls' },
          value: ctx.showButtonValue,
        },
      ],
    },
  ];

  const text =
    `${demoPrefix}${day}: ${count(summary.dropped, 'interrupted call')} ` +
    `(Interrupt ${summary.interrupted}, Offline ${summary.offline}), ${percent(summary.interruptedShare)} of ` +
    `${count(summary.totalCalls)}; against the day before: ${changeLine(summary)}; peak hour ${peakLine(summary)}.`;
  return { text: truncate(text, LIMITS.sectionText), blocks };
}

/** The summary for a terminal (`npm run summary -- --dry-run`): plain text, aligned, with an hourly table. */
export function renderSummaryText(summary: DailySummary, names?: UserNames): string {
  const day = `${longDate(summary.date)} (${summary.timeZone})`;
  const lines = [`Daily call summary: ${day}`, ''];
  if (summary.dropped === 0) {
    lines.push(quietSentence(summary, day));
    if (summary.previousDay !== null) lines.push(`Day before (${summary.previousDay.date}): ${changeLine(summary)}`);
  } else {
    const rows: [string, string][] = [
      [
        'Interrupted',
        `${summary.dropped.toLocaleString('en-US')} of ${count(summary.totalCalls)} (${percent(summary.interruptedShare)}): ` +
          `Interrupt ${summary.interrupted}, Offline ${summary.offline}`,
      ],
      ['Day before', changeLine(summary)],
      ...(summary.causes !== undefined && summary.causes.length > 0
        ? [['By cause', breakdownSentence(summary.causes)] as [string, string]]
        : []),
      ['Audio / video', `${summary.split.audio} / ${summary.split.video}`],
      ['1:1 / group', `${summary.split.single} / ${summary.split.group}`],
      [
        'Most affected',
        summary.topUsers
          .map((u) => `${names?.has(u.user) ? `${names.get(u.user)} (${u.user})` : u.user} ×${u.count}`)
          .join(', '),
      ],
      ['Peak hour', peakLine(summary)],
    ];
    const width = Math.max(...rows.map(([label]) => label.length)) + 2;
    for (const [label, value] of rows) lines.push(`${`${label}:`.padEnd(width)}${value}`);
  }

  lines.push('', `${'Hour'.padEnd(12)}  ${'Calls'.padStart(13)}  Interrupted+Offline`);
  const maxDropped = Math.max(1, ...summary.hourly.map((hour) => hour.dropped));
  for (const hour of summary.hourly) {
    const calls = hour.calls.toLocaleString('en-US');
    const bar = '█'.repeat(hour.dropped === 0 ? 0 : Math.max(1, Math.round((hour.dropped / maxDropped) * 20)));
    lines.push(`${hour.label.padEnd(12)}  ${calls.padStart(13)}  ${String(hour.dropped).padStart(5)} ${bar}`);
  }
  const notes = summaryNotes(summary);
  if (notes.length > 0) lines.push('', ...notes);
  return lines.join('\n');
}

/** `▲ 5 (+15.6%) from 32`, `▼ 3 (−9.4%) from 32`, `no change from 32`, or `n/a` with no data for the day before. */
export function changeLine(summary: DailySummary): string {
  const previous = summary.previousDay;
  const change = summary.change;
  if (previous === null || change === null) return 'n/a (the day before is older than stored history)';
  const from = `from ${previous.dropped} on ${previous.date} (${percent(share(previous.dropped, previous.totalCalls))} of ${count(previous.totalCalls)})`;
  if (change.absolute === 0) return `no change ${from}`;
  return `${arrow(change)} ${Math.abs(change.absolute)} (${relative(change)}) ${from}`;
}

function arrow(change: DayChange): string {
  return change.absolute > 0 ? '▲' : '▼';
}

function relative(change: DayChange): string {
  if (change.relative === null) return 'n/a';
  const value = Math.abs(change.relative * 100).toFixed(1);
  return `${change.relative > 0 ? '+' : '−'}${value}%`;
}

function peakLine(summary: DailySummary): string {
  const peak = summary.peakHour;
  return peak === null ? 'none' : `${peak.label} (${count(peak.dropped, 'interrupted call')})`;
}

function quietSentence(summary: DailySummary, day: string): string {
  return summary.totalCalls === 0
    ? `No calls and no interrupted calls on ${day}.`
    : `No interrupted calls on ${day}: none of the ${count(summary.totalCalls)} ended Interrupt or Offline.`;
}

function quietContext(summary: DailySummary): string[] {
  const notes = summaryNotes(summary);
  if (summary.previousDay !== null && summary.previousDay.dropped > 0) {
    notes.unshift(`The day before had ${count(summary.previousDay.dropped, 'interrupted call')}.`);
  }
  return notes;
}

function summaryNotes(summary: DailySummary): string[] {
  return [...summary.notices];
}

function section(text: string): KnownBlock {
  return { type: 'section', text: { type: 'mrkdwn', text: truncateMrkdwn(text, LIMITS.sectionText) } };
}

function contextBlock(text: string): KnownBlock {
  return { type: 'context', elements: [{ type: 'mrkdwn', text: truncateMrkdwn(text, LIMITS.sectionText) }] };
}

/** `Thu 26 Nov 2026` for a `YYYY-MM-DD` calendar date. */
function longDate(date: string): string {
  // Built from its parts: a date-time string would be read in the host's zone and can fall on another day.
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  return format(new TZDate(year, month - 1, day, 12, 'UTC'), 'EEE d MMM yyyy');
}

function count(n: number, noun = 'call'): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? noun : `${noun}s`}`;
}

function share(part: number, whole: number): number {
  return whole === 0 ? 0 : part / whole;
}

/** One decimal; a share that rounds to 0 but is not 0 reads `<0.1%`. */
function percent(value: number): string {
  if (value > 0 && value < 0.0005) return '<0.1%';
  return `${(value * 100).toFixed(1)}%`;
}
