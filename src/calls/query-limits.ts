import { DURATION_UNITS, UNIT_SECONDS } from './query-aliases.js';

/**
 * The limits and value validators of the `/calls` query grammar: how long a query, a user ID or a CallId may be,
 * which characters they may hold, how a duration and a time of day are read, and how a typed token is quoted back
 * in an error sentence. The parser (parse-query.ts), the Home tab's filters and the watch rules share them.
 */

export const MAX_QUERY_LENGTH = 1000;
export const MAX_TOKENS = 40;
/** More users than this would not fit a paging button (Slack's 2000-character value), and is no longer a lookup. */
export const MAX_USERS = 20;
/** Tencent UserID: up to 32 bytes of letters, digits, `_ - . @`. */
export const MAX_USER_ID_LENGTH = 32;
export const MAX_CALL_ID_LENGTH = 128;
/** Longest `name:` text (a display name is cut at 100 characters too). */
export const MAX_NAME_TEXT_LENGTH = 100;
/** Most `name:` filters in one query. */
export const MAX_NAME_FILTERS = 5;
/** `last:` and bare durations take at most this many digits (a longer range is clamped to RETENTION_DAYS later anyway). */
const MAX_DURATION_DIGITS = 6;

/** `H:mm` or `HH:mm`. */
export const TIME_RE = /^(\d{1,2}):(\d{2})$/;
const DURATION_RE = /^(\d+)?([a-z]+)$/i;
export const USER_ID_RE = /^[A-Za-z0-9_.@-]+$/;
const CALL_ID_RE = /^[A-Za-z0-9_.:-]+$/;

/** A token as it may be quoted in a message: control and format characters escaped, long tokens cut. */
export function displayToken(token: string): string {
  const chars = Array.from(token);
  const cut = chars.length > 40 ? `${chars.slice(0, 40).join('')}…` : token;
  return cut.replace(
    /[\p{Cc}\p{Cf}\p{Co}\p{Cs}\p{Cn}]/gu,
    (c) => `\\u{${(c.codePointAt(0) ?? 0).toString(16).toUpperCase()}}`,
  );
}

/** A token quoted as error sentences show it (control characters visible, long ones cut). */
export function quoted(token: string): string {
  return `"${displayToken(token)}"`;
}

export function isValidUserId(id: string): boolean {
  return id.length > 0 && id.length <= MAX_USER_ID_LENGTH && USER_ID_RE.test(id);
}

export function isValidCallId(id: string): boolean {
  return id.length > 0 && id.length <= MAX_CALL_ID_LENGTH && CALL_ID_RE.test(id);
}

/** `HH:mm` (or `H:mm`) → normalised `HH:mm`, or undefined when it is not a time of day. */
export function normaliseTime(value: string): string | undefined {
  const m = TIME_RE.exec(value);
  if (!m) return undefined;
  const hours = Number(m[1]);
  const minutes = Number(m[2]);
  if (hours > 23 || minutes > 59) return undefined;
  return `${String(hours).padStart(2, '0')}:${m[2]}`;
}

export type Duration = { seconds: number; label: string } | { error: 'zero' | 'format' };

/** `24h`, `90m`, `3days`, and with `numberOptional` also `day`, `week` (= 1). */
export function parseDuration(value: string, numberOptional: boolean): Duration {
  const m = DURATION_RE.exec(value);
  if (!m) return { error: 'format' };
  const digits = m[1];
  const unitWord = m[2].toLowerCase();
  if (!Object.hasOwn(DURATION_UNITS, unitWord)) return { error: 'format' };
  const unit = DURATION_UNITS[unitWord];
  if (digits === undefined && !numberOptional) return { error: 'format' };
  if (digits !== undefined && digits.replace(/^0+/, '').length > MAX_DURATION_DIGITS) return { error: 'format' };
  const n = digits === undefined ? 1 : Number(digits);
  if (n === 0) return { error: 'zero' };
  return { seconds: n * UNIT_SECONDS[unit], label: `${n}${unit}` };
}
