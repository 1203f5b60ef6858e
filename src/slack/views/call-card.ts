/**
 * A call as a card: what a pasted call link unfurls into. Who called whom and how it ended (and why, when the
 * call's cause is known), how long it lasted, when it started (in each reader's own zone), and a Details button
 * that opens every detail in a modal for whoever clicks it (the access rules are checked again then).
 */
import type { ActionsBlock, KnownBlock } from '@slack/types';
import type { CallRecord } from '../../calls/records.js';
import type { UserNames } from '../../calls/user-names.js';
import { encodeCallButton } from '../state/button-state.js';
import { callSentence, resultEmoji, timingPhrase } from './call-blocks.js';
import { code, context, DEMO_NOTICE, escapeText, MAX_SHOWN_CALL_ID, section, slackDate } from './format.js';
import { MODAL_ACTIONS } from './ids.js';
import { truncate } from './limits.js';

/** An unfurl: the blocks Slack attaches under the message that holds the link. */
export interface RenderedCard {
  blocks: KnownBlock[];
}

export interface CallCardContext {
  demo: boolean;
  /** Zone of the `<!date>` fallback (the person who shared the link); readers see their own zone. */
  timeZone: string;
  names?: UserNames;
  /** One sentence saying why the call ended as it did; absent until the app knows causes. Text from outside. */
  cause?: string;
}

/** Longest cause shown on a card. */
const MAX_SHOWN_CAUSE = 300;

function demoBlocks(demo: boolean): KnownBlock[] {
  return demo ? [context([DEMO_NOTICE], 'card_demo')] : [];
}

export function renderCallCard(record: CallRecord, ctx: CallCardContext): RenderedCard {
  const lines = [`${resultEmoji(record.result)} ${callSentence(record, ctx.names)}`];
  if (ctx.cause !== undefined && ctx.cause.trim() !== '') {
    lines.push(`_${escapeText(truncate(ctx.cause.trim(), MAX_SHOWN_CAUSE))}_`);
  }
  lines.push(`${slackDate(record.startTime, ctx.timeZone)} · ${timingPhrase(record)}`);
  const blocks: KnownBlock[] = [section(lines.join('\n'), 'card_call')];
  let value: string | undefined;
  try {
    value = encodeCallButton(record.callId);
  } catch {
    value = undefined; // a CallId no button can carry: the card is all there is
  }
  if (value !== undefined) {
    const actions: ActionsBlock = {
      type: 'actions',
      block_id: 'card_actions',
      elements: [
        {
          type: 'button',
          action_id: MODAL_ACTIONS.call,
          text: { type: 'plain_text', text: 'Details', emoji: true },
          value,
        },
      ],
    };
    blocks.push(actions);
  }
  blocks.push(...demoBlocks(ctx.demo));
  return { blocks };
}

/** A link to a call neither the store nor Tencent has. */
export function renderCallNotFoundCard(callId: string, ctx: { demo: boolean }): RenderedCard {
  return {
    blocks: [
      section(
        `:grey_question: Call not found: no call with ID ${code(callId, MAX_SHOWN_CALL_ID)} in the call-record store or at Tencent.`,
        'card_missing',
      ),
      ...demoBlocks(ctx.demo),
    ],
  };
}

/** A link that could not be looked up now (the store or Tencent failed): the failure as one sentence. */
export function renderCardProblem(sentence: string, ctx: { demo: boolean }): RenderedCard {
  return { blocks: [section(`:warning: ${escapeText(sentence)}`, 'card_problem'), ...demoBlocks(ctx.demo)] };
}
