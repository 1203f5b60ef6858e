/**
 * The one place where a failure becomes what the person in Slack reads: one plain sentence, never a stack trace,
 * a secret, a request URL or a UserSig. Anything unexpected is logged with a short reference the person can quote.
 */
import { randomBytes } from 'node:crypto';
import type { StoreUnavailableError } from '../calls/call-store.js';
import { cleanSentence, STORE_UNAVAILABLE, TENCENT_BUSY, tencentAuthSentence } from '../calls/problem-sentences.js';
import type { SearchError } from '../calls/search-errors.js';
import type { TencentError } from '../calls/source-errors.js';
import { TENCENT_FAILURE_WORDS } from '../calls/sync-problem.js';
import { type ErrorCode, isAppError } from '../shared/errors.js';
import type { Logger } from '../shared/logger.js';
import type { QueryAudit } from './audit.js';

export { cleanSentence } from '../calls/problem-sentences.js';

export interface UserFacingError {
  /** One sentence (mrkdwn) for the person. */
  text: string;
  /** For the audit line: `tencent-auth`, `tencent-busy`, `search-out-of-range`, `store-unavailable`, `error`… */
  outcome: string;
  /** The reference logged with an unexpected error. */
  ref?: string;
}

/** A short, unguessable reference for a logged failure (`e3f9a1c2`). */
export function newErrorRef(): string {
  return randomBytes(4).toString('hex');
}

/** `userFacingError`, and the query's audit line finished with its outcome (and reference): how a request fails. */
export function finishWithError(
  audit: QueryAudit,
  error: unknown,
  logger: Logger,
  context: Record<string, unknown> = {},
): UserFacingError {
  const failure = userFacingError(error, logger, context);
  audit.finish({ outcome: failure.outcome, ...(failure.ref === undefined ? {} : { ref: failure.ref }) });
  return failure;
}

/**
 * Maps a failure to the sentence the person reads, and logs it: expected failures (Tencent busy, a search too
 * broad) at `warn`, anything else at `error` with a reference.
 */
export function userFacingError(
  error: unknown,
  logger: Logger,
  context: Record<string, unknown> = {},
): UserFacingError {
  const known = mappedError(error);
  switch (known?.code) {
    case 'search':
      logger.info({ ...context, kind: known.kind }, 'search refused');
      return { text: cleanSentence(known.message, 600).concat('.'), outcome: `search-${known.kind}` };
    case 'store-unavailable':
      logger.error({ ...context, err: known }, 'the call-record store is unavailable');
      return { text: STORE_UNAVAILABLE, outcome: 'store-unavailable' };
    case 'tencent':
      return tencentFailure(known, logger, context);
  }
  const ref = newErrorRef();
  logger.error({ ...context, ref, err: error }, 'unexpected failure');
  return { text: `Something went wrong; it has been logged as \`${ref}\`.`, outcome: 'error', ref };
}

/** The errors whose sentence depends on more than their code (the rest are unexpected, logged with a reference). */
type MappedError = SearchError | StoreUnavailableError | TencentError;
const MAPPED_CODES: ReadonlySet<ErrorCode> = new Set(['search', 'store-unavailable', 'tencent']);

/** The error as the one mapped type its code stands for (each code belongs to one class, see shared/errors.ts). */
function mappedError(error: unknown): MappedError | undefined {
  return isAppError(error) && MAPPED_CODES.has(error.code) ? (error as MappedError) : undefined;
}

/** Tencent's failures: credentials refused, busy or slow, a request refused, an answer not understood. */
function tencentFailure(error: TencentError, logger: Logger, context: Record<string, unknown>): UserFacingError {
  const details = {
    code: error.details.code,
    httpStatus: error.details.httpStatus,
    requestId: error.details.requestId,
  };
  switch (error.kind) {
    case 'auth':
      logger.error({ ...context, kind: error.kind, ...details, err: error }, 'Tencent refused our credentials');
      return { text: tencentAuthSentence(error.message), outcome: 'tencent-auth' };
    case 'rate-limit':
    case 'transient':
    case 'deadline':
      logger.warn({ ...context, kind: error.kind, ...details, err: error }, 'Tencent busy or slow');
      return { text: `${TENCENT_BUSY}; try again in a minute.`, outcome: 'tencent-busy' };
    case 'bad-request': {
      const ref = newErrorRef();
      logger.error({ ...context, ref, kind: error.kind, ...details, err: error }, 'Tencent refused the request');
      return {
        text: `${TENCENT_FAILURE_WORDS.badRequest}: ${cleanSentence(error.message)}. It has been logged as \`${ref}\`.`,
        outcome: 'tencent-bad-request',
        ref,
      };
    }
    case 'invalid-response': {
      const ref = newErrorRef();
      logger.error({ ...context, ref, kind: error.kind, ...details, err: error }, 'Tencent answer not understood');
      return {
        text: `${TENCENT_FAILURE_WORDS.invalidResponse}; it has been logged as \`${ref}\`.`,
        outcome: 'tencent-invalid-response',
        ref,
      };
    }
  }
}

/** A page button whose value cannot be read back (tampered with, or written by another version). */
export function outdatedButtonMessage(reason: 'malformed' | 'outdated'): string {
  return reason === 'outdated'
    ? 'This button is out of date (the app was updated since); run the search again with `/calls`.'
    : 'This button is out of date; run the search again with `/calls`.';
}

/** Sent with chat.postEphemeral when a response_url no longer answers. */
export const EXPIRED_REPLY_MESSAGE =
  ':hourglass: This result can no longer be updated: Slack allows a reply for 30 minutes and 5 times. ' +
  'Run the search again with `/calls`.';

/**
 * Sent with chat.postEphemeral when a reply could not be delivered through its response_url for another reason
 * than expiry: Slack answered an error or nothing at all, even after a few tries.
 */
export const UNDELIVERED_REPLY_MESSAGE =
  ':warning: Slack did not take this reply (it answered with an error, or not at all). Try again in a minute.';

/** A request still running when a shutdown ran out of time (its answer will never come). */
export const RESTARTED_MESSAGE =
  'The app restarted before it could answer this; run it again (with `/calls`, or click the button again).';

/** Share (or any post) failed without an answer from Slack: an outage or a timeout, not a refusal. */
export const SLACK_DID_NOT_ANSWER_MESSAGE =
  'Slack did not answer when I tried to post this in the channel; try again in a minute.';

/**
 * The bot may not post in the channel: say how to fix it. Plain text (rendered escaped by `renderProblem`), so the
 * bot is named by its handle from auth.test.
 */
export function cannotPostMessage(botName: string, error: string, channelId = ''): string {
  // A direct message between people: nobody can /invite an app there, so that advice would be wrong.
  if (channelId.startsWith('D') && (error === 'channel_not_found' || error === 'not_in_channel')) {
    return 'I cannot post in a direct message between other people. To share results, run `/calls` in a channel I am a member of.';
  }
  if (error === 'channel_not_found' || error === 'not_in_channel') {
    const handle = /^[\w.-]{1,80}$/.test(botName) ? `@${botName}` : 'the app';
    return (
      `I could not post in this channel: I am not a member of it. Invite me with \`/invite ${handle}\` in the channel, ` +
      'or ask a workspace admin to add the `chat:write.public` scope (it lets the app post in public channels it has not joined).'
    );
  }
  if (error === 'is_archived') return 'I could not post in this channel: it is archived.';
  return `I could not post in this channel (Slack said \`${cleanSentence(error, 60)}\`).`;
}

/** conversations.open refused to open the person's DM with the bot (an export is sent there). */
export function cannotOpenDirectMessage(error: string): string {
  if (error === 'missing_scope') {
    return 'I cannot send you files yet: the app needs the `im:write` scope. Ask whoever runs callkit-slack to reinstall it from manifest.yml.';
  }
  return `I could not open a direct message with you to send the file (Slack said \`${cleanSentence(error, 60)}\`).`;
}

/** files.uploadV2 refused the export. */
export function cannotUploadExport(error: string): string {
  if (error === 'missing_scope') {
    return 'I cannot upload the file: the app needs the `files:write` scope. Ask whoever runs callkit-slack to reinstall it from manifest.yml.';
  }
  return `I could not upload the file to your DM (Slack said \`${cleanSentence(error, 60)}\`).`;
}

/** A query so long that it is answered without being read. */
export function queryTooLongMessage(length: number, max: number): string {
  return `That query is ${length} characters long; the most \`/calls\` reads is ${max}. Try \`/calls help\`.`;
}
