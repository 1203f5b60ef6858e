/**
 * `/calls status`: the app's state for the people in ADMIN_SLACK_USERS (unset: nobody), privately. Anyone else gets
 * one sentence saying who may use it; nothing about the app is read for them.
 */
import { userFacingError } from '../../error-messages.js';
import type { Requester } from '../../search-answer.js';
import type { SlackServices } from '../../services.js';
import { renderProblem } from '../../views/errors.js';
import type { RenderedMessage } from '../../views/result-page.js';
import { renderStatus } from '../../views/status.js';

export const STATUS_REFUSED =
  '`/calls status` is only for the people listed in ADMIN_SLACK_USERS; ask whoever runs callkit-slack.';

/** True when the /calls text is the status command. */
export function isStatusCommand(text: string): boolean {
  return text.trim().toLowerCase() === 'status';
}

export async function answerStatusCommand(services: SlackServices, requester: Requester): Promise<RenderedMessage> {
  const demo = { demo: services.demo };
  const operations = services.operations;
  if (operations === undefined || !operations.admins.includes(requester.userId)) {
    return renderProblem(STATUS_REFUSED, demo);
  }
  services.logger.info({ audit: 'status', user: requester.userId }, 'status command');
  try {
    const [status, timeZone] = await Promise.all([operations.status(), services.timeZones.get(requester.userId)]);
    return renderStatus(status, { demo: services.demo, timeZone });
  } catch (error) {
    return renderProblem(userFacingError(error, services.logger, { status: true }).text, demo);
  }
}
