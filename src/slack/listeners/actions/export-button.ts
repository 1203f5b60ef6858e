import type { AllMiddlewareArgs, BlockAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { beginAudit } from '../../audit.js';
import type { SlackServices } from '../../services.js';
import { decodePageButton } from '../../state/button-state.js';
import { decodeHomeState } from '../../state/home-state.js';
import { renderNote, renderProblem } from '../../views/errors.js';
import { afterAck } from '../after-ack.js';
import { deliver } from '../deliver.js';
import { sendExport } from '../export-flow.js';
import { type ButtonArgs, beginMessageButton } from './requester.js';

/**
 * "Export CSV" on a result message: the file goes to the person's DM; the answer ("Sent to your DM…" or what went
 * wrong, in one sentence) is ephemeral, added below the results.
 */
export function exportButton(services: SlackServices) {
  return async (args: ButtonArgs): Promise<void> => {
    const click = await beginMessageButton(services, args, decodePageButton);
    if (!click) return;
    const outcome = await sendExport(services, args.client, click.requester.userId, click.state.query, click.audit);
    const message = outcome.ok
      ? renderNote(outcome.text, { demo: services.demo })
      : renderProblem(outcome.text, { demo: services.demo });
    await deliver(click.delivery, click.requester, message, { replaceOriginal: false });
  };
}

type HomeActionArgs = AllMiddlewareArgs & SlackActionMiddlewareArgs<BlockAction>;

/**
 * "Export CSV" in the Home tab: the search on screen (kept in the view's private_metadata) goes to the person's
 * DM. The Home tab has no ephemeral answer: the file in the DM is the answer, and a failure is said there too
 * (or only logged when not even the DM could be opened).
 */
export function homeExportButton(services: SlackServices) {
  return async ({ ack, body, client }: HomeActionArgs): Promise<void> => {
    await ack();
    if (body.view?.type !== 'home') return;
    await afterAck();
    const userId = body.user.id;
    const audit = beginAudit(services.logger, { surface: 'home:home_export_csv', user: userId });
    const metadata = (body.view as { private_metadata?: unknown }).private_metadata;
    const state = typeof metadata === 'string' ? decodeHomeState(metadata) : undefined;
    if (!state?.ok || state.state.search === undefined) {
      audit.finish({ outcome: 'home-state-malformed' });
      return;
    }
    const outcome = await sendExport(services, client, userId, state.state.search.query, audit);
    if (outcome.ok || outcome.channel === undefined) return;
    try {
      await client.chat.postMessage({
        channel: outcome.channel,
        ...renderProblem(outcome.text, { demo: services.demo }),
      });
    } catch (error) {
      services.logger.warn({ err: error, user: userId }, 'could not tell the person the export failed');
    }
  };
}
