/**
 * A message the app would send, shown in a modal instead (the "Find calls" and "Search calls" shortcuts, a call
 * card's Details). A modal has no response_url: the buttons that page or open a call become the modal's own
 * (MODAL_ACTIONS, answered with views.update), and those that only make sense under a message (Share in channel,
 * Export CSV) are left out.
 */
import type { KnownBlock, ModalView } from '@slack/types';
import { plain } from './format.js';
import { ACTION_IDS, CALLS_MODAL_CALLBACK_ID, MODAL_ACTIONS } from './ids.js';
import { LIMITS } from './limits.js';
import type { RenderedMessage } from './result-page.js';

/** Message buttons → modal buttons; a message button absent here is dropped from the modal. */
const IN_MODAL: Readonly<Record<string, string>> = {
  [ACTION_IDS.pagePrev]: MODAL_ACTIONS.pagePrev,
  [ACTION_IDS.pageNext]: MODAL_ACTIONS.pageNext,
  [ACTION_IDS.searchUser]: MODAL_ACTIONS.userCalls,
  [ACTION_IDS.details]: MODAL_ACTIONS.call,
  [MODAL_ACTIONS.pagePrev]: MODAL_ACTIONS.pagePrev,
  [MODAL_ACTIONS.pageNext]: MODAL_ACTIONS.pageNext,
  [MODAL_ACTIONS.userCalls]: MODAL_ACTIONS.userCalls,
  [MODAL_ACTIONS.call]: MODAL_ACTIONS.call,
};

type Element = { type?: string; action_id?: string } & Record<string, unknown>;

function inModal(element: Element): Element | undefined {
  if (element.type !== 'button' || element.action_id === undefined) return element;
  const actionId = IN_MODAL[element.action_id];
  return actionId === undefined ? undefined : { ...element, action_id: actionId };
}

/** The blocks of a message with its buttons made the modal's own (and the ones a modal cannot serve removed). */
export function modalBlocks(blocks: readonly KnownBlock[]): KnownBlock[] {
  const out: KnownBlock[] = [];
  for (const block of blocks) {
    if (block.type === 'actions') {
      const elements = (block.elements as Element[]).map(inModal).filter((e): e is Element => e !== undefined);
      if (elements.length > 0) out.push({ ...block, elements } as KnownBlock);
    } else if (block.type === 'section' && block.accessory !== undefined) {
      const accessory = inModal(block.accessory as Element);
      const { accessory: _dropped, ...rest } = block;
      out.push((accessory === undefined ? rest : { ...rest, accessory }) as KnownBlock);
    } else {
      out.push(block);
    }
  }
  return out.slice(0, LIMITS.viewBlocks);
}

export function renderModal(
  message: RenderedMessage | { blocks: KnownBlock[] },
  options: { title: string; privateMetadata: string },
): ModalView {
  return {
    type: 'modal',
    callback_id: CALLS_MODAL_CALLBACK_ID,
    title: plain(options.title, 24),
    close: plain('Close', 24),
    blocks: modalBlocks(message.blocks),
    private_metadata: options.privateMetadata,
  };
}
