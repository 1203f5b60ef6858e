import type { AllMiddlewareArgs, BlockAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import {
  HOME_DETAIL_ACTIONS,
  type HomeActionInput,
  type HomeTab,
  type HomeViewer,
  publisher,
} from '../../home/home-service.js';
import type { SlackServices } from '../../services.js';
import { ACTION_IDS } from '../../views/ids.js';
import { afterAck } from '../after-ack.js';

type HomeActionArgs = AllMiddlewareArgs & SlackActionMiddlewareArgs<BlockAction>;

/** The Home tab's buttons: action_id → what the Home tab does. */
export const HOME_BUTTON_ACTIONS = [
  ACTION_IDS.homeSearch,
  ACTION_IDS.homeClear,
  ACTION_IDS.homePagePrev,
  ACTION_IDS.homePageNext,
  ACTION_IDS.homeDetails,
  HOME_DETAIL_ACTIONS.back,
  HOME_DETAIL_ACTIONS.otherCalls,
] as const;

function viewerOf(body: BlockAction): HomeViewer {
  const teamId = body.team?.id ?? body.user.team_id;
  return { userId: body.user.id, ...(teamId ? { teamId } : {}) };
}

function inputOf(body: BlockAction): HomeActionInput {
  const action = body.actions[0] as { value?: unknown } | undefined;
  const view = body.view as { private_metadata?: unknown; state?: { values?: unknown } } | undefined;
  return {
    ...(typeof action?.value === 'string' ? { value: action.value } : {}),
    ...(typeof view?.private_metadata === 'string' ? { privateMetadata: view.private_metadata } : {}),
    ...(view?.state?.values === undefined ? {} : { stateValues: view.state.values }),
  };
}

/**
 * One listener for every Home tab button: acks at once (Home actions have no response_url; the answer is a new
 * view published with views.publish), then does the work. A click outside a Home view is ignored.
 */
export function homeButton(services: Pick<SlackServices, 'logger'>, home: HomeTab) {
  return async ({ ack, body, action, client }: HomeActionArgs): Promise<void> => {
    await ack();
    if (body.view?.type !== 'home') return;
    await afterAck();
    const viewer = viewerOf(body);
    const input = inputOf(body);
    const publish = publisher(client, services.logger);
    switch (action.action_id) {
      case ACTION_IDS.homeSearch:
        return home.search(viewer, input, publish);
      case ACTION_IDS.homeClear:
        return home.clear(viewer, publish);
      case ACTION_IDS.homePagePrev:
      case ACTION_IDS.homePageNext:
      case HOME_DETAIL_ACTIONS.back:
        return home.page(viewer, input, publish, `home:${action.action_id}`);
      case ACTION_IDS.homeDetails:
        return home.details(viewer, input, publish);
      case HOME_DETAIL_ACTIONS.otherCalls:
        return home.otherCalls(viewer, input, publish);
      default:
        return;
    }
  };
}
