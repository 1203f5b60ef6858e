import type { AllMiddlewareArgs, MessageShortcut, SlackShortcutMiddlewareArgs } from '@slack/bolt';
import { findMentions, type Mentions } from '../../../calls/call-mentions.js';
import type { CallQuery } from '../../../calls/query.js';
import { beginAudit } from '../../audit.js';
import { finishWithError } from '../../error-messages.js';
import { lookupNames } from '../../lookup-names.js';
import { pinFor } from '../../search-answer.js';
import type { SlackServices } from '../../services.js';
import { encodeCallButton, encodePageButton } from '../../state/button-state.js';
import { encodeModalState } from '../../state/modal-state.js';
import { renderProblem } from '../../views/errors.js';
import { type FoundInMessage, renderFoundInMessage } from '../../views/find-calls.js';
import { renderModal } from '../../views/modal.js';
import { openLoadingModal, updateModal } from '../modal-views.js';

const TITLE = 'Find calls';

function tryEncode(encode: () => string): string | undefined {
  try {
    return encode();
  } catch {
    return undefined; // an ID no button can carry: listed without a button
  }
}

/**
 * Message shortcut "Find calls": the users (IDs and names the store knows) and CallIds in a message, in a modal;
 * each opens its calls (or the call) in the same modal, paging there. The modal remembers the message's channel,
 * so its buttons obey ALLOWED_SLACK_CHANNELS as the shortcut did.
 */
export function findCallsShortcut(services: SlackServices) {
  return async ({ shortcut, ack, client }: AllMiddlewareArgs & SlackShortcutMiddlewareArgs<MessageShortcut>) => {
    await ack();
    const channelId = shortcut.channel?.id;
    const privateMetadata = encodeModalState(channelId === undefined ? {} : { channelId });
    const viewId = await openLoadingModal(client, services.logger, {
      triggerId: shortcut.trigger_id,
      title: TITLE,
      privateMetadata,
    });
    if (viewId === undefined) return;
    const userId = shortcut.user.id;
    const audit = beginAudit(services.logger, {
      surface: 'shortcut:find_calls',
      user: userId,
      team: shortcut.team?.id,
      channel: channelId,
    });
    let mentions: Mentions;
    try {
      mentions = await findMentions(shortcut.message.text ?? '', {
        knownUsers: async (ids) => (await services.search.knownUsers?.(ids)) ?? [],
        ...(services.names === undefined ? {} : { names: services.names }),
      });
    } catch (error) {
      const failure = finishWithError(audit, error, services.logger, { surface: 'shortcut:find_calls' });
      const problem = renderProblem(failure.text, { demo: services.demo });
      await updateModal(client, services.logger, viewId, renderModal(problem, { title: TITLE, privateMetadata }));
      return;
    }
    audit.finish({ outcome: 'ok', total: mentions.users.length + mentions.callIds.length });
    const timeZone = await services.timeZones.get(userId);
    const now = services.now();
    const found: FoundInMessage = {
      users: mentions.users.map((user) => {
        const query: CallQuery = {
          users: [user.userId],
          results: [],
          callTypes: [],
          mediaTypes: [],
          range: { kind: 'retained' },
        };
        const pinned = pinFor(services, query, now, timeZone);
        const button =
          'error' in pinned ? undefined : tryEncode(() => encodePageButton({ query: pinned.pinned, page: 1 }));
        return { user, ...(button === undefined ? {} : { button }) };
      }),
      calls: mentions.callIds.map((callId) => {
        const button = tryEncode(() => encodeCallButton(callId));
        return { callId, ...(button === undefined ? {} : { button }) };
      }),
    };
    const names = await lookupNames(
      services,
      mentions.users.map((u) => u.userId),
    );
    const shown = renderFoundInMessage(found, { demo: services.demo, names });
    await updateModal(client, services.logger, viewId, renderModal(shown, { title: TITLE, privateMetadata }));
  };
}
