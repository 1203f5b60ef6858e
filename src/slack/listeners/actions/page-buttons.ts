import type { AllMiddlewareArgs, BlockButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { beginAudit } from '../../audit.js';
import { decodePageButton } from '../../button-state.js';
import { outdatedButtonMessage } from '../../error-messages.js';
import type { SlackServices } from '../../services.js';
import { renderProblem } from '../../views/problem.js';
import { deliver, searchPage } from '../search-flow.js';
import { requesterOf } from './requester.js';

export type ButtonArgs = AllMiddlewareArgs & SlackActionMiddlewareArgs<BlockButtonAction>;

/**
 * A button whose value is a pinned query and a page (`encodePageButton`): Previous/Next replace the message in
 * place (`replace: true`, through the button's own response_url); "Other calls of …" and the daily summary's
 * "Show interrupted calls" add a new ephemeral message (`replace: false`). A value that does not read back
 * (tampered with, or from another version) gets "run the search again" and no search.
 *
 * Buttons in the Home tab come without a response_url; the Home tab has action_ids of its own.
 */
export function pageButton(services: SlackServices, options: { replace: boolean }) {
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
    if (!decoded.ok) {
      audit.finish({ outcome: `button-${decoded.reason}` });
      const message = renderProblem(outdatedButtonMessage(decoded.reason), { demo: services.demo });
      await deliver(delivery, requester, message, { replaceOriginal: false });
      return;
    }
    const timeZone = await services.timeZones.get(requester.userId);
    const answer = await searchPage(
      services,
      { pinned: decoded.state.query, page: decoded.state.page, timeZone },
      audit,
    );
    // A failure is added below the results instead of replacing them, so the person can simply click again.
    await deliver(delivery, requester, answer.message, { replaceOriginal: answer.ok && options.replace });
  };
}
