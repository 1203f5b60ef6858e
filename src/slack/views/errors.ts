/**
 * Replies that are not results: a query that could not be read (each bad token named), and one clear sentence for
 * everything else (refusals, expired buttons, Tencent failures). The sentences are written elsewhere; this renders
 * them.
 */
import type { KnownBlock } from '@slack/types';
import type { QueryError } from '../../calls/query.js';
import { EXPIRED_REPLY_MESSAGE } from '../error-messages.js';
import { code, context, DEMO_NOTICE, escapeMrkdwn, section, withDemo } from './format.js';
import { truncate, truncateMrkdwn } from './limits.js';
import type { RenderedMessage } from './result-page.js';

/** Errors listed one per line; more are counted. Each line stays short so the section stays under 3000. */
export const MAX_ERRORS_LISTED = 10;
const HELP_POINTER = 'Type `/calls help` for every filter, with examples.';

export function renderQueryErrors(errors: readonly QueryError[], ctx: { demo?: boolean } = {}): RenderedMessage {
  const listed = errors.slice(0, MAX_ERRORS_LISTED).map((e) => {
    const token = e.token.trim().length > 0 ? `${code(e.token, 40)}: ` : '';
    return `• ${token}${escapeMrkdwn(truncate(e.message.trim() || 'not understood', 220))}`;
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
  const blocks: KnownBlock[] = [section(`:warning: ${escapeMrkdwn(truncate(sentence, 2900))}`, 'problem')];
  if (ctx.demo) blocks.push(context([DEMO_NOTICE], 'problem_demo'));
  return { text: withDemo(sentence, ctx.demo, 300), blocks };
}

/** One sentence of good news ("Sent to your DM: …"), in one block. */
export function renderNote(message: string, ctx: { demo?: boolean } = {}): RenderedMessage {
  const blocks: KnownBlock[] = [
    section(`:information_source: ${escapeMrkdwn(truncate(message.trim(), 2900))}`, 'note'),
  ];
  if (ctx.demo) blocks.push(context([DEMO_NOTICE], 'note_demo'));
  return { text: withDemo(message.trim(), ctx.demo, 300), blocks };
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

/** Sent with chat.postEphemeral when a response_url no longer answers (EXPIRED_REPLY_MESSAGE, mrkdwn). */
export function renderExpiredReply(ctx: { demo?: boolean } = {}): RenderedMessage {
  const blocks: KnownBlock[] = [section(EXPIRED_REPLY_MESSAGE, 'expired')];
  if (ctx.demo) blocks.push(context([DEMO_NOTICE], 'expired_demo'));
  return { text: withDemo(EXPIRED_REPLY_MESSAGE, ctx.demo), blocks };
}
