/**
 * The "Find calls" modal: the users and calls a message names, each with a button that shows its calls (or the
 * call) in the same modal; and the "Search calls" modal: the Home tab's filters, submitted with Search.
 */
import type { InputBlock, KnownBlock, ModalView } from '@slack/types';
import type { MentionedUser } from '../../calls/call-mentions.js';
import type { UserNames } from '../../calls/user-names.js';
import type { HomeFilters } from '../state/home-state.js';
import { code, context, DEMO_NOTICE, MAX_SHOWN_CALL_ID, personLabel, plain, section } from './format.js';
import { controlBlocks, type HomeViewModel } from './home.js';
import { MODAL_ACTIONS, SEARCH_MODAL_CALLBACK_ID } from './ids.js';
import { LIMITS } from './limits.js';

export interface FoundInMessage {
  /** Each user with the value of its "Show calls" button (`encodePageButton`), undefined when none fits. */
  users: Array<{ user: MentionedUser; button?: string }>;
  /** Each CallId with the value of its "Show call" button (`encodeCallButton`). */
  calls: Array<{ callId: string; button?: string }>;
}

export function renderFoundInMessage(
  found: FoundInMessage,
  ctx: { demo: boolean; names?: UserNames },
): {
  blocks: KnownBlock[];
} {
  const blocks: KnownBlock[] = [];
  if (found.users.length === 0 && found.calls.length === 0) {
    blocks.push(
      section(
        'This message names no user the call-record store knows and no CallId. Search with `/calls user:<id>` or the *Search calls* shortcut.',
        'found_none',
      ),
    );
  }
  found.users.forEach(({ user, button }, i) => {
    const block = section(`:bust_in_silhouette: ${personLabel(user.userId, ctx.names)}`, `found_user_${i}`);
    if (button !== undefined) {
      block.accessory = {
        type: 'button',
        action_id: MODAL_ACTIONS.userCalls,
        text: plain('Show calls', LIMITS.buttonText),
        value: button,
      };
    }
    blocks.push(block);
  });
  found.calls.forEach(({ callId, button }, i) => {
    const block = section(`:telephone_receiver: Call ${code(callId, MAX_SHOWN_CALL_ID)}`, `found_call_${i}`);
    if (button !== undefined) {
      block.accessory = {
        type: 'button',
        action_id: MODAL_ACTIONS.call,
        text: plain('Show call', LIMITS.buttonText),
        value: button,
      };
    }
    blocks.push(block);
  });
  if (found.users.length > 0) {
    blocks.push(context(["A user's calls are those of the last 7 days, newest first."], 'found_hint'));
  }
  if (ctx.demo) blocks.push(context([DEMO_NOTICE], 'found_demo'));
  return { blocks };
}

/** The Home tab's filters in a modal (the Home tab's own Search / Clear buttons give way to the modal's Search). */
export function renderSearchModal(
  filters: HomeFilters,
  ctx: { timeZone: string; retentionDays?: number; errors?: HomeViewModel['errors']; demo: boolean },
): ModalView {
  const controls = controlBlocks(filters, ctx.errors, ctx.timeZone, undefined, ctx.retentionDays)
    .filter((block) => block.type !== 'actions')
    // Nothing is required: an empty form searches every call of the last 24 hours, as in the Home tab.
    .map((block) => (block.type === 'input' ? ({ ...block, optional: true } as InputBlock) : block));
  return {
    type: 'modal',
    callback_id: SEARCH_MODAL_CALLBACK_ID,
    title: plain('Search calls', 24),
    submit: plain('Search', 24),
    close: plain('Cancel', 24),
    blocks: [...controls, ...(ctx.demo ? [context([DEMO_NOTICE], 'search_demo')] : [])],
  };
}
