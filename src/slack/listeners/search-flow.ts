/**
 * The steps every `/calls` surface shares: answer a typed query, render one page of a pinned search or one call,
 * and deliver the answer through the response_url. Each answer writes one audit line; each failure becomes one
 * sentence (error-messages.ts). Nothing here throws: a failure in one request never reaches another.
 */
import { RespondError, type RespondFn, type webApi } from '@slack/bolt';
import { parseQuery } from '../../calls/parse-query.js';
import type { PinnedQuery } from '../../calls/query.js';
import { resolveNames } from '../../calls/resolve-names.js';
import type { PageAnchor } from '../../calls/search-page.js';
import { pinQuery } from '../../calls/time-range.js';
import { NO_NAMES, usersOf } from '../../calls/user-names.js';
import type { Logger } from '../../logger.js';
import type { QueryAudit } from '../audit.js';
import { beginAudit } from '../audit.js';
import { queryTooLongMessage, userFacingError } from '../error-messages.js';
import { lookupNames } from '../lookup-names.js';
import type { SlackServices } from '../services.js';
import { renderCallDetails } from '../views/call-details.js';
import { renderExpiredReply, renderProblem, renderQueryErrors } from '../views/errors.js';
import { renderHelp } from '../views/help.js';
import { type RenderedMessage, renderResultPage } from '../views/result-page.js';

/** Longer than anything the parser reads: answered without parsing. */
export const MAX_COMMAND_TEXT = 4_000;

/** Who asked, and from where. */
export interface Requester {
  userId: string;
  teamId?: string;
  channelId?: string;
}

export interface PageRequest {
  pinned: PinnedQuery;
  page: number;
  /** The call the page is found by (a Previous / Next / Share button's); without it, by position. */
  anchor?: PageAnchor;
  /** The reader's zone (for fallbacks of dates). */
  timeZone: string;
  /** Shown above the results (pinning notices, parser hints). */
  notices?: string[];
  /** Set for a public snapshot (Share). */
  sharedBy?: string;
}

export interface PageAnswer {
  message: RenderedMessage;
  /** False when the message explains a failure instead of showing calls. */
  ok: boolean;
}

/** Renders page `page` of a pinned search, or the failure as one sentence. Finishes `audit`. */
export async function searchPage(
  services: SlackServices,
  request: PageRequest,
  audit: QueryAudit,
): Promise<PageAnswer> {
  audit.set({ pinned: request.pinned, page: request.page });
  try {
    const result = await services.search.searchCalls(request.pinned, request.page, {
      meter: audit.meter,
      ...(request.anchor ? { anchor: request.anchor } : {}),
    });
    const notices = [...(request.notices ?? []), ...result.notices];
    audit.set({ page: result.page });
    audit.finish({ outcome: 'ok', total: result.total, pageCount: result.pageCount });
    const names = await lookupNames(services, [...request.pinned.users, ...usersOf(result.records)]);
    return {
      ok: true,
      message: renderResultPage(
        { ...result, notices },
        {
          demo: services.demo,
          timeZone: request.timeZone,
          now: services.now() * 1000,
          names,
          offerExport: services.exportCalls !== undefined,
          ...(request.sharedBy === undefined ? {} : { sharedBy: request.sharedBy }),
        },
      ),
    };
  } catch (error) {
    const failure = userFacingError(error, services.logger, { page: request.page });
    audit.finish({ outcome: failure.outcome, ...(failure.ref === undefined ? {} : { ref: failure.ref }) });
    return { ok: false, message: renderProblem(failure.text, { demo: services.demo }) };
  }
}

/** Renders every detail of one call (or that there is no such call). Finishes `audit`. */
export async function callDetails(
  services: SlackServices,
  request: { callId: string; timeZone: string },
  audit: QueryAudit,
): Promise<RenderedMessage> {
  audit.set({ callId: request.callId });
  try {
    const record = await services.search.getCall(request.callId, { meter: audit.meter });
    audit.finish({ outcome: record === null ? 'not-found' : 'ok', total: record === null ? 0 : 1 });
    return renderCallDetails(record, {
      names: record === null ? NO_NAMES : await lookupNames(services, usersOf([record])),
      callId: request.callId,
      demo: services.demo,
      timeZone: request.timeZone,
      now: services.now() * 1000,
    });
  } catch (error) {
    const failure = userFacingError(error, services.logger, { callId: request.callId });
    audit.finish({ outcome: failure.outcome, ...(failure.ref === undefined ? {} : { ref: failure.ref }) });
    return renderProblem(failure.text, { demo: services.demo });
  }
}

/** The whole answer to `/calls <text>`: help, the parser's errors, one call, or page 1 of the search. */
export async function answerQuery(
  services: SlackServices,
  text: string,
  requester: Requester,
): Promise<RenderedMessage> {
  const audit = beginAudit(services.logger, {
    surface: 'command',
    user: requester.userId,
    team: requester.teamId,
    channel: requester.channelId,
    text,
  });
  try {
    if (text.length > MAX_COMMAND_TEXT) {
      audit.finish({ outcome: 'invalid' });
      return renderProblem(queryTooLongMessage(text.length, MAX_COMMAND_TEXT), { demo: services.demo });
    }
    const parsed = parseQuery(text);
    if (parsed.kind === 'help') {
      audit.finish({ outcome: 'help' });
      return renderHelp({ demo: services.demo });
    }
    if (parsed.kind === 'invalid') {
      audit.finish({ outcome: 'invalid' });
      return renderQueryErrors(parsed.errors, { demo: services.demo });
    }
    const timeZone = await services.timeZones.get(requester.userId);
    if (parsed.query.callId !== undefined) {
      return await callDetails(services, { callId: parsed.query.callId, timeZone }, audit);
    }
    const resolved = await resolveNames(parsed.query, services.names);
    if (!resolved.ok) {
      audit.finish({ outcome: 'names-unmatched' });
      return renderProblem(resolved.message, { demo: services.demo });
    }
    const pinned = pinQuery(resolved.query, services.now(), timeZone);
    if ('error' in pinned) {
      audit.finish({ outcome: 'invalid-range' });
      return renderProblem(pinned.error, { demo: services.demo });
    }
    const notices = [...resolved.notices, ...pinned.notices, ...(parsed.hints ?? [])];
    return (await searchPage(services, { pinned: pinned.pinned, page: 1, timeZone, notices }, audit)).message;
  } catch (error) {
    // Only a bug gets here (every expected failure is rendered above).
    const failure = userFacingError(error, services.logger, { surface: 'command' });
    audit.finish({ outcome: failure.outcome, ...(failure.ref === undefined ? {} : { ref: failure.ref }) });
    return renderProblem(failure.text, { demo: services.demo });
  }
}

export interface Delivery {
  respond: RespondFn;
  client: webApi.WebClient;
  logger: Logger;
  /** Demo mode: the "search again" note says so too. */
  demo: boolean;
}

/**
 * Sends `message` through the response_url, ephemeral. `replaceOriginal: true` replaces the message that holds
 * the clicked button (paging); false adds a new one. When the response_url no longer answers (30 minutes, 5 uses)
 * the person is told with chat.postEphemeral to run the search again. Never throws.
 */
export async function deliver(
  delivery: Delivery,
  requester: Requester,
  message: RenderedMessage | { text: string },
  options: { replaceOriginal?: boolean } = {},
): Promise<boolean> {
  try {
    await delivery.respond({
      response_type: 'ephemeral',
      ...(options.replaceOriginal === undefined ? {} : { replace_original: options.replaceOriginal }),
      ...message,
    });
    return true;
  } catch (error) {
    if (!(error instanceof RespondError)) {
      delivery.logger.error({ err: error, user: requester.userId }, 'could not send the reply');
      return false;
    }
    delivery.logger.warn(
      { status: error.statusCode, user: requester.userId, channel: requester.channelId },
      'response_url refused the reply (expired or used up)',
    );
    if (requester.channelId === undefined) return false;
    try {
      await delivery.client.chat.postEphemeral({
        channel: requester.channelId,
        user: requester.userId,
        ...renderExpiredReply({ demo: delivery.demo }),
      });
    } catch (fallbackError) {
      delivery.logger.warn({ err: fallbackError, user: requester.userId }, 'could not tell the person to search again');
    }
    return false;
  }
}
