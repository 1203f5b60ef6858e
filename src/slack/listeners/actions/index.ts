import type { App } from '@slack/bolt';
import { createHomeTab } from '../../home-service.js';
import type { SlackServices } from '../../services.js';
import { ACTION_IDS } from '../../views/ids.js';
import { SUMMARY_SHOW_INTERRUPTED_ACTION } from '../../views/summary.js';
import { detailsButton } from './details-button.js';
import { HOME_BUTTON_ACTIONS, homeButton } from './home-buttons.js';
import { pageButton } from './page-buttons.js';
import { shareButton } from './share-button.js';

/**
 * Buttons of result messages. Every listener acks at once and answers through the button's response_url.
 * The Home tab's buttons use their own action_ids (`home_*`) and register with the Home tab listeners.
 */
export function register(app: App, services: SlackServices): void {
  const paging = pageButton(services, { replace: true });
  app.action(ACTION_IDS.pagePrev, paging);
  app.action(ACTION_IDS.pageNext, paging);
  app.action(ACTION_IDS.share, shareButton(services));
  app.action(ACTION_IDS.details, detailsButton(services));
  const newSearch = pageButton(services, { replace: false });
  app.action(ACTION_IDS.searchUser, newSearch);
  // The daily summary is a public message: its button answers privately and never replaces it.
  app.action(SUMMARY_SHOW_INTERRUPTED_ACTION, newSearch);
  // The Home tab's buttons (no response_url: each answer is a views.publish).
  const home = homeButton(services, createHomeTab(services));
  for (const actionId of HOME_BUTTON_ACTIONS) app.action(actionId, home);
}
