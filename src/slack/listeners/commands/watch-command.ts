/**
 * `/calls watch <query>`, `/calls watches` and `/calls unwatch <n>`. The words `watch`, `watches` and
 * `unwatch` at the start of the text are these commands, never a user ID (write `user:watch` for a user so named).
 * The answers go out like any other /calls answer: ephemeral, through the response_url.
 */
import { parseQuery } from '../../../calls/parse-query.js';
import { resolveNames } from '../../../calls/resolve-names.js';
import { NO_NAMES, type UserNames } from '../../../calls/user-names.js';
import { type Watch, watchFilterOf } from '../../../calls/watch-rules.js';
import { userFacingError } from '../../error-messages.js';
import type { Requester } from '../../search-answer.js';
import type { SlackServices, WatchServices } from '../../services.js';
import { renderProblem, renderQueryErrors } from '../../views/errors.js';
import type { RenderedMessage } from '../../views/result-page.js';
import { renderWatchDuplicate, renderWatchList, renderWatchStarted, renderWatchStopped } from '../../views/watch.js';

export type WatchCommand = { kind: 'watch'; query: string } | { kind: 'list' } | { kind: 'unwatch'; which: string };

const EXAMPLE = '`/calls watch user:147 result:dropped`';

/** The watch command in a /calls text, or undefined for a search. */
export function readWatchCommand(text: string): WatchCommand | undefined {
  const match = /^\s*(\S+)\s*([\s\S]*)$/.exec(text);
  const word = match?.[1]?.toLowerCase();
  const rest = (match?.[2] ?? '').trim();
  if (word === 'watch') return { kind: 'watch', query: rest };
  if (word === 'watches') return { kind: 'list' };
  if (word === 'unwatch') return { kind: 'unwatch', which: rest };
  return undefined;
}

/** The answer to a watch command. Never throws: a store failure becomes one sentence. */
export async function answerWatchCommand(
  services: SlackServices,
  command: WatchCommand,
  requester: Requester,
): Promise<RenderedMessage> {
  const demo = { demo: services.demo };
  const watches = services.watches;
  if (watches === undefined) {
    return renderProblem('Watches are not available here: this app runs without its call-record store.', demo);
  }
  const teamId = requester.teamId ?? services.identity.teamId;
  services.logger.info(
    { audit: 'watch', action: command.kind, user: requester.userId, team: teamId, channel: requester.channelId },
    'watch command',
  );
  try {
    switch (command.kind) {
      case 'watch':
        return await startWatch(services, watches, command.query, { ...requester, teamId });
      case 'list': {
        const list = await watches.store.listWatches(teamId, requester.userId, services.now());
        const timeZone = await services.timeZones.get(requester.userId);
        return renderWatchList(list, { ...demo, timeZone, names: await namesOfWatches(services, list) });
      }
      case 'unwatch':
        return await stopWatch(services, watches, command.which, { ...requester, teamId });
    }
  } catch (error) {
    return renderProblem(userFacingError(error, services.logger, { watch: command.kind }).text, demo);
  }
}

async function startWatch(
  services: SlackServices,
  watches: WatchServices,
  text: string,
  requester: Requester & { teamId: string },
): Promise<RenderedMessage> {
  const demo = { demo: services.demo };
  const parsed = parseQuery(text);
  if (parsed.kind === 'invalid') return renderQueryErrors(parsed.errors, demo);
  if (parsed.kind === 'help') return renderProblem(`Say what to watch, for example ${EXAMPLE}.`, demo);
  // `name:` becomes the users whose cached name matches now, listed in the reply; the watch follows those users.
  const resolved = await resolveNames(parsed.query, services.names);
  if (!resolved.ok) return renderProblem(resolved.message, demo);
  const filter = watchFilterOf(resolved.query);
  if (!filter.ok) return renderProblem(filter.message, demo);
  const { users, results, callTypes, mediaTypes } = filter.filter;
  if (users.length + results.length + callTypes.length + mediaTypes.length === 0) {
    return renderProblem(`Say what to watch (a user, a result…), for example ${EXAMPLE}.`, demo);
  }
  const now = services.now();
  const created = await watches.store.createWatch(
    {
      teamId: requester.teamId,
      userId: requester.userId,
      // The channel it was asked from: access to it is checked again at each DM.
      channelId: requester.channelId ?? '',
      filter: filter.filter,
      createdAt: now,
      expiresAt: now + watches.days * 86_400,
    },
    now,
  );
  if (created.kind === 'limit') {
    return renderProblem('You have as many watches as one person may: stop one first (see `/calls watches`).', demo);
  }
  if (created.kind === 'duplicate') {
    const names = await namesOfWatches(services, [created.existing]);
    return renderWatchDuplicate(created.existing, created.position, { ...demo, names });
  }
  const watch = created.watch;
  const list = await watches.store.listWatches(requester.teamId, requester.userId, now);
  const position = list.findIndex((w) => w.id === watch.id) + 1 || list.length;
  const timeZone = await services.timeZones.get(requester.userId);
  const names = await namesOfWatches(services, [watch]);
  return renderWatchStarted(watch, position, {
    ...demo,
    timeZone,
    names,
    matched: resolved.notices,
    ...(watches.viaSync === undefined ? {} : { viaSync: watches.viaSync }),
  });
}

/** The cached names of the users these watches follow; none when the cache fails (IDs alone then). */
export async function namesOfWatches(services: SlackServices, list: readonly Watch[]): Promise<UserNames> {
  if (services.names === undefined) return NO_NAMES;
  try {
    return await services.names.namesOf(list.flatMap((watch) => watch.filter.users));
  } catch {
    return NO_NAMES;
  }
}

async function stopWatch(
  services: SlackServices,
  watches: WatchServices,
  which: string,
  requester: Requester & { teamId: string },
): Promise<RenderedMessage> {
  const demo = { demo: services.demo };
  const now = services.now();
  const list = await watches.store.listWatches(requester.teamId, requester.userId, now);
  const n = /^\d{1,3}$/.test(which) ? Number(which) : Number.NaN;
  const watch: Watch | undefined = list[n - 1];
  if (watch === undefined) {
    const sentence =
      list.length === 0
        ? 'You have no watches to stop.'
        : `Say which watch to stop, from 1 to ${list.length}: \`/calls unwatch 1\` (\`/calls watches\` lists them).`;
    return renderProblem(sentence, demo);
  }
  await watches.store.endWatch(watch.id, requester.userId, now);
  return renderWatchStopped(watch, { ...demo, names: await namesOfWatches(services, [watch]) });
}
