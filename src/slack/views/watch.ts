/**
 * Watch messages: the DM for a new matching call, the DM when a watch ends, and the replies to
 * `/calls watch`, `/calls watches` and `/calls unwatch`. Pure, like every view; the delivery job gets the two DM
 * renderers from the wiring as functions (jobs never import slack/).
 */
import type { Button, KnownBlock } from '@slack/types';
import { callCause, causeSentence } from '../../calls/call-cause.js';
import type { CallEvent } from '../../calls/call-events.js';
import { describeFilters } from '../../calls/describe-query.js';
import { formatQuery } from '../../calls/format-query.js';
import type { CallQuery, PinnedQuery } from '../../calls/query.js';
import type { CallRecord } from '../../calls/records.js';
import type { UserNames } from '../../calls/user-names.js';
import type { Watch, WatchFilter } from '../../calls/watch-rules.js';
import { encodeCallButton } from '../state/button-state.js';
import { callLinkSuffix, callSentence, resultEmoji, timingPhrase } from './call-blocks.js';
import {
  code,
  context,
  DEMO_NOTICE,
  escapeMrkdwn,
  MAX_SHOWN_CALL_ID,
  mrkdwn,
  plural,
  section,
  slackDate,
  withDemo,
} from './format.js';
import { ACTION_IDS } from './ids.js';
import { truncate } from './limits.js';
import type { RenderedMessage } from './result-page.js';
import { slackPerson } from './timeline.js';

export const WATCH_STOP_ACTION = ACTION_IDS.watchStop;
/** A call's Details button in a watch DM: the same action as in results, so the same listener answers. */
export const WATCH_DETAILS_ACTION = ACTION_IDS.details;

export interface WatchViewContext {
  demo?: boolean;
  /** PUBLIC_URL's origin: a watched call carries its link. */
  publicUrl?: string;
  /** The zone of the `<!date>` fallbacks. */
  timeZone: string;
  /** The call's events: with member events, the DM says the cause. */
  events?: readonly CallEvent[];
  /** Cached display names of the users shown (absent ones: the ID alone). */
  names?: UserNames;
}

/** "interrupted or offline calls of Alice Wong (`147`)" (the same words as a search's headline). */
export function describeWatch(filter: WatchFilter, names?: UserNames): string {
  // Escaped like the result page's headline: the user IDs and names in it came from outside.
  return escapeMrkdwn(
    describeFilters(filter as Pick<PinnedQuery, 'users' | 'results' | 'callTypes' | 'mediaTypes'>, names),
  );
}

function withDemoNotice(blocks: KnownBlock[], demo: boolean | undefined, blockId: string): KnownBlock[] {
  return demo ? [...blocks, context([DEMO_NOTICE], blockId)] : blocks;
}

function detailsButton(callId: string): Button | undefined {
  try {
    return {
      type: 'button',
      action_id: WATCH_DETAILS_ACTION,
      text: { type: 'plain_text', text: 'Details', emoji: true },
      value: encodeCallButton(callId),
    };
  } catch {
    return undefined; // a CallId no button can carry: the message shows it all the same
  }
}

/** The DM for one new call that matches a watch. The notification text names no customer. */
export function renderWatchedCall(watch: Watch, record: CallRecord, ctx: WatchViewContext): RenderedMessage {
  const lines = [
    `${resultEmoji(record.result)} ${callSentence(record, ctx.names)}`,
    `${slackDate(record.startTime, ctx.timeZone)} · ${timingPhrase(record)}`,
    `CallId ${code(record.callId, MAX_SHOWN_CALL_ID)}${callLinkSuffix(record.callId, ctx.publicUrl)}`,
  ];
  const cause = ctx.events === undefined ? null : callCause(record, ctx.events);
  if (cause !== null) lines.splice(1, 0, `Cause: ${causeSentence(cause, slackPerson(ctx.names))}`);
  const call = section(lines.join('\n'), 'watch_call');
  const button = detailsButton(record.callId);
  if (button) call.accessory = button;
  const blocks: KnownBlock[] = [
    call,
    context(
      [`:eyes: Your watch of ${describeWatch(watch.filter, ctx.names)} · stop it with \`/calls watches\``],
      'watch_about',
    ),
  ];
  return {
    text: withDemo('A call you watch just ended', ctx.demo),
    blocks: withDemoNotice(blocks, ctx.demo, 'watch_demo'),
  };
}

/** One message for the matching calls a watch held back (more than it may send in a minute). */
export function renderWatchOverflow(
  watch: Watch,
  count: number,
  ctx: { demo?: boolean; perMinute: number; names?: UserNames },
): RenderedMessage {
  const { users, results, callTypes, mediaTypes } = watch.filter;
  const search = formatQuery({
    users,
    results,
    callTypes,
    mediaTypes,
    range: { kind: 'relative', seconds: 3_600, label: '1h' },
  } as CallQuery);
  const text =
    `:eyes: ${plural(count, 'more call', 'more calls')} matched your watch of ${describeWatch(watch.filter, ctx.names)} just now ` +
    `(I send at most ${ctx.perMinute} a minute per watch). See them all with ${code(`/calls ${search}`, 600)}.`;
  const blocks: KnownBlock[] = [section(text, 'watch_overflow')];
  return {
    text: withDemo(`${plural(count, 'more call', 'more calls')} you watch`, ctx.demo),
    blocks: withDemoNotice(blocks, ctx.demo, 'watch_demo'),
  };
}

/** The DM when a watch's WATCH_DAYS are over. */
export function renderWatchEnded(
  watch: Watch,
  ctx: { demo?: boolean; watchDays: number; names?: UserNames },
): RenderedMessage {
  const text = `Your watch of ${describeWatch(watch.filter, ctx.names)} has ended after ${plural(ctx.watchDays, 'day')}.`;
  const blocks: KnownBlock[] = [
    section(`:eyes: ${text} Start it again with \`/calls watch …\` if you still need it.`, 'watch_ended'),
  ];
  return { text: withDemo('A watch has ended', ctx.demo), blocks: withDemoNotice(blocks, ctx.demo, 'watch_demo') };
}

/** The reply to `/calls watch <query>`. */
export function renderWatchStarted(
  watch: Watch,
  position: number,
  ctx: WatchViewContext & {
    viaSync?: { intervalSeconds: number };
    /** What each `name:` matched ("name:"alice" matched Alice Wong (`alice1`)."): the users the watch follows. */
    matched?: readonly string[];
  },
): RenderedMessage {
  const lines = [
    `:eyes: Watching ${describeWatch(watch.filter, ctx.names)}: I'll send you a DM for each new call that matches, until ${slackDate(watch.expiresAt, ctx.timeZone)}.`,
    `Stop it with \`/calls unwatch ${position}\`; see all yours with \`/calls watches\`.`,
  ];
  const blocks: KnownBlock[] = [section(lines.join('\n'), 'watch_started')];
  if (ctx.matched !== undefined && ctx.matched.length > 0) {
    // The names were looked up once, now: someone renamed or named later is not added.
    const matched = ctx.matched.map((notice) => escapeMrkdwn(notice)).join(' ');
    blocks.push(context([`${matched} The watch follows these users.`], 'watch_names'));
  }
  if (ctx.viaSync) {
    blocks.push(
      context(
        [
          `New calls reach me with the sync, up to ${formatInterval(ctx.viaSync.intervalSeconds)} after they end (no Tencent callback is set up).`,
        ],
        'watch_sync',
      ),
    );
  }
  return { text: withDemo('Watch started', ctx.demo), blocks: withDemoNotice(blocks, ctx.demo, 'watch_demo') };
}

function formatInterval(seconds: number): string {
  if (seconds % 3600 === 0) return plural(seconds / 3600, 'hour');
  if (seconds % 60 === 0) return plural(seconds / 60, 'minute');
  return plural(seconds, 'second');
}

/** The reply to `/calls watches`: each active watch, numbered as `/calls unwatch <n>` counts, with a Stop button. */
export function renderWatchList(watches: readonly Watch[], ctx: WatchViewContext): RenderedMessage {
  if (watches.length === 0) {
    const blocks = [
      section('You have no watches. Start one with `/calls watch user:147 result:dropped`.', 'watch_none'),
    ];
    return { text: withDemo('No watches', ctx.demo), blocks: withDemoNotice(blocks, ctx.demo, 'watch_demo') };
  }
  const blocks: KnownBlock[] = [section(`*${plural(watches.length, 'watch', 'watches')}*:`, 'watch_list')];
  watches.forEach((watch, index) => {
    blocks.push({
      type: 'section',
      block_id: `watch_${index + 1}`,
      text: mrkdwn(
        `${index + 1}. ${describeWatch(watch.filter, ctx.names)} · until ${slackDate(watch.expiresAt, ctx.timeZone)}`,
      ),
      accessory: {
        type: 'button',
        action_id: WATCH_STOP_ACTION,
        text: { type: 'plain_text', text: 'Stop', emoji: true },
        value: watch.id,
        accessibility_label: truncate(`Stop watch ${index + 1}`, 75),
      },
    });
  });
  return {
    text: withDemo(plural(watches.length, 'watch', 'watches'), ctx.demo),
    blocks: withDemoNotice(blocks, ctx.demo, 'watch_demo'),
  };
}

/** The reply to a `/calls watch` that is already running: which one, so no DM goes out twice. */
export function renderWatchDuplicate(
  existing: Watch,
  position: number,
  ctx: { demo?: boolean; names?: UserNames },
): RenderedMessage {
  const text =
    `You already watch ${describeWatch(existing.filter, ctx.names)}: it is watch ${position} in \`/calls watches\`, ` +
    'so this one was not started (it would send the same DMs twice).';
  const blocks = [section(text, 'watch_duplicate')];
  return {
    text: withDemo('Already watching', ctx.demo),
    blocks: withDemoNotice(blocks, ctx.demo, 'watch_demo'),
  };
}

/** The reply once a watch was stopped (by `/calls unwatch <n>` or its Stop button). */
export function renderWatchStopped(watch: Watch, ctx: { demo?: boolean; names?: UserNames }): RenderedMessage {
  const blocks = [section(`Stopped watching ${describeWatch(watch.filter, ctx.names)}.`, 'watch_stopped')];
  return { text: withDemo('Watch stopped', ctx.demo), blocks: withDemoNotice(blocks, ctx.demo, 'watch_demo') };
}
