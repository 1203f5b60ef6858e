/**
 * Why the sync is failing, in the one sentence people read: in search replies ("answers come from the store, but
 * the sync is failing because …"), on the Home tab, in `/healthz` and from `npm run sync`. The words for Tencent's
 * failures are the ones the Slack error messages use for the same kinds, so a wrong secret key reads the same
 * whether a search hit it or the sync did. Never a secret, a URL or a connection string.
 */
import { redactText } from '../shared/redact-text.js';
import { StoreUnavailableError, type SyncProblem } from './call-store.js';
import { TencentError } from './source-errors.js';

/** The kinds beyond `TencentErrorKind`: the store itself, a download that did not add up, anything else. */
export type SyncProblemKind = TencentError['kind'] | 'store' | 'incomplete' | 'error';

/** The opening words per kind of Tencent failure, shared with the Slack error messages. */
export const TENCENT_FAILURE_WORDS = {
  auth: 'The app cannot sign in to Tencent',
  busy: 'Tencent is busy or slow right now',
  badRequest: 'Tencent refused the request',
  invalidResponse: 'Tencent sent an answer the app did not understand',
} as const;

export const STORE_UNAVAILABLE_WORDS = 'The call-record store is unavailable';

/** The SyncProblem for a failed pass at `at` (Unix seconds). */
export function syncProblemFrom(error: unknown, at: number): SyncProblem {
  if (error instanceof TencentError) return { at, kind: error.kind, message: tencentFailureSentence(error) };
  if (error instanceof StoreUnavailableError) {
    return { at, kind: 'store', message: `${STORE_UNAVAILABLE_WORDS}; the sync keeps retrying.` };
  }
  const detail = clip(redactText(error instanceof Error ? error.message : String(error)), 160);
  return { at, kind: 'error', message: `The sync failed unexpectedly (${detail}); it keeps retrying.` };
}

/** One sentence for a Tencent failure: the kind's words, then the client's own sentence (what to check). */
export function tencentFailureSentence(error: TencentError): string {
  const detail = withoutFinalStop(error.message);
  switch (error.kind) {
    case 'auth':
      return `${TENCENT_FAILURE_WORDS.auth}: ${detail}.`;
    case 'rate-limit':
    case 'transient':
    case 'deadline':
      return `${TENCENT_FAILURE_WORDS.busy} (${detail}); the sync keeps retrying.`;
    case 'bad-request':
      return `${TENCENT_FAILURE_WORDS.badRequest}: ${detail}.`;
    case 'invalid-response':
      return `${TENCENT_FAILURE_WORDS.invalidResponse}: ${detail}.`;
  }
}

/**
 * A bucket whose download did not add up to Tencent's count even after a retry: the span in UTC (never a local
 * zone, so it reads the same for everybody), what Tencent counted and what arrived.
 */
export function incompleteSyncProblem(
  span: { from: number; to: number },
  reported: number,
  received: number,
  at: number,
): SyncProblem {
  const counted = reported.toLocaleString('en-US');
  const got = received.toLocaleString('en-US');
  return {
    at,
    kind: 'incomplete',
    message:
      `Tencent's call records for ${describeUtcSpan(span)} do not add up (it counted ${counted} and sent ${got}), ` +
      'so some calls of that span may be missing from the store.',
  };
}

/** `2026-11-29 05:00–06:00 UTC`, with seconds when the span needs them, and both dates when it crosses midnight. */
export function describeUtcSpan(span: { from: number; to: number }): string {
  const seconds = span.from % 60 !== 0 || span.to % 60 !== 0;
  const [fromDate, fromTime] = utcParts(span.from, seconds);
  const [toDate, toTime] = utcParts(span.to, seconds);
  if (fromDate === toDate) return `${fromDate} ${fromTime}–${toTime} UTC`;
  const midnight = seconds ? '00:00:00' : '00:00';
  if (toTime === midnight && span.to - span.from <= 86_400) {
    return `${fromDate} ${fromTime}–${seconds ? '24:00:00' : '24:00'} UTC`;
  }
  return `${fromDate} ${fromTime} to ${toDate} ${toTime} UTC`;
}

function utcParts(t: number, seconds: boolean): [string, string] {
  const iso = new Date(t * 1000).toISOString();
  return [iso.slice(0, 10), iso.slice(11, seconds ? 19 : 16)];
}

function withoutFinalStop(text: string): string {
  return text.trim().replace(/[.\s]+$/, '');
}

function clip(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}
