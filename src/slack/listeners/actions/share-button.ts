import { decodePageButton } from '../../button-state.js';
import { cannotPostMessage } from '../../error-messages.js';
import type { SlackServices } from '../../services.js';
import { renderProblem } from '../../views/errors.js';
import { deliver, searchPage } from '../search-flow.js';
import { type ButtonArgs, beginMessageButton } from './requester.js';

/**
 * "Share in channel": posts the current page to the channel (chat.postMessage), saying who shared it, as a
 * snapshot without buttons. When the bot may not post there, the person is told how to fix it.
 */
export function shareButton(services: SlackServices) {
  return async (args: ButtonArgs): Promise<void> => {
    const click = await beginMessageButton(services, args, decodePageButton);
    if (!click) return;
    const { requester, delivery, audit } = click;
    const problem = (text: string) =>
      deliver(delivery, requester, renderProblem(text, { demo: services.demo }), { replaceOriginal: false });
    if (requester.channelId === undefined) {
      audit.finish({ outcome: 'no-channel' });
      await problem('There is no channel to share this in.');
      return;
    }
    const timeZone = await services.timeZones.get(requester.userId);
    const { query, page } = click.state;
    const answer = await searchPage(services, { pinned: query, page, timeZone, sharedBy: requester.userId }, audit);
    if (!answer.ok) {
      await deliver(delivery, requester, answer.message, { replaceOriginal: false });
      return;
    }
    try {
      await args.client.chat.postMessage({ channel: requester.channelId, ...answer.message });
    } catch (error) {
      const code = (error as { data?: { error?: unknown } }).data?.error;
      services.logger.warn({ err: error, channel: requester.channelId, code }, 'could not share in the channel');
      await problem(
        cannotPostMessage(
          services.identity.botName,
          typeof code === 'string' ? code : 'unknown_error',
          requester.channelId,
        ),
      );
    }
  };
}
