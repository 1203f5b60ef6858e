/**
 * Replies that are not results: a query that could not be read (each bad token named), and one clear sentence for
 * everything else (refusals, expired buttons, Tencent failures). The sentences are written elsewhere; this renders
 * them.
 */
import type { KnownBlock } from '@slack/types';
import type { QueryError } from '../../calls/query.js';
import { EXPIRED_REPLY_MESSAGE, UNDELIVERED_REPLY_MESSAGE } from '../error-messages.js';
import { code, context, DEMO_NOTICE, escapeText, section, withDemo } from './format.js';
import { truncate, truncateMrkdwn } from './limits.js';
import type { RenderedMessage } from './result-page.js';

/** Errors listed one per line; more are counted. Each line stays short so the section stays under 3000. */
export const MAX_ERRORS_LISTED = 10;
const HELP_POINTER = 'Type `/calls help` for every filter, with examples.';

export function renderQueryErrors(errors: readonly QueryError[], ctx: { demo?: boolean } = {}): RenderedMessage {
  const listed = errors.slice(0, MAX_ERRORS_LISTED).map((e) => {
    const token = e.token.trim().length > 0 ? `${code(e.token, 40)}: ` : '';
    return `• ${token}${escapeText(truncate(e.message.trim() || 'not understood', 220))}`;
  });
  if (errors.length > MAX_ERRORS_LISTED) listed.push(`• and ${errors.length - MAX_ERRORS_LISTED} more`);
  const lead =
    errors.length === 0
      ? ":warning: I couldn't read that search."
      : `:warning: I couldn't read ${errors.length === 1 ? 'part' : 'parts'} of that search:`;
  const blocks: KnownBlock[] = [
    section([lead, ...listed].join('\n'), 'query_errors'),
    context([HELP_POINTER], 'query_errors_help'),
  ];
  if (ctx.demo) blocks.push(context([DEMO_NOTICE], 'query_errors_demo'));
  const text =
    errors.length <= 1 ? "I couldn't read that search" : `I couldn't read that search (${errors.length} problems)`;
  return { text: withDemo(text, ctx.demo), blocks };
}

/** One sentence in one block ("This button has expired; run the search again with /calls …"). */
export function renderProblem(message: string, ctx: { demo?: boolean } = {}): RenderedMessage {
  const sentence = message.trim().length > 0 ? message.trim() : 'Something went wrong; please try again.';
  const blocks: KnownBlock[] = [section(`:warning: ${escapeText(truncate(sentence, 2900))}`, 'problem')];
  if (ctx.demo) blocks.push(context([DEMO_NOTICE], 'problem_demo'));
  // The notification text is mrkdwn too: escaped like the block, cut where no entity or code span is split.
  return { text: withDemo(truncateMrkdwn(escapeText(sentence), 280), ctx.demo), blocks };
}

/** One sentence of good news ("Sent to your DM: …"), in one block. */
export function renderNote(message: string, ctx: { demo?: boolean } = {}): RenderedMessage {
  const blocks: KnownBlock[] = [section(`:information_source: ${escapeText(truncate(message.trim(), 2900))}`, 'note')];
  if (ctx.demo) blocks.push(context([DEMO_NOTICE], 'note_demo'));
  // The notification text is mrkdwn too: escaped like the block (defect class: unescaped fallbacks).
  return { text: withDemo(truncateMrkdwn(escapeText(message.trim()), 280), ctx.demo), blocks };
}

/**
 * Why the person may not use the app (access.ts). `message` is the app's own mrkdwn (it may link channels as
 * `<#C…>`), so it is not escaped. It names no call and no customer.
 */
export function renderRefusal(message: string, ctx: { demo?: boolean } = {}): RenderedMessage {
  const blocks: KnownBlock[] = [section(`:lock: ${truncateMrkdwn(message, 2900)}`, 'refused')];
  if (ctx.demo) blocks.push(context([DEMO_NOTICE], 'refused_demo'));
  return { text: withDemo(message, ctx.demo, 300), blocks };
}

/**
 * Sent with chat.postEphemeral when a reply did not go through its response_url: expired (EXPIRED_REPLY_MESSAGE) or
 * not taken for another reason (`undelivered`: UNDELIVERED_REPLY_MESSAGE). Both are the app's own mrkdwn.
 */
export function renderExpiredReply(ctx: { demo?: boolean; undelivered?: boolean } = {}): RenderedMessage {
  const message = ctx.undelivered ? UNDELIVERED_REPLY_MESSAGE : EXPIRED_REPLY_MESSAGE;
  const blocks: KnownBlock[] = [section(message, 'expired')];
  if (ctx.demo) blocks.push(context([DEMO_NOTICE], 'expired_demo'));
  return { text: withDemo(message, ctx.demo), blocks };
}
