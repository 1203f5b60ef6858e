import { outdatedButtonMessage } from '../../error-messages.js';
import { type HomeTab, publisher } from '../../home/home-service.js';
import type { SlackServices } from '../../services.js';
import { renderProblem } from '../../views/errors.js';
import { deliver } from '../deliver.js';
import { type ButtonArgs, requesterOf } from './requester.js';

/** Matches every action_id except `known`, so a click nobody else handles is still acknowledged. */
export function anyActionExcept(known: readonly string[]): RegExp {
  const escaped = known.map((id) => id.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`^(?!(?:${escaped.join('|')})$)`, 's');
}

/**
 * A button this version does not know (a message or Home view from an older release, or a forged click):
 * acknowledged at once, so Slack does not show the click as failed, and answered with "run the search again"
 * where there is a response_url, or with a fresh Home view that says it was out of date. Unacknowledged, Bolt would
 * answer 404 after 3 seconds.
 */
export function unknownButton(services: SlackServices, home: Pick<HomeTab, 'outdated'>) {
  return async ({ ack, action, body, respond, client }: ButtonArgs): Promise<void> => {
    await ack();
    const actionId = String(action.action_id).slice(0, 100);
    services.logger.info({ actionId, user: body.user?.id }, 'unknown button');
    if (body.view?.type === 'home' && body.user?.id) {
      await home.outdated({ userId: body.user.id }, publisher(client, services.logger), `home:${actionId}`);
      return;
    }
    if (!body.response_url) return;
    const message = renderProblem(outdatedButtonMessage('outdated'), { demo: services.demo });
    await deliver({ respond, client, logger: services.logger, demo: services.demo }, requesterOf(body), message, {
      replaceOriginal: false,
    });
  };
}
