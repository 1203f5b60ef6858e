import { beginAudit } from '../../audit.js';
import { decodeCallButton } from '../../button-state.js';
import { outdatedButtonMessage } from '../../error-messages.js';
import type { SlackServices } from '../../services.js';
import { renderProblem } from '../../views/problem.js';
import { callDetails, deliver } from '../search-flow.js';
import type { ButtonArgs } from './page-buttons.js';
import { requesterOf } from './requester.js';

/** "Details": every detail of one call, as a new ephemeral message (the results stay). */
export function detailsButton(services: SlackServices) {
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
    const decoded = decodeCallButton(action.value ?? '');
    if (!decoded.ok) {
      audit.finish({ outcome: `button-${decoded.reason}` });
      const message = renderProblem(outdatedButtonMessage(decoded.reason), { demo: services.demo });
      await deliver(delivery, requester, message, { replaceOriginal: false });
      return;
    }
    const timeZone = await services.timeZones.get(requester.userId);
    const message = await callDetails(services, { callId: decoded.callId, timeZone }, audit);
    await deliver(delivery, requester, message, { replaceOriginal: false });
  };
}
