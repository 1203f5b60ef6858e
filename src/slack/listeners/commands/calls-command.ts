import type { AllMiddlewareArgs, SlackCommandMiddlewareArgs } from '@slack/bolt';
import { answerQuery, type Requester } from '../../search-answer.js';
import type { SlackServices } from '../../services.js';
import { afterAck } from '../after-ack.js';
import { deliver } from '../deliver.js';
import { answerStatusCommand, isStatusCommand } from './status-command.js';
import { answerWatchCommand, readWatchCommand } from './watch-command.js';

export const CALLS_COMMAND = '/calls';

/**
 * `/calls <query>`: acknowledged at once with an empty body (Slack shows nothing), then the answer goes out
 * through the response_url, ephemeral. All the slow work (users.info, Tencent) happens after the ack.
 */
export function callsCommand(services: SlackServices) {
  return async ({ command, ack, respond, client }: AllMiddlewareArgs & SlackCommandMiddlewareArgs): Promise<void> => {
    await ack();
    await afterAck();
    const requester: Requester = { userId: command.user_id, teamId: command.team_id, channelId: command.channel_id };
    const text = typeof command.text === 'string' ? command.text : '';
    const watch = readWatchCommand(text);
    const message = isStatusCommand(text)
      ? await answerStatusCommand(services, requester)
      : watch
        ? await answerWatchCommand(services, watch, requester)
        : await answerQuery(services, text, requester);
    await deliver({ respond, client, logger: services.logger, demo: services.demo }, requester, message);
  };
}
