import type { App } from '@slack/bolt';
import type { SlackServices } from '../../services.js';
import { SEARCH_MODAL_CALLBACK_ID, SHORTCUT_IDS } from '../../views/ids.js';
import { findCallsShortcut } from './find-calls.js';
import { searchCallsShortcut, searchCallsSubmission } from './search-calls.js';

/** Shortcuts (as declared in manifest.yml) and the submission of the modal they open. */
export function register(app: App, services: SlackServices): void {
  app.shortcut({ callback_id: SHORTCUT_IDS.findCalls, type: 'message_action' }, findCallsShortcut(services));
  app.shortcut({ callback_id: SHORTCUT_IDS.searchCalls, type: 'shortcut' }, searchCallsShortcut(services));
  app.view({ callback_id: SEARCH_MODAL_CALLBACK_ID, type: 'view_submission' }, searchCallsSubmission(services));
}
