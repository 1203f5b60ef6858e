import { beginAudit } from '../../audit.js';
import { outdatedButtonMessage } from '../../error-messages.js';
import { callDetails, type Requester, searchPage } from '../../search-answer.js';
import type { SlackServices } from '../../services.js';
import { decodeCallButton, decodePageButton } from '../../state/button-state.js';
import { decodeModalState, encodeModalState } from '../../state/modal-state.js';
import { renderProblem } from '../../views/errors.js';
import { renderModal } from '../../views/modal.js';
import type { RenderedMessage } from '../../views/result-page.js';
import { afterAck } from '../after-ack.js';
import { openLoadingModal, updateModal } from '../modal-views.js';
import { type ButtonArgs, requesterOf } from './requester.js';

/**
 * Where the answer to a click goes: the modal clicked in, or (a button under a message, such as a call card's
 * Details) a new modal, opened at once. Its metadata keeps the channel the first request came from.
 */
async function modalFor(services: SlackServices, { body, client }: ButtonArgs, title: string) {
  const view = body.view as { id?: string; private_metadata?: string } | undefined;
  const requester = requesterOf(body);
  const state = view ? decodeModalState(view.private_metadata) : { channelId: requester.channelId };
  const privateMetadata = encodeModalState(state);
  const viewId =
    view?.id ??
    (await openLoadingModal(client, services.logger, { triggerId: body.trigger_id, title, privateMetadata }));
  // Inside a modal the click carries no channel: the one the modal was opened from stands for it.
  return {
    viewId,
    privateMetadata,
    requester: { ...requester, ...(state.channelId ? { channelId: state.channelId } : {}) },
  };
}

async function answer(
  services: SlackServices,
  args: ButtonArgs,
  title: string,
  work: (requester: Requester, timeZone: string) => Promise<RenderedMessage>,
): Promise<void> {
  await args.ack();
  await afterAck();
  const { viewId, privateMetadata, requester } = await modalFor(services, args, title);
  if (viewId === undefined) return;
  const timeZone = await services.timeZones.get(requester.userId);
  const message = await work(requester, timeZone);
  await updateModal(args.client, services.logger, viewId, renderModal(message, { title, privateMetadata }));
}

function auditOf(services: SlackServices, actionId: string, requester: Requester) {
  return beginAudit(services.logger, {
    surface: `modal:${actionId}`,
    user: requester.userId,
    team: requester.teamId,
    channel: requester.channelId,
  });
}

/** Every detail of one call, in the modal clicked in or in a new one (a call card's Details). */
export function modalCallButton(services: SlackServices) {
  return (args: ButtonArgs) =>
    answer(services, args, 'Call details', async (requester, timeZone) => {
      const decoded = decodeCallButton(args.action.value ?? '');
      const audit = auditOf(services, args.action.action_id, requester);
      if (!decoded.ok) {
        audit.finish({ outcome: `button-${decoded.reason}` });
        return renderProblem(outdatedButtonMessage(decoded.reason), { demo: services.demo });
      }
      return callDetails(services, { callId: decoded.callId, timeZone }, audit);
    });
}

/** A page of a search (Previous, Next, a user's calls), in the modal clicked in. */
export function modalPageButton(services: SlackServices) {
  return (args: ButtonArgs) =>
    answer(services, args, 'Calls', async (requester, timeZone) => {
      const decoded = decodePageButton(args.action.value ?? '');
      const audit = auditOf(services, args.action.action_id, requester);
      if (!decoded.ok) {
        audit.finish({ outcome: `button-${decoded.reason}` });
        return renderProblem(outdatedButtonMessage(decoded.reason), { demo: services.demo });
      }
      const { query, page, anchor } = decoded.state;
      const request = { pinned: query, page, timeZone, ...(anchor ? { anchor } : {}) };
      return (await searchPage(services, request, audit)).message;
    });
}
