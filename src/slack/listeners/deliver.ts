/**
 * Delivers an answer through the response_url; when Slack no longer takes it, tells the person to search again.
 */
import { RespondError, type RespondFn, type webApi } from '@slack/bolt';
import type { Logger } from '../../logger.js';
import type { Requester } from '../search-answer.js';
import { renderExpiredReply } from '../views/errors.js';
import type { RenderedMessage } from '../views/result-page.js';

export interface Delivery {
  respond: RespondFn;
  client: webApi.WebClient;
  logger: Logger;
  /** Demo mode: the "search again" note says so too. */
  demo: boolean;
}

/**
 * Sends `message` through the response_url, ephemeral. `replaceOriginal: true` replaces the message that holds
 * the clicked button (paging); false adds a new one. When the response_url no longer answers (30 minutes, 5 uses)
 * the person is told with chat.postEphemeral to run the search again. Never throws.
 */
export async function deliver(
  delivery: Delivery,
  requester: Requester,
  message: RenderedMessage | { text: string },
  options: { replaceOriginal?: boolean } = {},
): Promise<boolean> {
  try {
    await delivery.respond({
      response_type: 'ephemeral',
      ...(options.replaceOriginal === undefined ? {} : { replace_original: options.replaceOriginal }),
      ...message,
    });
    return true;
  } catch (error) {
    if (!(error instanceof RespondError)) {
      delivery.logger.error({ err: error, user: requester.userId }, 'could not send the reply');
      return false;
    }
    delivery.logger.warn(
      { status: error.statusCode, user: requester.userId, channel: requester.channelId },
      'response_url refused the reply (expired or used up)',
    );
    if (requester.channelId === undefined) return false;
    try {
      await delivery.client.chat.postEphemeral({
        channel: requester.channelId,
        user: requester.userId,
        ...renderExpiredReply({ demo: delivery.demo }),
      });
    } catch (fallbackError) {
      delivery.logger.warn({ err: fallbackError, user: requester.userId }, 'could not tell the person to search again');
    }
    return false;
  }
}
