/**
 * The App Home tab: the last 24 hours at a glance, the filter controls, and a page of results with
 * Previous / Next. Its state travels in `private_metadata` (see `home-state.ts`). Pure: the clock comes in.
 */
import type { ActionsBlock, Button, InputBlock, KnownBlock, PlainTextOption, StaticSelect } from '@slack/types';
import { ISO_DATE_PATTERN } from '../../calls/calendar-date.js';
import { RESULT_LABELS } from '../../calls/describe-query.js';
import type { CallResult, CallType, MediaType } from '../../calls/records.js';
import { CALL_TYPES, KNOWN_CALL_RESULTS, MEDIA_TYPES } from '../../calls/records.js';
import type { SearchPage } from '../../calls/search-page.js';
import type { UserNames } from '../../calls/user-names.js';
import { isValidTimeZone, MAX_PAGE } from '../state/button-state.js';
import {
  cleanHomeUserText,
  DEFAULT_HOME_FILTERS,
  encodeHomePage,
  encodeHomeState,
  HOME_PRESETS,
  type HomeFilters,
  type HomePreset,
  type HomeState,
  MAX_HOME_USER_TEXT,
} from '../state/home-state.js';
import { type CallBlockOptions, callBlocks, RESULT_EMOJI } from './call-blocks.js';
import { context, DEMO_NOTICE, escapeText, plain, section, slackDate } from './format.js';
import { ACTION_IDS, ANY_OPTION, controlBlockId, HOME_CALLBACK_ID, HOME_INPUTS } from './ids.js';
import { LIMITS, truncate, truncateMrkdwn } from './limits.js';
import { headline, neighbourAnchors, noticeLines } from './result-page.js';

export type { HomeFilters, HomePreset } from '../state/home-state.js';

export type HomeGlance =
  | {
      calls: number;
      interrupted: number;
      offline?: number;
      /** Share of calls that ended Interrupt or Offline, as a fraction (0.03 reads "3.0%"). */
      rate: number;
      /** The store's state, for the footer operators read. */
      store?: HomeStoreStatus;
    }
  | { unavailable: string };

export interface HomeStoreStatus {
  /** Unix seconds of the last successful sync with Tencent; null never. */
  lastSyncAt: number | null;
  /** Records Tencent sent that could not be read (skipped by the sync). */
  invalidRecords: number;
  syncFailing: boolean;
  backfillDone: boolean;
}

export interface HomeViewModel {
  filters: HomeFilters;
  /** Problems to show right under the control they concern. */
  errors?: Partial<Record<'user' | 'range' | 'general', string>>;
  glance?: HomeGlance;
  /** The search on screen. */
  page?: SearchPage;
  demo: boolean;
  /** The reader's zone (fallbacks of `<!date>`, hint under the time pickers). */
  timeZone: string;
  /** Unix milliseconds, as `Date.now()`. */
  now: number;
  /** Makes the controls' block_ids this view's own (`controlBlockId`): give a new one with every publish. */
  controlsKey?: string;
  /** Display names of the users of the search on screen (absent or missing: IDs alone). */
  names?: UserNames;
  /** Offer "Export CSV" for the search on screen (the app has a call-record store). */
  offerExport?: boolean;
  /** Days of calls the store keeps (the hint under the pickers). */
  retentionDays?: number;
}

export interface RenderedHomeView {
  type: 'home';
  blocks: KnownBlock[];
  private_metadata: string;
  callback_id: string;
}

export const PRESET_LABELS: Readonly<Record<HomePreset, string>> = {
  last_hour: 'Last hour',
  last_24h: 'Last 24 hours',
  today: 'Today',
  yesterday: 'Yesterday',
  last_7d: 'Last 7 days',
  last_30d: 'Last 30 days',
  custom: 'Custom range (below)',
};

const TYPE_LABELS: Readonly<Record<CallType, string>> = { SingleCall: '1:1', MultiCall: 'Group' };
const MEDIA_LABELS: Readonly<Record<MediaType, string>> = { Audio: 'Audio', Video: 'Video' };

function option(text: string, value: string): PlainTextOption {
  return { text: plain(text, LIMITS.optionText), value };
}

function resultOption(result: CallResult): PlainTextOption {
  const label = RESULT_LABELS[result];
  return option(`${RESULT_EMOJI[result]} ${label.charAt(0).toUpperCase()}${label.slice(1)}`, result);
}

type WithoutActionId<T> = T extends unknown ? Omit<T, 'action_id'> : never;

function input(
  ids: { blockId: string; actionId: string },
  key: string | undefined,
  label: string,
  element: WithoutActionId<InputBlock['element']>,
  hint?: string,
): InputBlock {
  return {
    type: 'input',
    block_id: controlBlockId(ids.blockId, key),
    label: plain(label, LIMITS.inputLabel),
    element: { ...element, action_id: ids.actionId } as InputBlock['element'],
    ...(hint ? { hint: plain(hint, LIMITS.inputHint) } : {}),
  };
}

/** A single select with "Any" first; the initial option is the one chosen value, else Any. */
function anySelect<T extends string>(all: readonly T[], labels: Record<T, string>, chosen: readonly T[]): StaticSelect {
  const options = [option('Any', ANY_OPTION), ...all.map((v) => option(labels[v], v))];
  const initial = chosen.length === 1 ? options.find((o) => o.value === chosen[0]) : options[0];
  return { type: 'static_select', options, initial_option: initial ?? options[0] } as StaticSelect;
}

function errorLine(message: string | undefined, blockId: string): KnownBlock[] {
  if (message === undefined || message.trim().length === 0) return [];
  return [context([`:warning: ${escapeText(truncate(message, 1000))}`], blockId)];
}

const TIME = /^([01]\d|2[0-3]):[0-5]\d$/;

/** The filters with anything that would not fit or parse dropped (what is shown and what is kept). */
function cleanFilters(filters: HomeFilters): HomeFilters {
  const pick = <T extends string>(all: readonly T[], chosen: readonly T[]) => all.filter((v) => chosen.includes(v));
  const clean: HomeFilters = {
    results: pick(KNOWN_CALL_RESULTS, filters.results ?? []),
    callTypes: pick(CALL_TYPES, filters.callTypes ?? []),
    mediaTypes: pick(MEDIA_TYPES, filters.mediaTypes ?? []),
    preset: HOME_PRESETS.includes(filters.preset) ? filters.preset : 'last_24h',
  };
  const user = filters.user === undefined ? undefined : cleanHomeUserText(filters.user);
  if (user) clean.user = user;
  if (filters.from && ISO_DATE_PATTERN.test(filters.from)) clean.from = filters.from;
  if (filters.fromTime && TIME.test(filters.fromTime)) clean.fromTime = filters.fromTime;
  if (filters.to && ISO_DATE_PATTERN.test(filters.to)) clean.to = filters.to;
  if (filters.toTime && TIME.test(filters.toTime)) clean.toTime = filters.toTime;
  return clean;
}

function glanceBlocks(glance: HomeGlance | undefined): KnownBlock[] {
  if (glance === undefined) return [];
  if ('unavailable' in glance) {
    return [
      context([`:grey_question: Last 24 hours: ${escapeText(truncate(glance.unavailable, 500))}`], 'home_glance'),
    ];
  }
  const n = (x: number) => (Number.isFinite(x) ? Math.max(0, Math.round(x)) : 0).toLocaleString('en-US');
  const rate = Number.isFinite(glance.rate) ? `${(glance.rate * 100).toFixed(1)}%` : 'n/a';
  const calls = glance.calls === 1 ? '1 call' : `${n(glance.calls)} calls`;
  // "Interrupted" means Interrupt and Offline together, as in the daily summary, so the two surfaces agree.
  const dropped = glance.interrupted + (glance.offline ?? 0);
  const split =
    glance.offline === undefined ? '' : `: Interrupt ${n(glance.interrupted)} · Offline ${n(glance.offline)}`;
  return [section(`*Last 24 hours:* ${calls} · ${n(dropped)} interrupted (${rate})${split}`, 'home_glance')];
}

/** The footer operators read: when the store last synced with Tencent, and records it could not read. */
export function storeFooter(glance: HomeGlance | undefined, timeZone: string): KnownBlock[] {
  if (glance === undefined || 'unavailable' in glance || glance.store === undefined) return [];
  const store = glance.store;
  const parts = [
    store.lastSyncAt === null
      ? 'Call-record store: not synced with Tencent yet'
      : `Call-record store last synced with Tencent ${slackDate(store.lastSyncAt, timeZone)}`,
  ];
  if (!store.backfillDone) parts.push('first download from Tencent still running');
  if (store.syncFailing) parts.push(':warning: the sync is failing (a search says why)');
  if (store.invalidRecords > 0) {
    parts.push(`${store.invalidRecords.toLocaleString('en-US')} unreadable Tencent records skipped`);
  }
  return [context([parts.join(' · ')], 'home_store')];
}

/** The filter controls (and their Search / Clear buttons), shared with the "Search calls" modal. */
export function controlBlocks(
  filters: HomeFilters,
  errors: HomeViewModel['errors'],
  timeZone: string,
  key: string | undefined,
  retentionDays: number | undefined,
): KnownBlock[] {
  const zone = isValidTimeZone(timeZone) ? { timezone: timeZone } : {};
  const resultOptions = KNOWN_CALL_RESULTS.map(resultOption);
  const chosenResults = resultOptions.filter((o) => filters.results.includes(o.value as CallResult));
  const presetOptions = HOME_PRESETS.map((p) => option(PRESET_LABELS[p], p));
  return [
    input(HOME_INPUTS.user, key, 'User ID or name', {
      type: 'plain_text_input',
      max_length: MAX_HOME_USER_TEXT,
      placeholder: plain('Tencent user ID (147) or name:alice w (caller or callee)', LIMITS.placeholder),
      ...(filters.user ? { initial_value: filters.user } : {}),
    }),
    ...errorLine(errors?.user, 'home_user_error'),
    input(HOME_INPUTS.results, key, 'Results', {
      type: 'multi_static_select',
      placeholder: plain('Any result', LIMITS.placeholder),
      options: resultOptions,
      ...(chosenResults.length > 0 ? { initial_options: chosenResults } : {}),
    }),
    input(HOME_INPUTS.type, key, 'Call type', anySelect(CALL_TYPES, TYPE_LABELS, filters.callTypes)),
    input(HOME_INPUTS.media, key, 'Media', anySelect(MEDIA_TYPES, MEDIA_LABELS, filters.mediaTypes)),
    input(HOME_INPUTS.preset, key, 'Time range', {
      type: 'static_select',
      options: presetOptions,
      initial_option: presetOptions.find((o) => o.value === filters.preset) ?? presetOptions[1],
    }),
    input(
      HOME_INPUTS.from,
      key,
      'From (custom range)',
      { type: 'datepicker', ...(filters.from ? { initial_date: filters.from } : {}) },
      retentionDays === undefined
        ? 'Used when the time range is "Custom range".'
        : `Used when the time range is "Custom range". Calls are kept for ${retentionDays} days.`,
    ),
    input(HOME_INPUTS.fromTime, key, 'From time', {
      type: 'timepicker',
      ...zone,
      ...(filters.fromTime ? { initial_time: filters.fromTime } : {}),
    }),
    input(HOME_INPUTS.to, key, 'To (custom range)', {
      type: 'datepicker',
      ...(filters.to ? { initial_date: filters.to } : {}),
    }),
    input(HOME_INPUTS.toTime, key, 'To time', {
      type: 'timepicker',
      ...zone,
      ...(filters.toTime ? { initial_time: filters.toTime } : {}),
    }),
    ...errorLine(errors?.range, 'home_range_error'),
    {
      type: 'actions',
      block_id: 'home_actions',
      elements: [
        {
          type: 'button',
          action_id: ACTION_IDS.homeSearch,
          style: 'primary',
          text: plain('Search', LIMITS.buttonText),
        },
        { type: 'button', action_id: ACTION_IDS.homeClear, text: plain('Clear', LIMITS.buttonText) },
      ],
    },
    ...errorLine(errors?.general, 'home_general_error'),
  ];
}

function homeNavigation(page: SearchPage, offerExport: boolean): ActionsBlock | undefined {
  const current = Math.min(Math.max(1, Math.trunc(page.page) || 1), MAX_PAGE);
  const anchors = neighbourAnchors(page);
  const buttons: Button[] = [];
  if (current > 1) {
    buttons.push({
      type: 'button',
      action_id: ACTION_IDS.homePagePrev,
      text: plain('◀ Previous', LIMITS.buttonText),
      value: encodeHomePage(current - 1, anchors.previous),
    });
  }
  if (current < page.pageCount && current < MAX_PAGE) {
    buttons.push({
      type: 'button',
      action_id: ACTION_IDS.homePageNext,
      text: plain('Next ▶', LIMITS.buttonText),
      value: encodeHomePage(current + 1, anchors.next),
    });
  }
  if (offerExport && page.total > 0) {
    // The search itself is in private_metadata: the button needs no value.
    buttons.push({ type: 'button', action_id: ACTION_IDS.homeExportCsv, text: plain('Export CSV', LIMITS.buttonText) });
  }
  return buttons.length > 0 ? { type: 'actions', block_id: 'home_nav', elements: buttons } : undefined;
}

/** The private_metadata, and whether the search could be kept in it (paging needs it). */
function metadata(filters: HomeFilters, page: SearchPage | undefined): { value: string; pageable: boolean } {
  const state: HomeState = { filters };
  if (page) {
    try {
      state.search = {
        query: page.query,
        page: Math.min(Math.max(1, Math.trunc(page.page) || 1), MAX_PAGE),
        ...(page.anchor ? { anchor: page.anchor } : {}),
      };
      return { value: encodeHomeState(state), pageable: true };
    } catch {
      delete state.search;
    }
  }
  try {
    return { value: encodeHomeState(state), pageable: page === undefined };
  } catch {
    return { value: encodeHomeState({ filters: DEFAULT_HOME_FILTERS }), pageable: false };
  }
}

/**
 * The Home tab of a person the access check refuses (access.ts): why, and nothing else (no glance, no controls).
 * `message` is the app's own mrkdwn (it may link channels as `<#C…>`), so it is not escaped.
 */
export function renderHomeRefusal(message: string, ctx: { demo: boolean }): RenderedHomeView {
  return {
    type: 'home',
    callback_id: HOME_CALLBACK_ID,
    private_metadata: '',
    blocks: [
      section(
        `:lock: ${truncateMrkdwn(message || 'You do not have access to call records.', LIMITS.sectionFieldText)}`,
        'home_refused',
      ),
      ...(ctx.demo ? [context([DEMO_NOTICE], 'home_demo')] : []),
    ],
  };
}

export function renderHomeView(state: HomeViewModel): RenderedHomeView {
  const filters = cleanFilters(state.filters);
  const meta = metadata(filters, state.page);
  const top: KnownBlock[] = [
    { type: 'header', block_id: 'home_title', text: plain('Call records', LIMITS.headerText) },
    ...glanceBlocks(state.glance),
    ...(state.demo ? [context([DEMO_NOTICE], 'home_demo')] : []),
    { type: 'divider', block_id: 'home_div_controls' },
    ...controlBlocks(filters, state.errors, state.timeZone, state.controlsKey, state.retentionDays),
    { type: 'divider', block_id: 'home_div_results' },
  ];

  const footer = storeFooter(state.glance, state.timeZone);
  const results: KnownBlock[] = [];
  const page = state.page;
  if (page === undefined) {
    results.push(context(['Choose filters and press *Search* to list calls, newest first.'], 'home_empty'));
    return {
      type: 'home',
      callback_id: HOME_CALLBACK_ID,
      private_metadata: meta.value,
      blocks: [...top, ...results, ...footer],
    };
  }

  // Block ids carry the page, so a page replacing another never reuses them.
  const p = `p${Math.trunc(page.page) || 0}`;
  const head: KnownBlock[] = [section(headline(page, state.names), `home_head_${p}`)];
  const notices = noticeLines(page.notices);
  if (notices.length > 0) head.push(context(notices, `home_notices_${p}`));
  const tail: KnownBlock[] = [];
  if (meta.pageable) {
    const nav = homeNavigation(page, state.offerExport === true);
    if (nav) tail.push(nav);
  } else {
    tail.push(
      context([':warning: Paging is not available for this search: narrow it down and search again.'], 'home_nopaging'),
    );
  }
  const options: CallBlockOptions = {
    timeZone: state.timeZone,
    detailsActionId: ACTION_IDS.homeDetails,
    blockIdPrefix: `home_${p}_c`,
    ...(state.names ? { names: state.names } : {}),
  };
  const room = LIMITS.viewBlocks - top.length - head.length - tail.length - footer.length;
  const blocks = [...top, ...head, ...callBlocks(page.records, room, options), ...tail, ...footer];
  return { type: 'home', callback_id: HOME_CALLBACK_ID, private_metadata: meta.value, blocks };
}
