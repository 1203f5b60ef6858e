/**
 * Showing answers in a modal: opened at once with "Looking up…" (a trigger_id is good for 3 seconds, a lookup may
 * take longer), then updated with the answer; a click inside a modal updates that modal. Never throws: a modal
 * Slack did not take is logged.
 */
import type { webApi } from '@slack/bolt';
import type { ModalView } from '@slack/types';
import type { Logger } from '../../shared/logger.js';
import { section } from '../views/format.js';
import { renderModal } from '../views/modal.js';

/** Opens a modal that says it is looking; resolves its view ID (undefined when Slack refused it). */
export async function openLoadingModal(
  client: webApi.WebClient,
  logger: Logger,
  options: { triggerId: string; title: string; privateMetadata: string },
): Promise<string | undefined> {
  try {
    const opened = await client.views.open({
      trigger_id: options.triggerId,
      view: renderModal({ blocks: [section(':hourglass_flowing_sand: Looking up…', 'modal_loading')] }, options),
    });
    return opened.view?.id;
  } catch (error) {
    logger.warn({ err: error }, 'could not open a modal');
    return undefined;
  }
}

export async function updateModal(
  client: webApi.WebClient,
  logger: Logger,
  viewId: string,
  view: ModalView,
): Promise<void> {
  try {
    await client.views.update({ view_id: viewId, view });
  } catch (error) {
    logger.warn({ err: error }, 'could not update a modal');
  }
}
