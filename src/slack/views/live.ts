/**
 * Calls in progress (`/calls live` and the Home tab's section): who is in each call, its state (ringing,
 * connected) and the time so far. Pure: the clock comes in `ctx`.
 */
import type { KnownBlock } from '@slack/types';
import { LIVE_CALL_LIMIT_MS, type LiveCall } from '../../calls/call-events.js';
import { formatDuration } from '../../calls/describe-query.js';
import type { UserNames } from '../../calls/user-names.js';
import {
  code,
  context,
  DEMO_NOTICE,
  MAX_SHOWN_CALL_ID,
  personLabel,
  plural,
  section,
  slackDate,
  withDemo,
} from './format.js';
import type { RenderedMessage } from './result-page.js';

export interface LiveViewContext {
  demo: boolean;
  timeZone: string;
  /** Unix milliseconds. */
  nowMs: number;
  names?: UserNames;
  /** The filter in words ("with `147`"), or empty for every call. */
  filterText: string;
  /** More calls matched than are shown. */
  more: boolean;
}

const LEFT = new Set(['rejected', 'not-answered', 'invite-cancelled', 'hung-up', 'offline']);

/** One call in progress as mrkdwn lines. */
export function liveCallText(call: LiveCall, ctx: Pick<LiveViewContext, 'timeZone' | 'nowMs' | 'names'>): string {
  const state = call.state === 'connected' ? ':large_green_circle: Connected' : ':bell: Ringing';
  const media = call.mediaType === 'Video' ? 'video' : call.mediaType === 'Audio' ? 'audio' : 'call';
  const inCall = call.members.filter((member) => !LEFT.has(member.last));
  const people = inCall
    .slice(0, 5)
    .map((member) =>
      member.last === 'invited'
        ? `${personLabel(member.userId, ctx.names)} (ringing)`
        : personLabel(member.userId, ctx.names),
    );
  const others = inCall.length > 5 ? ` and ${inCall.length - 5} others` : '';
  const soFar = formatDuration(Math.max(0, ctx.nowMs - call.startedAtMs) / 1000);
  return [
    `${state} ${media} · ${people.join(', ') || 'nobody left in it'}${others}`,
    `started ${slackDate(Math.floor(call.startedAtMs / 1000), ctx.timeZone, '{time_secs}')} · ${soFar} so far · CallId ${code(call.callId, MAX_SHOWN_CALL_ID)}`,
  ].join('\n');
}

export function liveCallBlocks(calls: readonly LiveCall[], ctx: LiveViewContext, blockPrefix: string): KnownBlock[] {
  return calls.map((call, index) => section(liveCallText(call, ctx), `${blockPrefix}${index}`));
}

export function renderLiveCalls(calls: readonly LiveCall[], ctx: LiveViewContext): RenderedMessage {
  const head =
    calls.length === 0
      ? `No calls in progress${ctx.filterText === '' ? '' : ` ${ctx.filterText}`} right now.`
      : `*${plural(calls.length, 'call')} in progress${ctx.filterText === '' ? '' : ` ${ctx.filterText}`}*, newest first`;
  const blocks: KnownBlock[] = [section(head, 'live_head'), ...liveCallBlocks(calls, ctx, 'live_c')];
  if (ctx.more) blocks.push(context(['More calls are in progress than shown: narrow with `user:`.'], 'live_more'));
  blocks.push(
    context(
      [
        `Calls in progress come from Tencent's start and member callbacks; a call whose end never arrives leaves the list once the sync finds its record, or after ${LIVE_CALL_LIMIT_MS / 3_600_000} hours.`,
      ],
      'live_about',
    ),
  );
  if (ctx.demo) blocks.push(context([DEMO_NOTICE], 'live_demo'));
  return {
    text: withDemo(
      calls.length === 0 ? 'No calls in progress' : `${plural(calls.length, 'call')} in progress`,
      ctx.demo,
    ),
    blocks,
  };
}
