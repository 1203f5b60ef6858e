/**
 * Delivers an answer through the response_url; when Slack no longer takes it, tells the person what happened.
 */
import { RespondError, type RespondFn, type webApi } from '@slack/bolt';
import type { Logger } from '../../shared/logger.js';
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

/** What Slack answers a response_url that expired (30 minutes) or was used up (5 uses). */
const EXPIRED_STATUSES = new Set([404, 410]);

/**
 * Sends `message` through the response_url, ephemeral. `replaceOriginal: true` replaces the message that holds
 * the clicked button (paging); false adds a new one. The post is retried and timed out (outgoing-fetch.ts). When
 * the response_url has expired (30 minutes, 5 uses) the person is told with chat.postEphemeral to run the search
 * again; when Slack did not take the reply for another reason (5xx, no answer), to try again in a minute. Never
 * throws.
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
    const expired = error instanceof RespondError && EXPIRED_STATUSES.has(error.statusCode);
    const where = { user: requester.userId, channel: requester.channelId };
    if (expired) delivery.logger.warn({ ...where, status: error.statusCode }, 'response_url expired or used up');
    else delivery.logger.error({ ...where, err: error }, 'could not send the reply through the response_url');
    if (requester.channelId === undefined) return false;
    try {
      await delivery.client.chat.postEphemeral({
        channel: requester.channelId,
        user: requester.userId,
        ...renderExpiredReply({ demo: delivery.demo, undelivered: !expired }),
      });
    } catch (fallbackError) {
      delivery.logger.warn({ err: fallbackError, user: requester.userId }, 'could not tell the person what happened');
    }
    return false;
  }
}
