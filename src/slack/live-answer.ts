/**
 * `/calls live [user:147] [media:video]`: the calls in progress now. The filter is read by the search grammar;
 * only users, names and media apply to calls that have not ended.
 */
import { findLiveCalls } from '../calls/live-calls.js';
import { parseQuery } from '../calls/parse-query.js';
import { resolveNames } from '../calls/resolve-names.js';
import { beginAudit } from './audit.js';
import { finishWithError } from './error-messages.js';
import { lookupNames } from './lookup-names.js';
import type { Requester } from './search-answer.js';
import type { SlackServices } from './services.js';
import { describeCallees } from './views/call-blocks.js';
import { renderProblem, renderQueryErrors } from './views/errors.js';
import { renderLiveCalls } from './views/live.js';
import type { RenderedMessage } from './views/result-page.js';

/** Calls in progress shown in one answer. */
export const MAX_LIVE_SHOWN = 20;

/** `live` and what follows it, or undefined when the text is not a live command. */
export function readLiveCommand(text: string): string | undefined {
  const match = /^\s*live\b([\s\S]*)$/i.exec(text);
  return match === null ? undefined : (match[1] ?? '').trim();
}

export async function answerLive(
  services: SlackServices,
  filterText: string,
  requester: Requester,
): Promise<RenderedMessage> {
  const audit = beginAudit(services.logger, {
    surface: 'command:live',
    user: requester.userId,
    team: requester.teamId,
    channel: requester.channelId,
    text: filterText,
  });
  const demo = { demo: services.demo };
  try {
    if (services.events === undefined) {
      audit.finish({ outcome: 'unavailable' });
      return renderProblem(
        'Calls in progress are not available here: this app runs without its call-record store.',
        demo,
      );
    }
    const parsed = parseQuery(filterText);
    if (parsed.kind === 'invalid') {
      audit.finish({ outcome: 'invalid' });
      return renderQueryErrors(parsed.errors, demo);
    }
    const query = parsed.kind === 'query' ? parsed.query : undefined;
    let users: string[] = [];
    if (query !== undefined) {
      const resolved = await resolveNames(query, services.names);
      if (!resolved.ok) {
        audit.finish({ outcome: 'names-unmatched' });
        return renderProblem(resolved.message, demo);
      }
      users = resolved.query.users;
    }
    const nowMs = services.now() * 1000;
    const [timeZone, found] = await Promise.all([
      services.timeZones.get(requester.userId),
      findLiveCalls(services.events, { users, mediaTypes: query?.mediaTypes ?? [] }, nowMs, MAX_LIVE_SHOWN),
    ]);
    const members = found.calls.flatMap((call) => call.members.map((member) => member.userId));
    const names = await lookupNames(services, [...users, ...members]);
    audit.finish({ outcome: 'ok', total: found.calls.length });
    return renderLiveCalls(found.calls, {
      demo: services.demo,
      timeZone,
      nowMs,
      names,
      more: found.more,
      filterText: users.length === 0 ? '' : `with ${describeCallees(users, names)}`,
    });
  } catch (error) {
    const failure = finishWithError(audit, error, services.logger, { surface: 'command:live' });
    return renderProblem(failure.text, demo);
  }
}
