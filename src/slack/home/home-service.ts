/**
 * The App Home tab's glue: build a `HomeViewModel` (filters, the glance, a page of results, problems next to
 * their control), render it with `renderHomeView` and publish it with `views.publish`. Every step's state comes from
 * the request (the view's `state.values` and `private_metadata`), never from server memory, so any app instance
 * can serve the next click. Nothing here throws: a failure becomes a sentence in the view, or a log line when even
 * publishing fails.
 *
 * Call details in the Home tab (Details button): Home actions have no response_url, so the details are published
 * IN the Home tab, in place of the results, with "Back to results" (the same page of the same pinned search,
 * kept in private_metadata) and "Other calls of <caller>". A modal (`views.open`) was not chosen: its trigger_id
 * expires 3 seconds after the click, which a slow Tencent lookup can miss, and the details' own "Other calls"
 * button would have nowhere to show its results.
 *
 * Access: the global access middleware (`access.ts`) answers a refused person before any of this runs, with a
 * Home view that only explains the refusal, on the open event and on every Home action alike.
 */
import { randomBytes } from 'node:crypto';
import type { KnownBlock } from '@slack/types';
import type { GlanceResult } from '../../calls/glance.js';
import { findLiveCalls } from '../../calls/live-calls.js';
import type { PinnedQuery } from '../../calls/query.js';
import { isValidUserId } from '../../calls/query-limits.js';
import type { PageAnchor, SearchPage } from '../../calls/search-page.js';
import { type UserNames, usersOf } from '../../calls/user-names.js';
import { beginAudit, type QueryAudit } from '../audit.js';
import { userFacingError } from '../error-messages.js';
import { lookupNames } from '../lookup-names.js';
import { findCall, findPage, namesAndEvents, pageEvents } from '../search-answer.js';
import type { SlackServices } from '../services.js';
import { slackErrorCode } from '../slack-api-error.js';
import { decodeCallButton } from '../state/button-state.js';
import {
  DEFAULT_HOME_FILTERS,
  decodeHomePageRequest,
  decodeHomeState,
  encodeHomePage,
  encodeHomeState,
  type HomeFilters,
  type HomeState,
} from '../state/home-state.js';
import { renderCallDetails } from '../views/call-details.js';
import { renderProblem } from '../views/errors.js';
import { plain } from '../views/format.js';
import { type HomeGlance, type HomeViewModel, type RenderedHomeView, renderHomeView } from '../views/home.js';
import { ACTION_IDS } from '../views/ids.js';
import { LIMITS } from '../views/limits.js';
import { filtersFromViewState, type HomeErrors, pinHomeFilters } from './home-filters.js';

/** Calls in progress the Home tab shows (the rest are one `/calls live` away). */
const HOME_LIVE_SHOWN = 5;

/** Buttons of the call details shown in the Home tab (see the module comment; defined in views/ids.ts). */
export const HOME_DETAIL_ACTIONS = {
  back: ACTION_IDS.homeBack,
  otherCalls: ACTION_IDS.homeOtherCalls,
} as const;

/** Said when private_metadata or a Home button value does not read back. */
export const HOME_OUTDATED_MESSAGE = 'This Home tab was out of date, so it was reset: choose filters and press Search.';

/** Where the glance comes from (`CallGlance`); absent: the Home tab has no glance header. */
export interface GlanceSource {
  get(): Promise<GlanceResult>;
}

export interface HomeServices
  extends Pick<
    SlackServices,
    | 'search'
    | 'demo'
    | 'timeZones'
    | 'logger'
    | 'now'
    | 'defaultTimeZone'
    | 'retentionDays'
    | 'names'
    | 'exportCalls'
    | 'events'
  > {
  glance?: GlanceSource;
}

/** Publishes a Home view; resolves false (and logs) when Slack refused it. */
export type PublishHome = (userId: string, view: RenderedHomeView) => Promise<boolean>;

/** Who is looking at the Home tab. */
export interface HomeViewer {
  userId: string;
  teamId?: string;
}

/** What a Home action carries: the view it was clicked in. */
export interface HomeActionInput {
  /** The action's value, when the button has one. */
  value?: string;
  /** `body.view.private_metadata` */
  privateMetadata?: string;
  /** `body.view.state.values` */
  stateValues?: unknown;
}

export interface HomeTab {
  /** `app_home_opened` (tab `home`): the person's view, with their last search when the previous view keeps one. */
  open(viewer: HomeViewer, previous: { privateMetadata?: string } | undefined, publish: PublishHome): Promise<void>;
  /** Search: filters from the controls → page 1. */
  search(viewer: HomeViewer, input: HomeActionInput, publish: PublishHome): Promise<void>;
  /** Previous / Next (and Back to results): page `value` of the search kept in private_metadata. */
  page(viewer: HomeViewer, input: HomeActionInput, publish: PublishHome, surface: string): Promise<void>;
  /** Clear: the default view. */
  clear(viewer: HomeViewer, publish: PublishHome): Promise<void>;
  /** A button this version does not know (a Home view published by another release): the default view, saying so. */
  outdated(viewer: HomeViewer, publish: PublishHome, surface: string): Promise<void>;
  /** Details: one call in place of the results. */
  details(viewer: HomeViewer, input: HomeActionInput, publish: PublishHome): Promise<void>;
  /** Other calls of a caller: a new search of that user over the last 7 days. */
  otherCalls(viewer: HomeViewer, input: HomeActionInput, publish: PublishHome): Promise<void>;
}

function glanceOf(result: GlanceResult | undefined): HomeGlance | undefined {
  if (result === undefined) return undefined;
  if ('unavailable' in result) return { unavailable: result.unavailable };
  const { coverage } = result;
  return {
    calls: result.calls,
    interrupted: result.interrupted,
    offline: result.offline,
    rate: result.rate,
    store: {
      lastSyncAt: coverage.lastSyncAt,
      invalidRecords: coverage.invalidRecords,
      syncFailing: coverage.syncProblem !== null,
      backfillDone: coverage.backfillDone,
    },
  };
}

function decodeState(privateMetadata: string | undefined): HomeState | undefined {
  if (privateMetadata === undefined) return undefined;
  const decoded = decodeHomeState(privateMetadata);
  return decoded.ok ? decoded.state : undefined;
}

/** The view Slack would reject is never sent: more than 100 blocks are cut (renderers stay well below). */
function withinLimits(view: RenderedHomeView): RenderedHomeView {
  return view.blocks.length <= LIMITS.viewBlocks ? view : { ...view, blocks: view.blocks.slice(0, LIMITS.viewBlocks) };
}

/**
 * The Home view with one call's details (or a sentence about them) in place of the results, "Back to results"
 * and "Other calls of …". `search` (the results the details were opened from) stays in private_metadata.
 */
export function renderHomeDetailsView(
  model: Omit<HomeViewModel, 'page'>,
  details: KnownBlock[],
  options: { search?: HomeState['search']; caller?: string },
): RenderedHomeView {
  const base = renderHomeView({ ...model });
  const cut = base.blocks.findIndex((block) => block.block_id === 'home_div_results');
  const top = cut < 0 ? base.blocks : base.blocks.slice(0, cut + 1);
  // The details' own "Other calls" button answers through a response_url, which the Home tab has not: replaced.
  const body = details.filter((block) => block.block_id !== 'call_actions');
  const buttons = [];
  let keepSearch = options.search;
  let privateMetadata = base.private_metadata;
  if (keepSearch) {
    try {
      privateMetadata = encodeHomeState({ filters: model.filters, search: keepSearch });
    } catch {
      keepSearch = undefined; // the search cannot be kept: Back is then not offered
    }
  }
  if (keepSearch) {
    buttons.push({
      type: 'button' as const,
      action_id: HOME_DETAIL_ACTIONS.back,
      text: plain('◀ Back to results', LIMITS.buttonText),
      value: encodeHomePage(keepSearch.page, keepSearch.anchor),
    });
  }
  if (options.caller !== undefined && isValidUserId(options.caller)) {
    buttons.push({
      type: 'button' as const,
      action_id: HOME_DETAIL_ACTIONS.otherCalls,
      text: plain(`Other calls of ${options.caller}`, LIMITS.buttonText),
      value: options.caller,
    });
  }
  const nav: KnownBlock[] =
    buttons.length > 0 ? [{ type: 'actions', block_id: 'home_details_nav', elements: buttons }] : [];
  const footer = base.blocks.filter((block) => block.block_id === 'home_store');
  const room = Math.max(0, LIMITS.viewBlocks - top.length - nav.length - footer.length);
  return {
    ...base,
    private_metadata: privateMetadata,
    blocks: [...top, ...nav, ...body.slice(0, room), ...footer],
  };
}

export function createHomeTab(services: HomeServices): HomeTab {
  const { logger } = services;

  /** The Home tab's "Calls in progress"; undefined (no section) without events or when reading them fails. */
  const liveNow = async (): Promise<HomeViewModel['live']> => {
    if (services.events === undefined) return undefined;
    try {
      const found = await findLiveCalls(
        services.events,
        { users: [], mediaTypes: [] },
        services.now() * 1000,
        HOME_LIVE_SHOWN,
      );
      const names = await lookupNames(
        services,
        found.calls.flatMap((call) => call.members.map((member) => member.userId)),
      );
      return { ...found, names };
    } catch (error) {
      logger.warn({ err: error }, 'Home calls in progress failed');
      return undefined;
    }
  };

  const glance = async (): Promise<HomeGlance | undefined> => {
    if (!services.glance) return undefined;
    try {
      return glanceOf(await services.glance.get());
    } catch (error) {
      logger.warn({ err: error }, 'Home glance failed');
      return undefined;
    }
  };

  const model = (
    parts: { filters: HomeFilters; errors?: HomeErrors; page?: SearchPage },
    timeZone: string,
    glanceResult: HomeGlance | undefined,
    names?: UserNames,
  ): HomeViewModel => {
    const errors = parts.errors && Object.keys(parts.errors).length > 0 ? parts.errors : undefined;
    return {
      filters: parts.filters,
      ...(errors ? { errors } : {}),
      ...(glanceResult ? { glance: glanceResult } : {}),
      ...(parts.page ? { page: parts.page } : {}),
      ...(names ? { names } : {}),
      ...(services.exportCalls ? { offerExport: true } : {}),
      demo: services.demo,
      timeZone,
      now: services.now() * 1000,
      // New with every publish, so that Slack shows the controls as this view sets them (see `controlBlockId`).
      controlsKey: randomBytes(4).toString('hex'),
      retentionDays: services.retentionDays,
    };
  };

  /** One page of a pinned search for the view (search-answer.ts), or the failure as one sentence. */
  const runSearch = async (
    pinned: PinnedQuery,
    page: number,
    audit: QueryAudit,
    notices: string[] = [],
    anchor?: PageAnchor,
  ): Promise<{ page: SearchPage } | { error: string; kind?: string }> => {
    const found = await findPage(services, { pinned, page, notices, ...(anchor ? { anchor } : {}) }, audit, {
      surface: 'home',
    });
    return found.ok ? { page: found.page } : { error: found.failure.text, kind: found.failure.outcome };
  };

  const audit = (viewer: HomeViewer, surface: string) =>
    beginAudit(logger, { surface, user: viewer.userId, ...(viewer.teamId ? { team: viewer.teamId } : {}) });

  /** Runs `work` (the search) and the glance together, then publishes. */
  const publishWith = async (
    viewer: HomeViewer,
    publish: PublishHome,
    work: (timeZone: string) => Promise<{ filters: HomeFilters; errors?: HomeErrors; page?: SearchPage }>,
  ): Promise<void> => {
    try {
      const timeZone = await services.timeZones.get(viewer.userId);
      const [found, glanceResult, live] = await Promise.all([work(timeZone), glance(), liveNow()]);
      const [names, withEvents] = found.page
        ? await Promise.all([
            lookupNames(services, [...found.page.query.users, ...usersOf(found.page.records)]),
            pageEvents(services, found.page),
          ])
        : [undefined, undefined];
      const parts = withEvents === undefined ? found : { ...found, page: withEvents.page };
      const view = model(parts, timeZone, glanceResult, names);
      if (withEvents?.events !== undefined) view.events = withEvents.events;
      if (live !== undefined) view.live = live;
      await publish(viewer.userId, withinLimits(renderHomeView(view)));
    } catch (error) {
      // Only a bug gets here: say so in the view rather than leave the person without an answer.
      const failure = userFacingError(error, logger, { surface: 'home' });
      const timeZone = services.defaultTimeZone;
      await publish(
        viewer.userId,
        renderHomeView(
          model({ filters: DEFAULT_HOME_FILTERS, errors: { general: failure.text } }, timeZone, undefined),
        ),
      ).catch(() => false);
    }
  };

  /** Filters and a pinned search → the parts of a view with that page (or the failure next to the controls). */
  const searchParts = async (
    filters: HomeFilters,
    pinned: PinnedQuery,
    page: number,
    audited: QueryAudit,
    notices: string[] = [],
    anchor?: PageAnchor,
  ) => {
    const result = await runSearch(pinned, page, audited, notices, anchor);
    return 'page' in result ? { filters, page: result.page } : { filters, errors: { general: result.error } };
  };

  const newSearch = (viewer: HomeViewer, filters: HomeFilters, surface: string, publish: PublishHome) =>
    publishWith(viewer, publish, async (timeZone) => {
      const audited = audit(viewer, surface);
      const pinned = await pinHomeFilters(filters, services.now(), timeZone, services.retentionDays, services.names);
      if (!pinned.ok) {
        audited.finish({ outcome: pinned.reason });
        return { filters, errors: pinned.errors };
      }
      return searchParts(filters, pinned.pinned, 1, audited, pinned.notices);
    });

  const reset = (viewer: HomeViewer, publish: PublishHome, general?: string) =>
    publishWith(viewer, publish, async () => ({
      filters: DEFAULT_HOME_FILTERS,
      ...(general ? { errors: { general } } : {}),
    }));

  return {
    open(viewer, previous, publish) {
      const state = decodeState(previous?.privateMetadata);
      return publishWith(viewer, publish, async () => {
        if (state === undefined) return { filters: DEFAULT_HOME_FILTERS };
        if (state.search === undefined) return { filters: state.filters };
        const audited = audit(viewer, 'home:open');
        const result = await runSearch(state.search.query, state.search.page, audited, [], state.search.anchor);
        if ('page' in result) return { filters: state.filters, page: result.page };
        // An old search that fell out of stored history is simply not shown again.
        if (result.kind === 'search-out-of-range') return { filters: state.filters };
        return { filters: state.filters, errors: { general: result.error } };
      });
    },

    search(viewer, input, publish) {
      const read = filtersFromViewState(input.stateValues);
      if (read.errors.general !== undefined) {
        return publishWith(viewer, publish, async () => {
          audit(viewer, `home:${ACTION_IDS.homeSearch}`).finish({ outcome: 'invalid' });
          return { filters: read.filters, errors: read.errors };
        });
      }
      return newSearch(viewer, read.filters, `home:${ACTION_IDS.homeSearch}`, publish);
    },

    page(viewer, input, publish, surface) {
      const state = decodeState(input.privateMetadata);
      const request = decodeHomePageRequest(input.value ?? '');
      if (state?.search === undefined || request === null) {
        audit(viewer, surface).finish({ outcome: 'home-state-malformed' });
        return reset(viewer, publish, HOME_OUTDATED_MESSAGE);
      }
      const search = state.search;
      return publishWith(viewer, publish, () =>
        searchParts(state.filters, search.query, request.page, audit(viewer, surface), [], request.anchor),
      );
    },

    clear(viewer, publish) {
      return reset(viewer, publish);
    },

    outdated(viewer, publish, surface) {
      audit(viewer, surface).finish({ outcome: 'button-outdated' });
      return reset(viewer, publish, HOME_OUTDATED_MESSAGE);
    },

    async details(viewer, input, publish) {
      const state = decodeState(input.privateMetadata);
      const decoded = decodeCallButton(input.value ?? '');
      const surface = `home:${ACTION_IDS.homeDetails}`;
      if (state === undefined || !decoded.ok) {
        audit(viewer, surface).finish({ outcome: 'home-state-malformed' });
        return reset(viewer, publish, HOME_OUTDATED_MESSAGE);
      }
      try {
        const timeZone = await services.timeZones.get(viewer.userId);
        const audited = audit(viewer, surface);
        audited.set({ callId: decoded.callId });
        const lookup = async () => {
          const found = await findCall(services, decoded.callId, audited, { surface });
          if (!found.ok) return { blocks: renderProblem(found.failure.text).blocks, caller: undefined };
          const rendered = renderCallDetails(found.record, {
            ...(await namesAndEvents(services, found.record)),
            callId: decoded.callId,
            demo: false, // the Home view says it once, at the top
            timeZone,
            now: services.now() * 1000,
          });
          return { blocks: rendered.blocks, caller: found.record?.caller };
        };
        const [shown, glanceResult] = await Promise.all([lookup(), glance()]);
        const view = renderHomeDetailsView(model({ filters: state.filters }, timeZone, glanceResult), shown.blocks, {
          ...(state.search ? { search: state.search } : {}),
          ...(shown.caller === undefined ? {} : { caller: shown.caller }),
        });
        await publish(viewer.userId, withinLimits(view));
      } catch (error) {
        const failure = userFacingError(error, logger, { surface });
        await reset(viewer, publish, failure.text);
      }
    },

    otherCalls(viewer, input, publish) {
      const user = input.value ?? '';
      if (!isValidUserId(user)) {
        audit(viewer, `home:${HOME_DETAIL_ACTIONS.otherCalls}`).finish({ outcome: 'home-state-malformed' });
        return reset(viewer, publish, HOME_OUTDATED_MESSAGE);
      }
      const filters: HomeFilters = { ...DEFAULT_HOME_FILTERS, user, preset: 'last_7d' };
      return newSearch(viewer, filters, `home:${HOME_DETAIL_ACTIONS.otherCalls}`, publish);
    },
  };
}

/** A `PublishHome` over a Web API client: `views.publish` for the person, failures logged. */
export function publisher(
  client: { views: { publish(args: { user_id: string; view: RenderedHomeView }): Promise<unknown> } },
  logger: SlackServices['logger'],
): PublishHome {
  return async (userId, view) => {
    try {
      await client.views.publish({ user_id: userId, view });
      return true;
    } catch (error) {
      logger.warn({ err: error, user: userId, code: slackErrorCode(error) }, 'could not publish the Home tab');
      return false;
    }
  };
}
