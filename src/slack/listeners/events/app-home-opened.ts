import type { AllMiddlewareArgs, SlackEventMiddlewareArgs } from '@slack/bolt';
import { type HomeTab, publisher } from '../../home/home-service.js';
import type { SlackServices } from '../../services.js';

/**
 * `app_home_opened`: publishes the person's Home tab (tab `home` only; opening the Messages tab publishes nothing).
 * Events have no ack: Bolt answered Slack before this runs. The previous view (if the event carries one) gives back
 * the filters and the search that were on screen.
 */
export function appHomeOpened(services: Pick<SlackServices, 'logger'>, home: HomeTab) {
  return async ({ event, body, client }: AllMiddlewareArgs & SlackEventMiddlewareArgs<'app_home_opened'>) => {
    if (event.tab !== 'home') return;
    const teamId = (body as { team_id?: string }).team_id;
    const previous = event.view as { private_metadata?: unknown } | undefined;
    await home.open(
      { userId: event.user, ...(teamId ? { teamId } : {}) },
      typeof previous?.private_metadata === 'string' ? { privateMetadata: previous.private_metadata } : undefined,
      publisher(client, services.logger),
    );
  };
}
