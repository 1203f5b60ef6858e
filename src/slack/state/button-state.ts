/**
 * What a button carries back to us: the pinned query and page of a result message (Previous, Next, Share,
 * "Other calls of …", the daily summary's "Show interrupted calls"), or the CallId of a Details button.
 *
 * A page value is compact, versioned JSON (`{"v":1,"u":[…],"r":[…],"c":[…],"m":[…],"f":…,"t":…,"z":"…","p":…}`),
 * validated with zod on the way back, and always under Slack's 2000-character limit: the caps below bound it to
 * about 1,000 characters, and the encoder throws rather than emit anything it would not accept back.
 */
import { z } from 'zod';
import type { PinnedQuery } from '../../calls/query.js';
import { CALL_TYPES, DROPPED_RESULTS, KNOWN_CALL_RESULTS, MEDIA_TYPES } from '../../calls/records.js';
import type { PageAnchor, RecordKey } from '../../calls/search-page.js';
import { dayBounds } from '../../calls/time-range.js';
import { AppError } from '../../shared/errors.js';
import { LIMITS } from '../views/limits.js';
import { type DecodeResult, decodeVersionedState } from './versioned-state.js';

export const BUTTON_STATE_VERSION = 1;
/** Most user IDs a pinned query may carry (the query parser must refuse more). */
export const MAX_PINNED_USERS = 20;
/** Longest user ID a pinned query may carry (Tencent user IDs are at most 32 bytes). */
export const MAX_USER_ID_LENGTH = 32;
/** Longest CallId a Details button carries. */
export const MAX_CALL_ID_LENGTH = 512;
export const MAX_PAGE = 10_000;
/**
 * Longest CallId a page value carries as its anchor (`a`: the calls after it, `b`: the calls before it). A longer
 * (or unusual) CallId is not carried: the page is then found by its position, as without an anchor.
 */
export const MAX_ANCHOR_CALL_ID_LENGTH = 128;
/** 2015-01-01T00:00:00Z and 2100-01-01T00:00:00Z: anything outside is not a real pinned range. */
export const MIN_TIMESTAMP = 1_420_070_400;
export const MAX_TIMESTAMP = 4_102_444_800;

/**
 * What a user ID may contain: anything but whitespace, control or format characters, and the characters that
 * would break JSON, mrkdwn code spans or Slack tokens (`"` `\` `` ` `` `<` `>`).
 */
const USER_ID_CHARS = /^[^\s"\\`<>\p{Cc}\p{Cf}]+$/u;
const CALL_ID_CHARS = /^[^\s\p{Cc}\p{Cf}]+$/u;
/** Anchor CallIds that JSON keeps as they are (no quote, backslash, control character or lone surrogate). */
const ANCHOR_CALL_ID_CHARS = /^[^\s"\\\p{Cc}\p{Cf}\p{Cs}]+$/u;
const TIME_ZONE_CHARS = /^[A-Za-z0-9_+\-/]+$/;

export function isValidUserId(id: string): boolean {
  return id.length >= 1 && id.length <= MAX_USER_ID_LENGTH && USER_ID_CHARS.test(id);
}

export function isValidCallId(id: string): boolean {
  return id.length >= 1 && id.length <= MAX_CALL_ID_LENGTH && CALL_ID_CHARS.test(id);
}

/** A CallId a page value can carry as its anchor. */
export function isAnchorCallId(id: string): boolean {
  return id.length >= 1 && id.length <= MAX_ANCHOR_CALL_ID_LENGTH && ANCHOR_CALL_ID_CHARS.test(id);
}

const zoneCache = new Map<string, boolean>();
/** An IANA zone name that `Intl.DateTimeFormat` knows (offsets like `+05:00` are refused). */
export function isValidTimeZone(zone: string): boolean {
  if (zone.length < 1 || zone.length > 64 || !TIME_ZONE_CHARS.test(zone)) return false;
  const known = zoneCache.get(zone);
  if (known !== undefined) return known;
  let valid: boolean;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    valid = true;
  } catch {
    valid = false;
  }
  if (zoneCache.size < 1000) zoneCache.set(zone, valid);
  return valid;
}

const userIdSchema = z.string().refine(isValidUserId, 'invalid user ID');
const timestampSchema = z.number().int().min(MIN_TIMESTAMP).max(MAX_TIMESTAMP);
const unique = <T>(items: readonly T[]): boolean => new Set(items).size === items.length;

/** An anchor on the wire: a call's StartTime and CallId. */
export const anchorSchema = z.strictObject({
  s: timestampSchema,
  i: z.string().refine(isAnchorCallId, 'invalid anchor CallId'),
});
export type AnchorWire = z.infer<typeof anchorSchema>;

/** The anchor as carried (`{a}` after, `{b}` before), or nothing when it cannot be carried. */
export function anchorToWire(anchor: PageAnchor | undefined): { a: AnchorWire } | { b: AnchorWire } | undefined {
  if (anchor === undefined) return undefined;
  const at: RecordKey = 'after' in anchor ? anchor.after : anchor.before;
  const wire = { s: at.startTime, i: at.callId };
  if (!anchorSchema.safeParse(wire).success) return undefined; // too long to carry: by position, then
  return 'after' in anchor ? { a: wire } : { b: wire };
}

export function anchorFromWire(wire: { a?: AnchorWire; b?: AnchorWire }): PageAnchor | undefined {
  if (wire.a !== undefined) return { after: { startTime: wire.a.s, callId: wire.a.i } };
  if (wire.b !== undefined) return { before: { startTime: wire.b.s, callId: wire.b.i } };
  return undefined;
}

/** The wire form: short keys, empty lists left out. Also embedded in the Home tab's state (`home-state.ts`). */
export const pageStateSchema = z
  .strictObject({
    v: z.literal(BUTTON_STATE_VERSION),
    u: z.array(userIdSchema).max(MAX_PINNED_USERS).refine(unique, 'duplicate user').optional(),
    r: z.array(z.enum(KNOWN_CALL_RESULTS)).max(KNOWN_CALL_RESULTS.length).refine(unique, 'duplicate result').optional(),
    c: z.array(z.enum(CALL_TYPES)).max(CALL_TYPES.length).refine(unique, 'duplicate call type').optional(),
    m: z.array(z.enum(MEDIA_TYPES)).max(MEDIA_TYPES.length).refine(unique, 'duplicate media type').optional(),
    f: timestampSchema,
    t: timestampSchema,
    z: z.string().refine(isValidTimeZone, 'invalid time zone'),
    p: z.number().int().min(1).max(MAX_PAGE),
    a: anchorSchema.optional(),
    b: anchorSchema.optional(),
  })
  .refine((s) => s.f <= s.t, 'range ends before it starts')
  .refine((s) => s.a === undefined || s.b === undefined, 'two anchors');

export type PageStateWire = z.infer<typeof pageStateSchema>;

export interface PageButtonState {
  query: PinnedQuery;
  /** 1-based. */
  page: number;
  /**
   * The call the page is found by (Next: the last call of the page before; Previous: the first of the page after;
   * Share: whatever found the page on screen). Optional: without it, the page is found by its position.
   */
  anchor?: PageAnchor;
}

export type { DecodeFailure, DecodeResult } from './versioned-state.js';

/** Thrown by the encoders: the state cannot be carried by a button (a bug upstream, never user input). */
export class ButtonStateError extends AppError {
  readonly code = 'ui-state';
  override name = 'ButtonStateError';
}

export function pageStateToWire(state: PageButtonState): PageStateWire {
  const { query, page } = state;
  const wire: PageStateWire = { v: BUTTON_STATE_VERSION, f: query.from, t: query.to, z: query.timeZone, p: page };
  if (query.users.length > 0) wire.u = [...query.users];
  if (query.results.length > 0) wire.r = [...query.results];
  if (query.callTypes.length > 0) wire.c = [...query.callTypes];
  if (query.mediaTypes.length > 0) wire.m = [...query.mediaTypes];
  const anchor = anchorToWire(state.anchor);
  if (anchor) Object.assign(wire, anchor);
  return wire;
}

export function pageStateFromWire(wire: PageStateWire): PageButtonState {
  return {
    query: {
      users: wire.u ?? [],
      results: wire.r ?? [],
      callTypes: wire.c ?? [],
      mediaTypes: wire.m ?? [],
      from: wire.f,
      to: wire.t,
      timeZone: wire.z,
    },
    page: wire.p,
    ...(anchorOf(wire) ?? {}),
  };
}

function anchorOf(wire: PageStateWire): { anchor: PageAnchor } | undefined {
  const anchor = anchorFromWire(wire);
  return anchor === undefined ? undefined : { anchor };
}

/** Encodes a pinned query and a page as a button value. Throws `ButtonStateError` if it is invalid or too long. */
export function encodePageButton(state: PageButtonState): string {
  const wire = pageStateToWire(state);
  const checked = pageStateSchema.safeParse(wire);
  if (!checked.success) {
    throw new ButtonStateError(`cannot encode page button: ${z.prettifyError(checked.error)}`);
  }
  const value = JSON.stringify(wire);
  if (value.length > LIMITS.buttonValue) {
    throw new ButtonStateError(`page button value is ${value.length} characters (limit ${LIMITS.buttonValue})`);
  }
  return value;
}

/** Reads a page button value back. `outdated`: written by another version; `malformed`: anything else wrong. */
export function decodePageButton(value: string): DecodeResult<PageButtonState> {
  const decoded = decodeVersionedState(value, {
    version: BUTTON_STATE_VERSION,
    maxLength: LIMITS.buttonValue,
    schema: pageStateSchema,
  });
  return decoded.ok ? { ok: true, state: pageStateFromWire(decoded.state) } : decoded;
}

/** A Details button's value: the CallId itself. Throws `ButtonStateError` when it cannot be carried. */
export function encodeCallButton(callId: string): string {
  if (!isValidCallId(callId)) {
    throw new ButtonStateError(`cannot encode a Details button for a CallId of ${callId.length} characters`);
  }
  return callId;
}

export function decodeCallButton(value: string): { ok: true; callId: string } | { ok: false; reason: 'malformed' } {
  return typeof value === 'string' && isValidCallId(value)
    ? { ok: true, callId: value }
    : { ok: false, reason: 'malformed' };
}

/**
 * The pinned query behind the daily summary's "Show interrupted calls" button: `Interrupt` and `Offline` calls
 * of one calendar day (`YYYY-MM-DD`) in `timeZone`, from its local midnight to the next (DST-aware).
 */
export function interruptedDayQuery(day: { date: string; timeZone: string }): PinnedQuery {
  let bounds: { from: number; to: number };
  try {
    bounds = dayBounds(day.date, day.timeZone);
  } catch (error) {
    throw new ButtonStateError(`not a day in a valid zone: ${day.date} ${day.timeZone}`, { cause: error });
  }
  return {
    users: [],
    results: [...DROPPED_RESULTS],
    callTypes: [],
    mediaTypes: [],
    from: bounds.from,
    to: bounds.to,
    timeZone: day.timeZone,
  };
}

/**
 * The daily summary's button value: page 1 of `interruptedDayQuery`. It is an ordinary page value, so it is read
 * back with `decodePageButton` and paged like any search.
 */
export function encodeSummaryButton(day: { date: string; timeZone: string }): string {
  return encodePageButton({ query: interruptedDayQuery(day), page: 1 });
}
