import type {
  AllMiddlewareArgs,
  GlobalShortcut,
  SlackShortcutMiddlewareArgs,
  SlackViewMiddlewareArgs,
  ViewSubmitAction,
} from '@slack/bolt';
import { beginAudit } from '../../audit.js';
import { filtersFromViewState, pinHomeFilters } from '../../home/home-filters.js';
import { searchPage } from '../../search-answer.js';
import type { SlackServices } from '../../services.js';
import { DEFAULT_HOME_FILTERS } from '../../state/home-state.js';
import { encodeModalState } from '../../state/modal-state.js';
import { renderSearchModal } from '../../views/find-calls.js';
import { section } from '../../views/format.js';
import { renderModal } from '../../views/modal.js';
import { updateModal } from '../modal-views.js';

const RESULTS_TITLE = 'Calls';

/** Global shortcut "Search calls": the Home tab's filters in a modal. Opened at once (a trigger_id lasts 3 s). */
export function searchCallsShortcut(services: SlackServices) {
  return async ({ shortcut, ack, client }: AllMiddlewareArgs & SlackShortcutMiddlewareArgs<GlobalShortcut>) => {
    await ack();
    try {
      // No zone given to the time pickers: Slack shows the person's own, which is the zone the search reads them in.
      await client.views.open({
        trigger_id: shortcut.trigger_id,
        view: renderSearchModal(DEFAULT_HOME_FILTERS, {
          timeZone: '',
          retentionDays: services.retentionDays,
          demo: services.demo,
        }),
      });
    } catch (error) {
      services.logger.warn({ err: error }, 'could not open the Search calls modal');
    }
  };
}

/**
 * Search, in the "Search calls" modal: answered at once with "Looking up…" in its place, then the first page of
 * results (paging in the modal), or the form again with the problem under the control it concerns.
 */
export function searchCallsSubmission(services: SlackServices) {
  return async ({ ack, body, view, client }: AllMiddlewareArgs & SlackViewMiddlewareArgs<ViewSubmitAction>) => {
    const privateMetadata = encodeModalState({});
    const loading = { blocks: [section(':hourglass_flowing_sand: Looking up…', 'modal_loading')] };
    await ack({ response_action: 'update', view: renderModal(loading, { title: RESULTS_TITLE, privateMetadata }) });
    const userId = body.user.id;
    const timeZone = await services.timeZones.get(userId);
    const read = filtersFromViewState(view.state.values);
    const pinned = await pinHomeFilters(
      read.filters,
      services.now(),
      timeZone,
      services.retentionDays,
      services.names,
    ).catch(() => undefined);
    const errors =
      pinned === undefined
        ? { general: 'The search could not be run; try again.' }
        : pinned.ok
          ? read.errors
          : { ...read.errors, ...pinned.errors };
    if (pinned === undefined || !pinned.ok || Object.keys(read.errors).length > 0) {
      const form = renderSearchModal(read.filters, {
        timeZone,
        retentionDays: services.retentionDays,
        demo: services.demo,
        errors,
      });
      await updateModal(client, services.logger, view.id, form);
      return;
    }
    const audit = beginAudit(services.logger, { surface: 'shortcut:search_calls', user: userId, team: body.team?.id });
    const answer = await searchPage(
      services,
      { pinned: pinned.pinned, page: 1, timeZone, notices: pinned.notices },
      audit,
    );
    await updateModal(
      client,
      services.logger,
      view.id,
      renderModal(answer.message, { title: RESULTS_TITLE, privateMetadata }),
    );
  };
}
