/**
 * A page of search results as a Slack message (the `/calls` reply, paging, and the shared copy).
 * Pure: the clock (`now`) and the zone of the fallbacks come in `ctx`.
 */
import type { ActionsBlock, Button, KnownBlock } from '@slack/types';
import { describeFilters, describeQuery } from '../../calls/describe-query.js';
import { type PageAnchor, recordKey, type SearchPage } from '../../calls/search-page.js';
import type { UserNames } from '../../calls/user-names.js';
import { encodePageButton, MAX_PAGE } from '../state/button-state.js';
import { type CallBlockOptions, callBlocks } from './call-blocks.js';
import {
  context,
  DEMO_NOTICE,
  escapeMrkdwn,
  escapeText,
  mention,
  plural,
  section,
  slackDate,
  withDemo,
} from './format.js';
import { ACTION_IDS } from './ids.js';
import { LIMITS, truncate, truncateMrkdwn } from './limits.js';

export interface ResultPageContext {
  /** The message shows demo data (says so in a context line). */
  demo: boolean;
  /** Zone of the `<!date>` fallbacks (the reader's own zone, else DEFAULT_TIMEZONE). */
  timeZone: string;
  /** Unix milliseconds, as `Date.now()`. */
  now: number;
  /** Slack user ID of who shared the page publicly: the message is then a snapshot, without any button. */
  sharedBy?: string;
  /** Display names of the users searched for and on the page (absent or missing: IDs alone). */
  names?: UserNames;
  /** Offer "Export CSV" (the app has a call-record store to export from). */
  offerExport?: boolean;
  /** PUBLIC_URL's origin: each call carries its link. */
  publicUrl?: string;
}

export interface RenderedMessage {
  /** The notification fallback: the count and the page, no customer data. */
  text: string;
  blocks: KnownBlock[];
}

/** "No calls found", "1 call", "1,234 calls". */
export function countLabel(total: number): string {
  return total <= 0 ? 'No calls found' : plural(total, 'call');
}

/** The query in words, never throwing (a query that cannot be described reads as its filters alone). */
function queryInWords(page: SearchPage, names: UserNames | undefined): string {
  try {
    return describeQuery(page.query, names);
  } catch {
    try {
      return describeFilters(page.query, names);
    } catch {
      return 'your search';
    }
  }
}

/** The first line: count, the query in words (with its range), and the page. */
export function headline(page: SearchPage, names?: UserNames): string {
  const count = `*${countLabel(page.total)}*`;
  const paging = page.total > 0 && page.pageCount > 0 ? ` · page ${page.page} of ${page.pageCount}` : '';
  // The query is plain text with backticked IDs: escape it, and cut it before it crowds out the rest.
  const query = truncateMrkdwn(escapeMrkdwn(queryInWords(page, names)), 2500);
  return `${count}: ${query}${paging}`;
}

/** The page's notices as context elements (at most 10). */
export function noticeLines(notices: readonly string[]): string[] {
  const lines = notices
    .filter((n) => n.trim().length > 0)
    .map((n) => `:information_source: ${escapeText(truncate(n, 500))}`);
  if (lines.length <= LIMITS.contextElements) return lines;
  return [
    ...lines.slice(0, LIMITS.contextElements - 1),
    `and ${lines.length - (LIMITS.contextElements - 1)} more notices`,
  ];
}

function pageButton(
  actionId: string,
  label: string,
  page: SearchPage,
  target: number,
  anchor: PageAnchor | undefined,
): Button {
  return {
    type: 'button',
    action_id: actionId,
    text: { type: 'plain_text', text: label, emoji: true },
    value: encodePageButton({ query: page.query, page: target, ...(anchor ? { anchor } : {}) }),
  };
}

/**
 * The anchors of the pages next to this one: Previous shows the calls before the first call on screen, Next
 * those after the last (so that calls listed since do not shift what the next page shows).
 */
export function neighbourAnchors(page: SearchPage): { previous?: PageAnchor; next?: PageAnchor } {
  const first = page.records[0];
  const last = page.records[page.records.length - 1];
  return {
    ...(first ? { previous: { before: recordKey(first) } } : {}),
    ...(last ? { next: { after: recordKey(last) } } : {}),
  };
}

/** Previous / Next / Share / Export, or none; throws when the query cannot be carried. */
function navigation(page: SearchPage, offerExport: boolean): Button[] {
  const buttons: Button[] = [];
  const current = Math.min(Math.max(1, Math.trunc(page.page) || 1), MAX_PAGE);
  const anchors = neighbourAnchors(page);
  if (current > 1) buttons.push(pageButton(ACTION_IDS.pagePrev, '◀ Previous', page, current - 1, anchors.previous));
  if (current < page.pageCount && current < MAX_PAGE) {
    buttons.push(pageButton(ACTION_IDS.pageNext, 'Next ▶', page, current + 1, anchors.next));
  }
  // Share shows the page on screen: found the way this one was.
  if (page.total > 0) buttons.push(pageButton(ACTION_IDS.share, 'Share in channel', page, current, page.anchor));
  // Every call of the search, as a file in the person's DM: the value is the pinned query (the page is unused).
  if (page.total > 0 && offerExport) buttons.push(pageButton(ACTION_IDS.exportCsv, 'Export CSV', page, 1, undefined));
  return buttons;
}

export function renderResultPage(page: SearchPage, ctx: ResultPageContext): RenderedMessage {
  const shared = ctx.sharedBy !== undefined;
  // Block ids carry the page, so a page replacing another never reuses them.
  const p = `p${Math.trunc(page.page) || 0}`;
  const top: KnownBlock[] = [section(headline(page, ctx.names), `calls_head_${p}`)];
  if (shared) {
    const when = slackDate(Math.floor(ctx.now / 1000), ctx.timeZone);
    top.push(context([`Shared by ${mention(ctx.sharedBy ?? '')} · as of ${when}`], `calls_shared_${p}`));
  }
  const notices = noticeLines(page.notices);
  if (notices.length > 0) top.push(context(notices, `calls_notices_${p}`));
  if (ctx.demo) top.push(context([DEMO_NOTICE], `calls_demo_${p}`));

  const bottom: KnownBlock[] = [];
  if (!shared) {
    let buttons: Button[] = [];
    try {
      buttons = navigation(page, ctx.offerExport === true);
    } catch {
      bottom.push(
        context(
          [':warning: Paging is not available for this search: narrow it down and run it again.'],
          `calls_nopaging_${p}`,
        ),
      );
    }
    if (buttons.length > 0) {
      const actions: ActionsBlock = { type: 'actions', block_id: `calls_nav_${p}`, elements: buttons };
      bottom.push(actions);
    }
  }

  const options: CallBlockOptions = {
    timeZone: ctx.timeZone,
    detailsActionId: shared ? null : ACTION_IDS.details,
    blockIdPrefix: `calls_${p}_c`,
    ...(ctx.names ? { names: ctx.names } : {}),
    ...(ctx.publicUrl === undefined ? {} : { publicUrl: ctx.publicUrl }),
  };
  const hasCalls = page.records.length > 0;
  // One divider between the headline and the calls, if any.
  const room = LIMITS.messageBlocks - top.length - bottom.length - (hasCalls ? 1 : 0);
  const calls = callBlocks(page.records, room, options);
  const blocks: KnownBlock[] = [
    ...top,
    ...(hasCalls ? [{ type: 'divider', block_id: `calls_div_${p}` } as KnownBlock] : []),
    ...calls,
    ...bottom,
  ];

  const pageText = page.total > 0 && page.pageCount > 1 ? ` (page ${page.page} of ${page.pageCount})` : '';
  const text = withDemo(`${countLabel(page.total)}${pageText}`, ctx.demo);
  return { text, blocks };
}
