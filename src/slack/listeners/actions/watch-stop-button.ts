import { userFacingError } from '../../error-messages.js';
import type { SlackServices } from '../../services.js';
import { renderProblem } from '../../views/errors.js';
import { renderWatchList } from '../../views/watch.js';
import { afterAck } from '../after-ack.js';
import { namesOfWatches } from '../commands/watch-command.js';
import { deliver } from '../deliver.js';
import type { ButtonArgs } from './requester.js';
import { requesterOf } from './requester.js';

const WATCH_ID = /^[0-9a-f-]{36}$/;

/** "Stop" in `/calls watches`: ends that watch (only the clicker's own) and shows the list again, in place. */
export function watchStopButton(services: SlackServices) {
  return async ({ ack, action, body, respond, client }: ButtonArgs): Promise<void> => {
    await ack();
    await afterAck();
    const requester = requesterOf(body);
    const delivery = { respond, client, logger: services.logger, demo: services.demo };
    const watches = services.watches;
    const id = action.value ?? '';
    if (watches === undefined || !WATCH_ID.test(id)) {
      await deliver(delivery, requester, renderProblem('This button is out of date; see `/calls watches`.', delivery), {
        replaceOriginal: false,
      });
      return;
    }
    const teamId = requester.teamId ?? services.identity.teamId;
    const now = services.now();
    try {
      const stopped = await watches.store.endWatch(id, requester.userId, now);
      services.logger.info({ audit: 'watch', action: 'stop', user: requester.userId, stopped }, 'watch stop button');
      const list = await watches.store.listWatches(teamId, requester.userId, now);
      const timeZone = await services.timeZones.get(requester.userId);
      await deliver(
        delivery,
        requester,
        renderWatchList(list, { demo: services.demo, timeZone, names: await namesOfWatches(services, list) }),
        {
          replaceOriginal: true,
        },
      );
    } catch (error) {
      const failure = userFacingError(error, services.logger, { watch: 'stop' });
      await deliver(delivery, requester, renderProblem(failure.text, delivery), { replaceOriginal: false });
    }
  };
}
