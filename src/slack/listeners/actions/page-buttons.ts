import { searchPage } from '../../search-answer.js';
import type { SlackServices } from '../../services.js';
import { decodePageButton } from '../../state/button-state.js';
import { deliver } from '../deliver.js';
import { type ButtonArgs, beginMessageButton } from './requester.js';

/**
 * A button whose value is a pinned query and a page (`encodePageButton`): Previous/Next replace the message in
 * place (`replace: true`, through the button's own response_url); "Other calls of …" and the daily summary's
 * "Show interrupted calls" add a new ephemeral message (`replace: false`).
 *
 * Buttons in the Home tab come without a response_url; the Home tab has action_ids of its own.
 */
export function pageButton(services: SlackServices, options: { replace: boolean }) {
  return async (args: ButtonArgs): Promise<void> => {
    const click = await beginMessageButton(services, args, decodePageButton);
    if (!click) return;
    const { query, page, anchor } = click.state;
    const timeZone = await services.timeZones.get(click.requester.userId);
    const request = { pinned: query, page, timeZone, ...(anchor ? { anchor } : {}) };
    const answer = await searchPage(services, request, click.audit);
    // A failure is added below the results instead of replacing them, so the person can simply click again.
    await deliver(click.delivery, click.requester, answer.message, { replaceOriginal: answer.ok && options.replace });
  };
}
