import type { App } from '@slack/bolt';
import { createHomeTab } from '../../home/home-service.js';
import type { SlackServices } from '../../services.js';
import { ACTION_IDS, MODAL_ACTIONS } from '../../views/ids.js';
import { INCIDENT_ACTIONS } from '../../views/incident.js';
import { SUMMARY_SHOW_INTERRUPTED_ACTION } from '../../views/summary.js';
import { WATCH_STOP_ACTION } from '../../views/watch.js';
import { detailsButton } from './details-button.js';
import { exportButton, homeExportButton } from './export-button.js';
import { HOME_BUTTON_ACTIONS, homeButton } from './home-buttons.js';
import { incidentButton } from './incident-buttons.js';
import { modalCallButton, modalPageButton } from './modal-buttons.js';
import { pageButton } from './page-buttons.js';
import { shareButton } from './share-button.js';
import { anyActionExcept, unknownButton } from './unknown-button.js';
import { watchStopButton } from './watch-stop-button.js';

/**
 * Buttons of result messages. Every listener acks at once and answers through the button's response_url.
 * The Home tab's buttons use their own action_ids (`home_*`) and register with the Home tab listeners.
 */
export function register(app: App, services: SlackServices): void {
  const paging = pageButton(services, { replace: true });
  const newSearch = pageButton(services, { replace: false });
  const homeTab = createHomeTab(services);
  const home = homeButton(services, homeTab);
  const listeners: [string, ReturnType<typeof pageButton>][] = [
    [ACTION_IDS.pagePrev, paging],
    [ACTION_IDS.pageNext, paging],
    [ACTION_IDS.share, shareButton(services)],
    [ACTION_IDS.details, detailsButton(services)],
    [ACTION_IDS.exportCsv, exportButton(services)],
    [ACTION_IDS.homeExportCsv, homeExportButton(services)],
    [ACTION_IDS.searchUser, newSearch],
    // The daily summary is a public message: its button answers privately and never replaces it.
    [SUMMARY_SHOW_INTERRUPTED_ACTION, newSearch],
    // Incident messages are public too: Show calls answers privately; the others change the message in place.
    [INCIDENT_ACTIONS.showCalls, newSearch],
    [INCIDENT_ACTIONS.acknowledge, incidentButton(services, 'acknowledge')],
    [INCIDENT_ACTIONS.mute1h, incidentButton(services, 'mute1h')],
    [INCIDENT_ACTIONS.mute24h, incidentButton(services, 'mute24h')],
    // `/calls watches`: stop one watch, the list shown again in place.
    [WATCH_STOP_ACTION, watchStopButton(services)],
    // Buttons in modals (and a call card's Details, which opens one): answered with views.open / views.update.
    [MODAL_ACTIONS.call, modalCallButton(services)],
    [MODAL_ACTIONS.pagePrev, modalPageButton(services)],
    [MODAL_ACTIONS.pageNext, modalPageButton(services)],
    [MODAL_ACTIONS.userCalls, modalPageButton(services)],
    // The Home tab's buttons (no response_url: each answer is a views.publish).
    ...HOME_BUTTON_ACTIONS.map((actionId): [string, ReturnType<typeof pageButton>] => [actionId, home]),
  ];
  for (const [actionId, listener] of listeners) app.action(actionId, listener);
  app.action(anyActionExcept(listeners.map(([actionId]) => actionId)), unknownButton(services, homeTab));
}
