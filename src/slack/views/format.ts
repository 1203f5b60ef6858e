/**
 * Small mrkdwn helpers shared by the views: escaping, IDs in code spans, `<!date^…>` times and counts.
 * Everything here is pure and never throws, whatever the input.
 */
import { TZDate } from '@date-fns/tz';
import type { ContextBlock, MrkdwnElement, PlainTextElement, SectionBlock } from '@slack/types';
import { format } from 'date-fns';
import type { UserNames } from '../../calls/user-names.js';
import { isValidTimeZone } from '../state/button-state.js';
import { LIMITS, truncate, truncateMrkdwn } from './limits.js';

/** Longest ID (user, room) shown in a sentence or field before it is cut with `…`. */
export const MAX_SHOWN_ID = 64;
/** Longest CallId shown in full (longer ones are cut, and the Details view is the place to read them). */
export const MAX_SHOWN_CALL_ID = 1000;

/** Escapes the three characters Slack requires escaped in mrkdwn (`&`, `<`, `>`). */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * Free text from outside the app (Tencent's values and error texts, what the person typed) for a mrkdwn field or a
 * notification text: escaped, and unable to format either: `*` and `~` become lookalikes, and backticks too when
 * they would leave a code span open.
 */
export function escapeText(text: string): string {
  const escaped = escapeMrkdwn(text).replace(/\*/g, '∗').replace(/~/g, '∼');
  return (escaped.match(/`/g) ?? []).length % 2 === 0 ? escaped : escaped.replace(/`/g, 'ˋ');
}

/** Whitespace and control characters become single spaces, so one value stays on one line. */
function oneLine(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is the point
  return text.replace(/[\s\u0000-\u001f\u007f]+/g, ' ').trim();
}

/**
 * An ID as copyable inline code: `` `147` ``. Backticks inside are replaced (they would end the span), the value is
 * escaped, and anything longer than `max` is cut with `…`. An empty value reads `(none)`.
 */
export function code(value: string, max: number = MAX_SHOWN_ID): string {
  const clean = oneLine(String(value)).replace(/`/g, 'ˋ');
  if (clean.length === 0) return '(none)';
  return `\`${escapeMrkdwn(truncate(clean, max))}\``;
}

/** Longest display name shown before it is cut with `…`. */
export const MAX_SHOWN_NAME = 48;

/**
 * A person as mrkdwn: "Alice Wong (`147`)", or "`147`" alone when `names` has no name for the ID. The name is text
 * from outside: on one line, escaped (`<!channel>` stays text), backticks replaced, cut at MAX_SHOWN_NAME. Every
 * surface that names a user uses this (incidents and watches too), with names looked up by the caller: views
 * stay pure.
 */
export function personLabel(id: string, names?: UserNames, max: number = MAX_SHOWN_ID): string {
  const shown = code(id, max);
  const name = oneLine(names?.get(id) ?? '').replace(/`/g, 'ˋ');
  return name === '' ? shown : `${escapeMrkdwn(truncate(name, MAX_SHOWN_NAME))} (${shown})`;
}

/** True when `code(value, max)` had to cut the value. */
export function isCut(value: string, max: number = MAX_SHOWN_ID): boolean {
  return oneLine(String(value)).length > max;
}

/**
 * Plain text for a text object: no line breaks, cut to `max`. Slack decodes `&amp;`, `&lt;`, `&gt;` in every text
 * object, plain_text included, so those three are escaped here too (and never cut in half).
 */
export function plain(text: string, max: number): PlainTextElement {
  const clean = oneLine(text);
  return { type: 'plain_text', text: truncateMrkdwn(escapeMrkdwn(clean.length > 0 ? clean : ' '), max), emoji: true };
}

export function mrkdwn(text: string, max: number = LIMITS.sectionText): MrkdwnElement {
  return { type: 'mrkdwn', text: truncateMrkdwn(text.length > 0 ? text : ' ', max) };
}

export function section(text: string, blockId?: string): SectionBlock {
  return { type: 'section', ...(blockId ? { block_id: blockId } : {}), text: mrkdwn(text) };
}

export function context(texts: string[], blockId?: string): ContextBlock {
  return {
    type: 'context',
    ...(blockId ? { block_id: blockId } : {}),
    elements: texts.slice(0, 10).map((t) => mrkdwn(t)),
  };
}

/** The zone to format in: `timeZone` when it is a valid IANA name, else UTC (a view never throws on it). */
export function safeZone(timeZone: string): string {
  return isValidTimeZone(timeZone) ? timeZone : 'UTC';
}

function validSeconds(unix: number): boolean {
  return Number.isFinite(unix) && unix >= 0 && unix < 32_503_680_000;
}

/** `Nov 20, 2026 at 10:05 GMT+8`: the time in `timeZone`, for fallbacks and plain text. */
export function formatLocalTime(unixSeconds: number, timeZone: string): string {
  if (!validSeconds(unixSeconds)) return 'an unknown time';
  return format(new TZDate(Math.floor(unixSeconds) * 1000, safeZone(timeZone)), "MMM d, yyyy 'at' HH:mm zzz");
}

/** `2026-11-20`, the calendar date in `timeZone`. */
export function formatLocalDate(unixSeconds: number, timeZone: string): string {
  if (!validSeconds(unixSeconds)) return 'an unknown date';
  return format(new TZDate(Math.floor(unixSeconds) * 1000, safeZone(timeZone)), 'yyyy-MM-dd');
}

/**
 * A time every reader sees in their own zone: `<!date^1795233600^{date_short_pretty} at {time}|Nov 21, 2026 at
 * 12:00 GMT+8>`. The fallback, for clients that cannot render it, is written in `timeZone`.
 */
export function slackDate(unixSeconds: number, timeZone: string, tokens = '{date_short_pretty} at {time}'): string {
  if (!validSeconds(unixSeconds)) return 'an unknown time';
  return `<!date^${Math.floor(unixSeconds)}^${tokens}|${formatLocalTime(unixSeconds, timeZone)}>`;
}

/** `1 call`, `1,234 calls`. */
export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count.toLocaleString('en-US')} ${count === 1 ? one : many}`;
}

/** A Slack user mention when `id` looks like one, else the ID as plain escaped text. */
export function mention(id: string): string {
  return /^[UW][A-Z0-9]{2,30}$/.test(id) ? `<@${id}>` : escapeText(truncate(oneLine(id), 40));
}

/** The context line on every message built from demo data. */
export const DEMO_NOTICE = ':test_tube: *Demo data*: these calls come from the built-in demo server, not from Tencent.';

const DEMO_SUFFIX = ' · demo data';

/**
 * The notification text of a message built from demo data ends with "· demo data" (STYLE.md). With `max`, the
 * text is cut first so that the whole stays within `max` and the label is never the part cut off.
 */
export function withDemo(text: string, demo: boolean | undefined, max?: number): string {
  const room = max === undefined ? text.length : max - (demo ? DEMO_SUFFIX.length : 0);
  const cut = truncate(text, room);
  return demo ? `${cut}${DEMO_SUFFIX}` : cut;
}
