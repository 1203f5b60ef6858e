/**
 * Every field of one call (`/calls id:<CallId>` and the Details buttons). Pure: the clock comes in `ctx`.
 */
import type { ActionsBlock, KnownBlock, MrkdwnElement } from '@slack/types';
import { formatDuration, RESULT_LABELS } from '../../calls/describe-query.js';
import type { PinnedQuery } from '../../calls/query.js';
import { type CallRecord, isKnownCallResult, ringSeconds, talkSeconds } from '../../calls/records.js';
import { DEFAULT_RANGE_SECONDS } from '../../calls/time-range.js';
import type { UserNames } from '../../calls/user-names.js';
import { encodePageButton, isValidTimeZone, isValidUserId } from '../state/button-state.js';
import { callKind, callLinkSuffix, callSentence, MAX_SHOWN_RESULT, resultEmoji } from './call-blocks.js';
import {
  code,
  context,
  DEMO_NOTICE,
  escapeText,
  MAX_SHOWN_CALL_ID,
  mrkdwn,
  personLabel,
  plain,
  plural,
  section,
  slackDate,
  withDemo,
} from './format.js';
import { ACTION_IDS } from './ids.js';
import { LIMITS, truncate } from './limits.js';
import type { RenderedMessage } from './result-page.js';

export interface CallDetailsContext {
  demo: boolean;
  /** Zone of the `<!date>` fallbacks. */
  timeZone: string;
  /** Unix milliseconds, as `Date.now()`. */
  now: number;
  /** The CallId that was asked for (named when no call was found). */
  callId: string;
  /**
   * The pinned query behind "Other calls of …": by default the caller over the retained window ending now
   * (`now − 7 days` … `now`), in `timeZone`.
   */
  userQuery?: PinnedQuery;
  /** Display names of the call's users (absent or missing: IDs alone). */
  names?: UserNames;
  /** PUBLIC_URL's origin: the call carries its link. */
  publicUrl?: string;
}

/** Callee sections of the details view, at most this many (each up to 3000 characters). */
const MAX_CALLEE_SECTIONS = 20;
/** Longest callee ID shown in the details list. */
const MAX_SHOWN_CALLEE = 64;

function field(label: string, value: string): MrkdwnElement {
  return mrkdwn(`*${label}*\n${value}`, LIMITS.sectionFieldText);
}

function resultValue(result: string): string {
  if (isKnownCallResult(result)) {
    const label = RESULT_LABELS[result];
    return `${resultEmoji(result)} ${label.charAt(0).toUpperCase()}${label.slice(1)} (${code(result)})`;
  }
  return `${resultEmoji(result)} ${code(result, MAX_SHOWN_RESULT)}`;
}

function roomValue(record: CallRecord): string {
  const kind =
    record.roomIdType === 1 ? 'numeric room ID' : record.roomIdType === 2 ? 'string room ID' : 'room ID type unknown';
  return `${code(record.roomId, 500)} (${kind})`;
}

/** The callees, as many sections of at most 3000 characters as they need (within `MAX_CALLEE_SECTIONS`). */
function calleeBlocks(callees: readonly string[], names: UserNames | undefined): KnownBlock[] {
  if (callees.length === 0) return [section('*Callees*\nnone', 'call_callees_0')];
  const blocks: KnownBlock[] = [];
  let text = `*Callees (${callees.length.toLocaleString('en-US')})*\n`;
  let index = 0;
  for (; index < callees.length; index++) {
    const item = personLabel(callees[index] as string, names, MAX_SHOWN_CALLEE);
    const piece = text.endsWith('\n') ? item : `, ${item}`;
    if (text.length + piece.length > LIMITS.sectionText - 10) {
      blocks.push(section(text, `call_callees_${blocks.length}`));
      if (blocks.length === MAX_CALLEE_SECTIONS) break;
      text = item;
    } else {
      text += piece;
    }
  }
  if (blocks.length < MAX_CALLEE_SECTIONS) {
    blocks.push(section(text, `call_callees_${blocks.length}`));
  } else if (index < callees.length) {
    blocks.push(context([`and ${plural(callees.length - index, 'more callee')} not shown`], 'call_callees_more'));
  }
  return blocks;
}

function otherCallsQuery(record: CallRecord, ctx: CallDetailsContext): PinnedQuery {
  if (ctx.userQuery) return ctx.userQuery;
  const to = Math.floor(ctx.now / 1000) + 1; // exclusive: include calls that started this second
  return {
    users: [record.caller],
    results: [],
    callTypes: [],
    mediaTypes: [],
    from: to - 1 - DEFAULT_RANGE_SECONDS,
    to,
    timeZone: isValidTimeZone(ctx.timeZone) ? ctx.timeZone : 'UTC',
  };
}

function otherCallsButton(record: CallRecord, ctx: CallDetailsContext): ActionsBlock | undefined {
  if (!isValidUserId(record.caller)) return undefined;
  let value: string;
  try {
    value = encodePageButton({ query: otherCallsQuery(record, ctx), page: 1 });
  } catch {
    return undefined; // a query no button can carry: leave the button out rather than fail the view
  }
  return {
    type: 'actions',
    block_id: 'call_actions',
    elements: [
      {
        type: 'button',
        action_id: ACTION_IDS.searchUser,
        text: plain(`Other calls of ${record.caller}`, LIMITS.buttonText),
        value,
      },
    ],
  };
}

export function renderCallDetails(record: CallRecord | null, ctx: CallDetailsContext): RenderedMessage {
  const demo: KnownBlock[] = ctx.demo ? [context([DEMO_NOTICE], 'call_demo')] : [];
  if (record === null) {
    return {
      text: withDemo('No call with that ID', ctx.demo),
      blocks: [
        section(
          `No call with ID ${code(ctx.callId, MAX_SHOWN_CALL_ID)}: neither the call-record store nor Tencent has it.`,
          'call_missing',
        ),
        context(
          ['Calls older than the store keeps are gone; check the ID, or search by user with `/calls user:&lt;id&gt;`.'],
          'call_missing_hint',
        ),
        ...demo,
      ],
    };
  }

  const kindDetail = [record.callType, record.mediaType].map((v) => code(v, 32)).join(', ');
  const fields: MrkdwnElement[] = [
    field('Result', resultValue(record.result)),
    field('Call', `${callKind(record)} (${kindDetail})`),
    field('Caller', personLabel(record.caller, ctx.names)),
    field('Started', slackDate(record.startTime, ctx.timeZone)),
    field('Connected', record.acceptTime === null ? 'never' : slackDate(record.acceptTime, ctx.timeZone)),
    field('Ended', slackDate(record.endTime, ctx.timeZone)),
    field('Ring time', formatDuration(ringSeconds(record))),
    field('Talk time', formatDuration(talkSeconds(record))),
    field('Room', roomValue(record)),
  ];

  const blocks: KnownBlock[] = [
    section(`${resultEmoji(record.result)} ${callSentence(record, ctx.names)}`, 'call_lead'),
    { type: 'section', block_id: 'call_fields', fields },
    ...calleeBlocks(record.callees, ctx.names),
    section(`*CallId*\n${code(record.callId, 2000)}${callLinkSuffix(record.callId, ctx.publicUrl)}`, 'call_id'),
  ];
  const button = otherCallsButton(record, ctx);
  if (button) blocks.push(button);
  blocks.push(...demo);

  const result = isKnownCallResult(record.result) ? RESULT_LABELS[record.result] : truncate(record.result, 40);
  // The notification text is mrkdwn: an unknown result from Tencent is escaped there as in the blocks.
  return { text: withDemo(escapeText(`${callKind(record)} ${result}`), ctx.demo), blocks };
}
