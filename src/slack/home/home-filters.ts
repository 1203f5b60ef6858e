/**
 * The Home tab's filter controls → a query. Reads `view.state.values` exactly as Slack sends it (any field may be
 * missing or null), keeps what the person set (`HomeFilters`, shown again in the next view), and turns it into a
 * `CallQuery` with the parser's own rules, or into problems to show next to the control they concern:
 * `user` (the user ID box), `range` (the time controls), `general` (anything else, e.g. a view from another
 * version). Bad input never reaches the search.
 *
 * Decisions:
 * - The user box takes one Tencent user ID, or several separated by commas or spaces (a call matches when any of
 *   them took part), at most `MAX_USERS`, each checked with the parser's `isValidUserId`; or a display name:
 *   `name:alice w` (as in `/calls`, quotes optional), or any text with a letter no user ID has (`José`, `李晨`).
 *   A plain `alice` stays a user ID, as in `/calls`: IDs are what the box was made for.
 * - Presets: last hour / last 24 hours / last 7 / 30 days end now; today / yesterday are calendar days in the
 *   person's zone; custom reads the From/To pickers. The pickers are ignored under any other preset.
 * - A custom range needs a From date. To is optional (until now). A time needs its date. A To date without a time
 *   includes that whole day; a From date without a time starts at its midnight.
 * - A range entirely older than the days the store keeps (RETENTION_DAYS), in the future, or From after To is an
 *   error; one that starts before them is cut to them, with a notice, as `/calls` does.
 */
import { ISO_DATE_PATTERN, isCalendarDate } from '../../calls/calendar-date.js';
import type { CallQuery, LocalDateTime, PinnedQuery, RangeSpec } from '../../calls/query.js';
import {
  isValidUserId,
  MAX_NAME_TEXT_LENGTH,
  MAX_USER_ID_LENGTH,
  MAX_USERS,
  quoted as q,
} from '../../calls/query-limits.js';
import {
  CALL_TYPES,
  type CallResult,
  type CallType,
  KNOWN_CALL_RESULTS,
  MEDIA_TYPES,
  type MediaType,
} from '../../calls/records.js';
import { resolveNames } from '../../calls/resolve-names.js';
import { pinQuery } from '../../calls/time-range.js';
import type { NameDirectory } from '../../calls/user-names.js';
import { cleanHomeUserText, HOME_PRESETS, type HomeFilters, type HomePreset } from '../state/home-state.js';
import { ANY_OPTION, HOME_INPUTS, isControlBlockId } from '../views/ids.js';

export type HomeErrors = Partial<Record<'user' | 'range' | 'general', string>>;

export type HomeQueryResult = { ok: true; query: CallQuery } | { ok: false; errors: HomeErrors };

export type HomePinResult =
  | { ok: true; pinned: PinnedQuery; notices: string[] }
  /**
   * `invalid`: the controls cannot be read as a query; `invalid-range`: a range Tencent cannot answer;
   * `names-unmatched`: the name in the user box matched nobody, or too many.
   */
  | { ok: false; errors: HomeErrors; reason: 'invalid' | 'invalid-range' | 'names-unmatched' };

/** Said when the controls hold values this version never offers (a view from an older or newer version). */
export const OUTDATED_CONTROLS_MESSAGE =
  'Some filters could not be read (this Home tab is out of date): check them, or press Clear, and search again.';

const TIME = /^([01]\d|2[0-3]):[0-5]\d$/;

type Loose = Record<string, unknown>;

function isObject(value: unknown): value is Loose {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `values[blockId][actionId]`, or undefined; the block_id carries the view's key (`controlBlockId`). */
function control(values: unknown, ids: { blockId: string; actionId: string }): Loose | undefined {
  if (!isObject(values)) return undefined;
  const key = Object.keys(values).find((blockId) => isControlBlockId(blockId, ids.blockId));
  const block = key === undefined ? undefined : values[key];
  if (!isObject(block)) return undefined;
  const element = block[ids.actionId];
  return isObject(element) ? element : undefined;
}

function optionValue(option: unknown): string | undefined {
  return isObject(option) && typeof option.value === 'string' ? option.value : undefined;
}

function stringField(element: Loose | undefined, field: string): string | undefined {
  const value = element?.[field];
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

/** One choice of an "Any / A / B" select: [] for Any (or nothing chosen), [value] for a known one. */
function singleChoice<T extends string>(element: Loose | undefined, all: readonly T[], bad: () => void): T[] {
  const value = optionValue(element?.selected_option);
  if (value === undefined || value === ANY_OPTION) return [];
  if ((all as readonly string[]).includes(value)) return [value as T];
  bad();
  return [];
}

/**
 * The controls as the person set them, read from `view.state.values`. Values the controls never offer are left
 * out and reported in `errors.general` (the rest is kept).
 */
export function filtersFromViewState(values: unknown): { filters: HomeFilters; errors: HomeErrors } {
  let outdated = false;
  const bad = () => {
    outdated = true;
  };

  const results: CallResult[] = [];
  const selected = control(values, HOME_INPUTS.results)?.selected_options;
  if (Array.isArray(selected)) {
    for (const option of selected) {
      const value = optionValue(option);
      if (value !== undefined && (KNOWN_CALL_RESULTS as readonly string[]).includes(value)) {
        if (!results.includes(value as CallResult)) results.push(value as CallResult);
      } else bad();
    }
  }
  const callTypes = singleChoice<CallType>(control(values, HOME_INPUTS.type), CALL_TYPES, bad);
  const mediaTypes = singleChoice<MediaType>(control(values, HOME_INPUTS.media), MEDIA_TYPES, bad);

  let preset: HomePreset = 'last_24h';
  const presetValue = optionValue(control(values, HOME_INPUTS.preset)?.selected_option);
  if (presetValue !== undefined) {
    if ((HOME_PRESETS as readonly string[]).includes(presetValue)) preset = presetValue as HomePreset;
    else bad();
  }

  const filters: HomeFilters = { results, callTypes, mediaTypes, preset };
  const userText = stringField(control(values, HOME_INPUTS.user), 'value');
  const user = userText === undefined ? '' : cleanHomeUserText(userText);
  if (user.length > 0) filters.user = user;

  const picked = (ids: { blockId: string; actionId: string }, field: string, pattern: RegExp) => {
    const value = stringField(control(values, ids), field);
    if (value === undefined) return undefined;
    if (pattern.test(value)) return value;
    bad();
    return undefined;
  };
  const from = picked(HOME_INPUTS.from, 'selected_date', ISO_DATE_PATTERN);
  const fromTime = picked(HOME_INPUTS.fromTime, 'selected_time', TIME);
  const to = picked(HOME_INPUTS.to, 'selected_date', ISO_DATE_PATTERN);
  const toTime = picked(HOME_INPUTS.toTime, 'selected_time', TIME);
  if (from !== undefined) filters.from = from;
  if (fromTime !== undefined) filters.fromTime = fromTime;
  if (to !== undefined) filters.to = to;
  if (toTime !== undefined) filters.toTime = toTime;

  return { filters, errors: outdated ? { general: OUTDATED_CONTROLS_MESSAGE } : {} };
}

const NAME_PREFIX = /^name:\s*/i;
/** A letter outside ASCII: no Tencent user ID has one, so the text is a name. */
const NAME_LETTER = /[^\p{ASCII}]/u;

/** The user box → user IDs, a name to look up, or the first problem with it. */
export function usersFromText(text: string | undefined): { users: string[] } | { name: string } | { error: string } {
  const trimmed = (text ?? '').trim();
  if (NAME_PREFIX.test(trimmed) || (NAME_LETTER.test(trimmed) && !trimmed.includes('<'))) {
    const name = trimmed
      .replace(NAME_PREFIX, '')
      .replace(/^["\u201c\u201d]|["\u201c\u201d]$/g, '')
      .trim();
    if (name === '') return { error: 'Give a name after name:, e.g. name:alice w.' };
    if (Array.from(name).length > MAX_NAME_TEXT_LENGTH) {
      return { error: `That name is longer than the ${MAX_NAME_TEXT_LENGTH} characters a name may have.` };
    }
    return { name };
  }
  const items = trimmed.split(/[\s,]+/).filter((item) => item.length > 0);
  const users: string[] = [];
  for (const id of items) {
    if (!isValidUserId(id)) {
      if (id.includes('<') || id.startsWith('@')) {
        return {
          error: `${q(id)} is a Slack name or mention: give the Tencent user ID instead (letters, digits, _ - . @), e.g. 147.`,
        };
      }
      if (id.length > MAX_USER_ID_LENGTH) {
        return {
          error: `${q(id)} is longer than ${MAX_USER_ID_LENGTH} characters, the limit for a Tencent user ID.`,
        };
      }
      return {
        error: `${q(id)} is not a Tencent user ID: use letters, digits, _ - . @ (up to ${MAX_USER_ID_LENGTH} characters), e.g. 147, or search by name with name:${id}.`,
      };
    }
    if (!users.includes(id)) users.push(id);
  }
  if (users.length > MAX_USERS) {
    return {
      error: `That is ${users.length} user IDs; one search takes at most ${MAX_USERS}. Search for fewer at a time.`,
    };
  }
  return { users };
}

/** The preset (and, for `custom`, the pickers) → a range, or what is wrong with the pickers. */
export function rangeFromFilters(filters: HomeFilters): { range: RangeSpec } | { error: string } {
  switch (filters.preset) {
    case 'last_hour':
      return { range: { kind: 'relative', seconds: 3600, label: '1h' } };
    case 'last_24h':
      return { range: { kind: 'relative', seconds: 86_400, label: '24h' } };
    case 'today':
      return { range: { kind: 'day', day: 'today' } };
    case 'yesterday':
      return { range: { kind: 'day', day: 'yesterday' } };
    case 'last_7d':
      return { range: { kind: 'retained' } };
    case 'last_30d':
      return { range: { kind: 'relative', seconds: 30 * 86_400, label: '30d' } };
    case 'custom':
      return customRange(filters);
    default:
      return { error: OUTDATED_CONTROLS_MESSAGE };
  }
}

function customRange(filters: HomeFilters): { range: RangeSpec } | { error: string } {
  const { from, fromTime, to, toTime } = filters;
  if (from === undefined) {
    return {
      error:
        fromTime === undefined
          ? 'A custom range needs a From date (To is optional: it means until now). Or choose another time range.'
          : 'The From time needs a From date: choose the day too.',
    };
  }
  if (to === undefined && toTime !== undefined) return { error: 'The To time needs a To date: choose the day too.' };
  for (const date of [from, to]) {
    if (date !== undefined && !isCalendarDate(date)) return { error: `${q(date)} is not a calendar date.` };
  }
  if (to !== undefined) {
    // Wall-clock order, as the person sees it: a To date without a time means the end of that day.
    const start = `${from}T${fromTime ?? '00:00'}`;
    const end = `${to}T${toTime ?? '24:00'}`;
    const shown = (date: string, time: string | undefined) => (time === undefined ? date : `${date} ${time}`);
    if (start > end) {
      return {
        error: `From (${shown(from, fromTime)}) is after To (${shown(to, toTime)}): swap them, or change one of them.`,
      };
    }
    if (start === end) {
      return { error: `From and To are the same moment (${shown(from, fromTime)}): give a To after the From.` };
    }
  }
  const bound = (date: string, time: string | undefined): LocalDateTime =>
    time === undefined ? { date } : { date, time };
  const range: Extract<RangeSpec, { kind: 'absolute' }> = { kind: 'absolute', from: bound(from, fromTime) };
  if (to !== undefined) range.to = bound(to, toTime);
  return { range };
}

/** The filters as a query, with the parser's checks (a name in the user box becomes `names`). */
export function queryFromFilters(filters: HomeFilters): HomeQueryResult {
  const errors: HomeErrors = {};
  const users = usersFromText(filters.user);
  if ('error' in users) errors.user = users.error;
  const range = rangeFromFilters(filters);
  if ('error' in range) errors.range = range.error;
  if ('error' in users || 'error' in range) return { ok: false, errors };
  return {
    ok: true,
    query: {
      users: 'users' in users ? users.users : [],
      ...('name' in users ? { names: [users.name] } : {}),
      results: [...filters.results],
      callTypes: [...filters.callTypes],
      mediaTypes: [...filters.mediaTypes],
      range: range.range,
    },
  };
}

/**
 * The filters as a query pinned at `now` (Unix seconds) in the person's zone: what a Search runs and what the
 * view keeps for Previous / Next. A range Tencent cannot answer is a `range` error.
 */
export async function pinHomeFilters(
  filters: HomeFilters,
  now: number,
  timeZone: string,
  retentionDays?: number,
  names?: NameDirectory,
): Promise<HomePinResult> {
  const built = queryFromFilters(filters);
  if (!built.ok) return { ...built, reason: 'invalid' };
  const resolved = await resolveNames(built.query, names);
  if (!resolved.ok) return { ok: false, errors: { user: resolved.message }, reason: 'names-unmatched' };
  const pinned = pinQuery(resolved.query, now, timeZone, retentionDays === undefined ? {} : { retentionDays });
  if ('error' in pinned) return { ok: false, errors: { range: pinned.error }, reason: 'invalid-range' };
  return { ok: true, pinned: pinned.pinned, notices: [...resolved.notices, ...pinned.notices] };
}
