/**
 * Search and answer, the one use case behind `/calls`, its buttons and the Home tab: pin a query (the retention
 * the store keeps), find a page of it or one call in the store (`findPage`, `findCall`: each writes the audit line
 * and turns a failure into one sentence, error-messages.ts), then render for the surface: a message here
 * (`answerQuery`, `searchPage`, `callDetails`), a Home view in home-service.ts. Nothing here throws: a failure in
 * one request never reaches another.
 */
import { parseQuery } from '../calls/parse-query.js';
import type { CallQuery, PinnedQuery } from '../calls/query.js';
import type { CallRecord } from '../calls/records.js';
import { resolveNames } from '../calls/resolve-names.js';
import type { PageAnchor, SearchPage } from '../calls/search-page.js';
import { type PinResult, pinQuery } from '../calls/time-range.js';
import { NO_NAMES, usersOf } from '../calls/user-names.js';
import type { QueryAudit } from './audit.js';
import { beginAudit } from './audit.js';
import { finishWithError, queryTooLongMessage, type UserFacingError } from './error-messages.js';
import { lookupNames } from './lookup-names.js';
import type { SlackServices } from './services.js';
import { renderCallDetails } from './views/call-details.js';
import { renderProblem, renderQueryErrors } from './views/errors.js';
import { renderHelp } from './views/help.js';
import { type RenderedMessage, renderResultPage } from './views/result-page.js';

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

type SearchServices = Pick<SlackServices, 'search' | 'logger' | 'retentionDays'>;

/** A parsed query made absolute at `now` in the person's zone, within what the store keeps. */
export function pinFor(
  services: Pick<SlackServices, 'retentionDays'>,
  query: CallQuery,
  now: number,
  timeZone: string,
): PinResult {
  return pinQuery(query, now, timeZone, { retentionDays: services.retentionDays });
}

/**
 * Page `page` of a pinned search (by `anchor` when given), with `notices` put first; or the failure as one
 * sentence. Finishes `audit`.
 */
export async function findPage(
  services: SearchServices,
  request: { pinned: PinnedQuery; page: number; anchor?: PageAnchor; notices?: readonly string[] },
  audit: QueryAudit,
  context: Record<string, unknown> = {},
): Promise<{ ok: true; page: SearchPage } | { ok: false; failure: UserFacingError }> {
  audit.set({ pinned: request.pinned, page: request.page });
  try {
    const result = await services.search.searchCalls(request.pinned, request.page, {
      meter: audit.meter,
      ...(request.anchor ? { anchor: request.anchor } : {}),
    });
    audit.set({ page: result.page });
    audit.finish({ outcome: 'ok', total: result.total, pageCount: result.pageCount });
    const notices = [...(request.notices ?? []), ...result.notices];
    return { ok: true, page: { ...result, notices } };
  } catch (error) {
    const failure = finishWithError(audit, error, services.logger, { ...context, page: request.page });
    return { ok: false, failure };
  }
}

/** One call (null: neither the store nor Tencent has it), or the failure as one sentence. Finishes `audit`. */
export async function findCall(
  services: SearchServices,
  callId: string,
  audit: QueryAudit,
  context: Record<string, unknown> = {},
): Promise<{ ok: true; record: CallRecord | null } | { ok: false; failure: UserFacingError }> {
  audit.set({ callId });
  try {
    const record = await services.search.getCall(callId, { meter: audit.meter });
    audit.finish({ outcome: record === null ? 'not-found' : 'ok', total: record === null ? 0 : 1 });
    return { ok: true, record };
  } catch (error) {
    const failure = finishWithError(audit, error, services.logger, { ...context, callId });
    return { ok: false, failure };
  }
}

/** Renders page `page` of a pinned search, or the failure as one sentence. Finishes `audit`. */
export async function searchPage(
  services: SlackServices,
  request: PageRequest,
  audit: QueryAudit,
): Promise<PageAnswer> {
  const found = await findPage(services, request, audit);
  if (!found.ok) return { ok: false, message: renderProblem(found.failure.text, { demo: services.demo }) };
  const names = await lookupNames(services, [...request.pinned.users, ...usersOf(found.page.records)]);
  return {
    ok: true,
    message: renderResultPage(found.page, {
      demo: services.demo,
      timeZone: request.timeZone,
      now: services.now() * 1000,
      names,
      offerExport: services.exportCalls !== undefined,
      ...(services.publicUrl === undefined ? {} : { publicUrl: services.publicUrl }),
      ...(request.sharedBy === undefined ? {} : { sharedBy: request.sharedBy }),
    }),
  };
}

/** Renders every detail of one call (or that there is no such call). Finishes `audit`. */
export async function callDetails(
  services: SlackServices,
  request: { callId: string; timeZone: string },
  audit: QueryAudit,
): Promise<RenderedMessage> {
  const found = await findCall(services, request.callId, audit);
  if (!found.ok) return renderProblem(found.failure.text, { demo: services.demo });
  return renderCallDetails(found.record, {
    names: found.record === null ? NO_NAMES : await lookupNames(services, usersOf([found.record])),
    callId: request.callId,
    ...(services.publicUrl === undefined ? {} : { publicUrl: services.publicUrl }),
    demo: services.demo,
    timeZone: request.timeZone,
    now: services.now() * 1000,
  });
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
      return renderHelp({ demo: services.demo, retentionDays: services.retentionDays });
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
    const pinned = pinFor(services, resolved.query, services.now(), timeZone);
    if ('error' in pinned) {
      audit.finish({ outcome: 'invalid-range' });
      return renderProblem(pinned.error, { demo: services.demo });
    }
    const notices = [...resolved.notices, ...pinned.notices, ...(parsed.hints ?? [])];
    return (await searchPage(services, { pinned: pinned.pinned, page: 1, timeZone, notices }, audit)).message;
  } catch (error) {
    // Only a bug gets here (every expected failure is rendered above).
    const failure = finishWithError(audit, error, services.logger, { surface: 'command' });
    return renderProblem(failure.text, { demo: services.demo });
  }
}
