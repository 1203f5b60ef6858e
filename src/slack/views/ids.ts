/**
 * The action_ids and block_ids the views emit, for the listeners to match on: every button's action_id is defined
 * here, once (other modules' names for them are aliases), so two buttons can never share one by accident.
 */

export const ACTION_IDS = {
  /** Result message: previous / next page. Value: `encodePageButton` of the page to show. */
  pagePrev: 'calls_page_prev',
  pageNext: 'calls_page_next',
  /** Result message: post this page publicly. Value: `encodePageButton` of the current page. */
  share: 'calls_share',
  /** Per call (message and call details): every detail of one call. Value: the CallId (`decodeCallButton`). */
  details: 'calls_details',
  /** Result message: every call of the search as a CSV file in the person's DM. Value: `encodePageButton`. */
  exportCsv: 'calls_export_csv',
  /** Home tab: the same for the search on screen (kept in private_metadata). No value. */
  homeExportCsv: 'home_export_csv',
  /** Call details: the caller's other calls. Value: `encodePageButton` (page 1 of that user's retained window). */
  searchUser: 'calls_search_user',
  /** Home tab: run the search from the filter controls (state in `view.state.values`). No value. */
  homeSearch: 'home_search',
  /** Home tab: reset the filters. No value. */
  homeClear: 'home_clear',
  /** Home tab: previous / next page. Value: the page number to show (`decodeHomePage`); state in private_metadata. */
  homePagePrev: 'home_page_prev',
  homePageNext: 'home_page_next',
  /** Home tab: every detail of one call (shown in the Home tab, in place of the results). Value: the CallId. */
  homeDetails: 'home_details',
  /** Home tab call details: back to the results they were opened from. Value: the page (`encodeHomePage`). */
  homeBack: 'home_back',
  /** Home tab call details: the caller's calls over the last 7 days, as a new Home search. Value: the user ID. */
  homeOtherCalls: 'home_other_calls',
  /** Watch DM: stop this watch. */
  watchStop: 'watch_stop',
  /** Daily summary: the day's interrupted calls. */
  summaryShowInterrupted: 'summary_show_interrupted',
  /** Incident message: the incident's dropped calls. Value: `encodePageButton` (page 1). */
  incidentShowCalls: 'incident_show_calls',
  /** Incident message: acknowledge / mute the rule. Value: `encodeIncidentButton`. */
  incidentAcknowledge: 'incident_acknowledge',
  incidentMute1h: 'incident_mute_1h',
  incidentMute24h: 'incident_mute_24h',
} as const;

/**
 * Home tab controls: `view.state.values[block_id][action_id]`. Every control is an `input` block, so choosing a value
 * sends nothing; the Search button's payload carries them all. The block_ids below are bases: each published view
 * adds a key of its own (`controlBlockId`), see there.
 */
export const HOME_INPUTS = {
  user: { blockId: 'home_user', actionId: 'user' }, // plain_text_input → .value
  results: { blockId: 'home_results', actionId: 'results' }, // multi_static_select → .selected_options[].value
  type: { blockId: 'home_type', actionId: 'type' }, // static_select → .selected_option.value ('any' | CallType)
  media: { blockId: 'home_media', actionId: 'media' }, // static_select → .selected_option.value ('any' | MediaType)
  preset: { blockId: 'home_preset', actionId: 'preset' }, // static_select → .selected_option.value (HomePreset)
  from: { blockId: 'home_from', actionId: 'date' }, // datepicker → .selected_date
  fromTime: { blockId: 'home_from_time', actionId: 'time' }, // timepicker → .selected_time
  to: { blockId: 'home_to', actionId: 'date' },
  toTime: { blockId: 'home_to_time', actionId: 'time' },
} as const;

/**
 * The block_id of a Home control in one published view: `home_user.<key>`. Slack keeps what an input shows (and
 * ignores a new `initial_value`/`initial_option`) for as long as its block_id and action_id stay the same, so a view
 * that sets the controls itself (Clear, "Other calls of …", a reset) would still show what the person had typed.
 * A new key with every publish makes Slack draw each control from the view's own initial values.
 */
export function controlBlockId(base: string, key: string | undefined): string {
  return key ? `${base}.${key}` : base;
}

/** Whether `blockId` is the control `base` of some view (`home_user`, `home_user.<key>`; not `home_user_x`). */
export function isControlBlockId(blockId: string, base: string): boolean {
  return blockId === base || blockId.startsWith(`${base}.`);
}

/** The "Any" option value of the call type and media selects. */
export const ANY_OPTION = 'any';

/** callback_id of the Home tab view. */
export const HOME_CALLBACK_ID = 'calls_home';

/**
 * Buttons inside the app's modals (and the call card's Details, which opens one). A modal has no response_url, so
 * these answer with views.open / views.update instead of the message buttons' replies.
 */
export const MODAL_ACTIONS = {
  /** Every detail of one call: updates the modal it is in, or opens one. Value: the CallId (`encodeCallButton`). */
  call: 'modal_call',
  /** A page of a search: Previous, Next (one block holds both: action_ids differ), a user's calls. */
  pagePrev: 'modal_page_prev',
  pageNext: 'modal_page_next',
  userCalls: 'modal_user_calls',
} as const;

/** callback_id of every modal the app opens (its private_metadata says where it was opened: `state/modal-state.ts`). */
export const CALLS_MODAL_CALLBACK_ID = 'calls_modal';
/** callback_id of the "Search calls" modal's filters (submitted with the Search button). */
export const SEARCH_MODAL_CALLBACK_ID = 'calls_search_modal';

/** Shortcuts, as declared in manifest.yml. */
export const SHORTCUT_IDS = {
  /** Message shortcut "Find calls": the user IDs and CallIds in a message. */
  findCalls: 'find_calls',
  /** Global shortcut "Search calls": a modal with the Home tab's filters. */
  searchCalls: 'search_calls',
} as const;

/** Workflow Builder steps (Bolt custom functions), as declared in manifest.yml's `functions`. */
export const FUNCTION_IDS = {
  lookUpCalls: 'look_up_calls',
  getCall: 'get_call',
} as const;
