/**
 * The Home tab's state, kept in the view's `private_metadata` (not in server memory): the filters as the person set
 * them, and the search on screen (pinned query and page). Versioned, compact JSON validated with zod, always within
 * Slack's 3000-character limit (the encoder throws rather than exceed it).
 */
import { z } from 'zod';
import { ISO_DATE_PATTERN } from '../../calls/calendar-date.js';
import {
  CALL_TYPES,
  type CallResult,
  type CallType,
  KNOWN_CALL_RESULTS,
  MEDIA_TYPES,
  type MediaType,
} from '../../calls/records.js';
import type { PageAnchor } from '../../calls/search-page.js';
import { AppError } from '../../shared/errors.js';
import { LIMITS } from '../views/limits.js';
import {
  anchorFromWire,
  anchorSchema,
  anchorToWire,
  BUTTON_STATE_VERSION,
  type DecodeResult,
  MAX_PAGE,
  MAX_PINNED_USERS,
  MAX_USER_ID_LENGTH,
  type PageButtonState,
  pageStateFromWire,
  pageStateSchema,
  pageStateToWire,
} from './button-state.js';
import { decodeVersionedState } from './versioned-state.js';

export const HOME_PRESETS = ['last_hour', 'last_24h', 'today', 'yesterday', 'last_7d', 'last_30d', 'custom'] as const;
export type HomePreset = (typeof HOME_PRESETS)[number];

/** Longest text kept from the user ID box (room for the most users a query may carry, comma-separated). */
export const MAX_HOME_USER_TEXT = MAX_PINNED_USERS * (MAX_USER_ID_LENGTH + 1);

/** The filter controls as the person set them (the user box as typed, even when it is not valid). */
export interface HomeFilters {
  user?: string;
  results: CallResult[];
  callTypes: CallType[];
  mediaTypes: MediaType[];
  preset: HomePreset;
  /** `YYYY-MM-DD`, used with the `custom` preset. */
  from?: string;
  /** `HH:mm` */
  fromTime?: string;
  to?: string;
  toTime?: string;
}

export const DEFAULT_HOME_FILTERS: HomeFilters = {
  results: [],
  callTypes: [],
  mediaTypes: [],
  preset: 'last_24h',
};

export interface HomeState {
  filters: HomeFilters;
  /** The search on screen, when there is one. */
  search?: PageButtonState;
}

const TIME = /^([01]\d|2[0-3]):[0-5]\d$/;
/** No control characters or lone surrogates (JSON would escape them to 6 characters each). */
const PRINTABLE = /^[^\p{Cc}\p{Cs}]*$/u;
const unique = <T>(items: readonly T[]): boolean => new Set(items).size === items.length;

const filtersSchema = z.strictObject({
  u: z.string().min(1).max(MAX_HOME_USER_TEXT).regex(PRINTABLE, 'control characters').optional(),
  r: z.array(z.enum(KNOWN_CALL_RESULTS)).max(KNOWN_CALL_RESULTS.length).refine(unique).optional(),
  c: z.array(z.enum(CALL_TYPES)).max(CALL_TYPES.length).refine(unique).optional(),
  m: z.array(z.enum(MEDIA_TYPES)).max(MEDIA_TYPES.length).refine(unique).optional(),
  pr: z.enum(HOME_PRESETS),
  fd: z.string().regex(ISO_DATE_PATTERN).optional(),
  ft: z.string().regex(TIME).optional(),
  td: z.string().regex(ISO_DATE_PATTERN).optional(),
  tt: z.string().regex(TIME).optional(),
});

const homeStateSchema = z.strictObject({
  v: z.literal(BUTTON_STATE_VERSION),
  f: filtersSchema,
  s: pageStateSchema.optional(),
});

type HomeStateWire = z.infer<typeof homeStateSchema>;

/** Thrown by `encodeHomeState` when the state is invalid or would not fit in private_metadata. */
export class HomeStateError extends AppError {
  readonly code = 'ui-state';
  override name = 'HomeStateError';
}

function filtersToWire(filters: HomeFilters): HomeStateWire['f'] {
  const wire: HomeStateWire['f'] = { pr: filters.preset };
  if (filters.user !== undefined && filters.user.length > 0) wire.u = filters.user;
  if (filters.results.length > 0) wire.r = [...filters.results];
  if (filters.callTypes.length > 0) wire.c = [...filters.callTypes];
  if (filters.mediaTypes.length > 0) wire.m = [...filters.mediaTypes];
  if (filters.from !== undefined) wire.fd = filters.from;
  if (filters.fromTime !== undefined) wire.ft = filters.fromTime;
  if (filters.to !== undefined) wire.td = filters.to;
  if (filters.toTime !== undefined) wire.tt = filters.toTime;
  return wire;
}

function filtersFromWire(wire: HomeStateWire['f']): HomeFilters {
  const filters: HomeFilters = {
    results: wire.r ?? [],
    callTypes: wire.c ?? [],
    mediaTypes: wire.m ?? [],
    preset: wire.pr,
  };
  if (wire.u !== undefined) filters.user = wire.u;
  if (wire.fd !== undefined) filters.from = wire.fd;
  if (wire.ft !== undefined) filters.fromTime = wire.ft;
  if (wire.td !== undefined) filters.to = wire.td;
  if (wire.tt !== undefined) filters.toTime = wire.tt;
  return filters;
}

/** The user box as typed, made fit to keep: control characters and lone surrogates become spaces, then cut. */
export function cleanHomeUserText(text: string): string {
  return text
    .replace(/[\p{Cc}\p{Cs}]/gu, ' ')
    .trim()
    .slice(0, MAX_HOME_USER_TEXT)
    .replace(/[\uD800-\uDBFF]$/, '')
    .trim();
}

/** The state as private_metadata. Throws `HomeStateError` if it is invalid or longer than 3000 characters. */
export function encodeHomeState(state: HomeState): string {
  const wire: HomeStateWire = { v: BUTTON_STATE_VERSION, f: filtersToWire(state.filters) };
  if (state.search) wire.s = pageStateToWire(state.search);
  const checked = homeStateSchema.safeParse(wire);
  if (!checked.success) throw new HomeStateError(`cannot encode Home state: ${z.prettifyError(checked.error)}`);
  const value = JSON.stringify(wire);
  if (value.length > LIMITS.privateMetadata) {
    throw new HomeStateError(`Home state is ${value.length} characters (limit ${LIMITS.privateMetadata})`);
  }
  return value;
}

/** Reads private_metadata back. An empty value (a view we never published) is `malformed`. */
export function decodeHomeState(value: string): DecodeResult<HomeState> {
  const decoded = decodeVersionedState(value, {
    version: BUTTON_STATE_VERSION,
    maxLength: LIMITS.privateMetadata,
    schema: homeStateSchema,
  });
  if (!decoded.ok) return decoded;
  const state: HomeState = { filters: filtersFromWire(decoded.state.f) };
  if (decoded.state.s) state.search = pageStateFromWire(decoded.state.s);
  return { ok: true, state };
}

/** What a Home tab Previous / Next / Back button asks for: a page of the search in private_metadata. */
export interface HomePageRequest {
  page: number;
  /** The call the page is found by (see `PageButtonState.anchor`); without it, by position. */
  anchor?: PageAnchor;
}

const homePageSchema = z
  .strictObject({
    p: z.number().int().min(1).max(MAX_PAGE),
    a: anchorSchema.optional(),
    b: anchorSchema.optional(),
  })
  .refine((s) => s.a === undefined || s.b === undefined, 'two anchors');

/**
 * The value of the Home tab's Previous / Next buttons: the page to show (the query is in private_metadata), as
 * its number alone (`"3"`), or with an anchor as compact JSON (`{"p":3,"a":{"s":…,"i":"…"}}`). An anchor that
 * cannot be carried is left out.
 */
export function encodeHomePage(page: number, anchor?: PageAnchor): string {
  if (!Number.isInteger(page) || page < 1 || page > MAX_PAGE) throw new HomeStateError(`not a page: ${page}`);
  const wire = anchorToWire(anchor);
  return wire === undefined ? String(page) : JSON.stringify({ p: page, ...wire });
}

/** The page (and anchor) a Home tab Previous / Next button asks for, or null when the value is not one. */
export function decodeHomePageRequest(value: string): HomePageRequest | null {
  if (typeof value !== 'string') return null;
  if (/^[1-9]\d{0,4}$/.test(value)) {
    const page = Number(value);
    return page <= MAX_PAGE ? { page } : null;
  }
  if (value.length > LIMITS.buttonValue || !value.startsWith('{')) return null;
  let raw: unknown;
  try {
    raw = JSON.parse(value);
  } catch {
    return null;
  }
  const parsed = homePageSchema.safeParse(raw);
  if (!parsed.success) return null;
  const anchor = anchorFromWire(parsed.data);
  return anchor === undefined ? { page: parsed.data.p } : { page: parsed.data.p, anchor };
}

/** The page a Home tab Previous / Next button asks for (its anchor aside), or null when the value is not one. */
export function decodeHomePage(value: string): number | null {
  return decodeHomePageRequest(value)?.page ?? null;
}
