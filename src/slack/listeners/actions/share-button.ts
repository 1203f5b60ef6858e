import { beginAudit } from '../../audit.js';
import { decodePageButton } from '../../button-state.js';
import { cannotPostMessage, outdatedButtonMessage } from '../../error-messages.js';
import type { SlackServices } from '../../services.js';
import { renderProblem } from '../../views/problem.js';
import { deliver, searchPage } from '../search-flow.js';
import type { ButtonArgs } from './page-buttons.js';
import { requesterOf } from './requester.js';

/**
 * "Share in channel": posts the current page to the channel (chat.postMessage), saying who shared it, as a
 * snapshot without buttons. When the bot may not post there, the person is told how to fix it.
 */
export function shareButton(services: SlackServices) {
  return async ({ ack, action, body, respond, client }: ButtonArgs): Promise<void> => {
    await ack();
    if (!body.response_url) return;
    const requester = requesterOf(body);
    const delivery = { respond, client, logger: services.logger };
    const audit = beginAudit(services.logger, {
      surface: `button:${action.action_id}`,
      user: requester.userId,
      team: requester.teamId,
      channel: requester.channelId,
    });
    const decoded = decodePageButton(action.value ?? '');
    if (!decoded.ok || requester.channelId === undefined) {
      audit.finish({ outcome: decoded.ok ? 'no-channel' : `button-${decoded.reason}` });
      const text = decoded.ok ? 'There is no channel to share this in.' : outdatedButtonMessage(decoded.reason);
      await deliver(delivery, requester, renderProblem(text, { demo: services.demo }), { replaceOriginal: false });
      return;
    }
    const timeZone = await services.timeZones.get(requester.userId);
    const answer = await searchPage(
      services,
      { pinned: decoded.state.query, page: decoded.state.page, timeZone, sharedBy: requester.userId },
      audit,
    );
    if (!answer.ok) {
      await deliver(delivery, requester, answer.message, { replaceOriginal: false });
      return;
    }
    try {
      await client.chat.postMessage({ channel: requester.channelId, ...answer.message });
    } catch (error) {
      const code = (error as { data?: { error?: unknown } }).data?.error;
      services.logger.warn({ err: error, channel: requester.channelId, code }, 'could not share in the channel');
      const text = cannotPostMessage(services.identity.botName, typeof code === 'string' ? code : 'unknown_error');
      await deliver(delivery, requester, renderProblem(text, { demo: services.demo }), { replaceOriginal: false });
    }
  };
}
