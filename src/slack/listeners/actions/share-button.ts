import { cannotPostMessage, SLACK_DID_NOT_ANSWER_MESSAGE } from '../../error-messages.js';
import { searchPage } from '../../search-answer.js';
import type { SlackServices } from '../../services.js';
import { slackErrorCode } from '../../slack-api-error.js';
import { decodePageButton } from '../../state/button-state.js';
import { deliver } from '../deliver.js';
import { type ButtonArgs, beginMessageButton } from './requester.js';

/** Slack's answers when the bot is not in the conversation the button was clicked in. */
const NOT_A_MEMBER = new Set(['not_in_channel', 'channel_not_found']);

/**
 * "Share in channel": posts the current page to the channel (chat.postMessage), saying who shared it, as a
 * snapshot without buttons. Where the bot is not a member, the button's own response_url can still answer in the
 * conversation (`in_channel`); only when that fails too is the person told how to fix it.
 */
export function shareButton(services: SlackServices) {
  return async (args: ButtonArgs): Promise<void> => {
    const click = await beginMessageButton(services, args, decodePageButton);
    if (!click) return;
    const { requester, delivery, audit, problem } = click;
    if (requester.channelId === undefined) {
      audit.finish({ outcome: 'no-channel' });
      await problem('There is no channel to share this in.');
      return;
    }
    const timeZone = await services.timeZones.get(requester.userId);
    const { query, page, anchor } = click.state;
    const request = { pinned: query, page, timeZone, sharedBy: requester.userId, ...(anchor ? { anchor } : {}) };
    const answer = await searchPage(services, request, audit);
    if (!answer.ok) {
      await deliver(delivery, requester, answer.message, { replaceOriginal: false });
      return;
    }
    try {
      await args.client.chat.postMessage({ channel: requester.channelId, ...answer.message });
    } catch (error) {
      const code = slackErrorCode(error);
      if (code !== undefined && NOT_A_MEMBER.has(code) && (await shareThroughResponseUrl(args, answer.message))) {
        services.logger.info({ channel: requester.channelId, code }, 'shared through the response_url');
        return;
      }
      services.logger.warn({ err: error, channel: requester.channelId, code }, 'could not share in the channel');
      // No code: Slack did not answer (an outage, a timeout), which is no reason to change anything.
      await problem(
        code === undefined
          ? SLACK_DID_NOT_ANSWER_MESSAGE
          : cannotPostMessage(services.identity.botName, code, requester.channelId),
      );
    }
  };
}

async function shareThroughResponseUrl(args: ButtonArgs, message: { text: string }): Promise<boolean> {
  try {
    await args.respond({ response_type: 'in_channel', replace_original: false, ...message });
    return true;
  } catch {
    return false;
  }
}
