/**
 * One call as Block Kit, shared by the result message and the Home tab: a section led by a plain sentence
 * ("Video call from `147` to `369` interrupted after 2m 10s"), then when it started, talk and ring time, and the
 * copyable CallId and RoomId.
 */
import type { Button, ContextBlock, KnownBlock, SectionBlock } from '@slack/types';
import { callLink } from '../../calls/call-links.js';
import { formatDuration, resultVerb } from '../../calls/describe-query.js';
import {
  type CallRecord,
  isKnownCallResult,
  type KnownCallResult,
  ringSeconds,
  talkSeconds,
} from '../../calls/records.js';
import type { UserNames } from '../../calls/user-names.js';
import { encodeCallButton } from '../state/button-state.js';
import { code, escapeMrkdwn, isCut, MAX_SHOWN_CALL_ID, mrkdwn, personLabel, plural, slackDate } from './format.js';
import { truncate } from './limits.js';

/** The emoji in front of every call, by result. Documented in STYLE.md. */
export const RESULT_EMOJI: Readonly<Record<KnownCallResult, string>> = {
  NormalEnd: ':white_check_mark:',
  Cancel: ':no_entry:',
  Reject: ':x:',
  NotAnswer: ':hourglass:',
  CallBusy: ':telephone_receiver:',
  Interrupt: ':warning:',
  Offline: ':electric_plug:',
};
export const UNKNOWN_RESULT_EMOJI = ':grey_question:';

/** Callees named in the lead sentence; more become "and N others" (the Details view lists them all). */
export const CALLEES_IN_SENTENCE = 3;
/** Longest unknown result shown (Tencent's raw string, cut beyond this). */
export const MAX_SHOWN_RESULT = 64;

export function resultEmoji(result: string): string {
  return isKnownCallResult(result) ? RESULT_EMOJI[result] : UNKNOWN_RESULT_EMOJI;
}

/** "Video call", "Group audio call", "Call" (unknown media). */
export function callKind(record: Pick<CallRecord, 'mediaType' | 'callType'>): string {
  const media = record.mediaType === 'Audio' ? 'audio' : record.mediaType === 'Video' ? 'video' : '';
  const words = [record.callType === 'MultiCall' ? 'group' : '', media, 'call'].filter(Boolean).join(' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** "`369`", "`369` and `520`", "`369`, `520` and `7`", "`369`, `520` and 18 others"; named where names are known. */
export function describeCallees(callees: readonly string[], names?: UserNames): string {
  if (callees.length <= CALLEES_IN_SENTENCE) {
    const named = callees.map((c) => personLabel(c, names));
    return named.length <= 1 ? named.join('') : `${named.slice(0, -1).join(', ')} and ${named[named.length - 1]}`;
  }
  const shown = CALLEES_IN_SENTENCE - 1;
  const others = callees.length - shown;
  return `${callees
    .slice(0, shown)
    .map((c) => personLabel(c, names))
    .join(', ')} and ${others.toLocaleString('en-US')} others`;
}

/** How the call ended, completing the sentence (mrkdwn). Unknown results are shown as they came, in code. */
export function outcomePhrase(record: CallRecord): string {
  if (isKnownCallResult(record.result)) return escapeMrkdwn(resultVerb(record.result, record));
  const raw = code(record.result, MAX_SHOWN_RESULT);
  return record.acceptTime === null
    ? `ended with result ${raw}`
    : `ended with result ${raw} after ${formatDuration(talkSeconds(record))}`;
}

/**
 * The lead sentence, without emoji: "Group audio call from Alice Wong (`147`) to `369`, `520` and 3 others
 * interrupted after 2m 05s" (users without a known name are their ID alone).
 */
export function callSentence(record: CallRecord, names?: UserNames): string {
  const to = record.callees.length > 0 ? ` to ${describeCallees(record.callees, names)}` : '';
  return `${callKind(record)} from ${personLabel(record.caller, names)}${to} ${outcomePhrase(record)}`;
}

/** Whether the Details view shows something this summary leaves out (callees or IDs cut short). */
export function detailsAddSomething(record: CallRecord): boolean {
  return (
    record.callees.length > CALLEES_IN_SENTENCE ||
    isCut(record.caller) ||
    record.callees.slice(0, CALLEES_IN_SENTENCE).some((c) => isCut(c)) ||
    isCut(record.roomId) ||
    isCut(record.callId, MAX_SHOWN_CALL_ID) ||
    (!isKnownCallResult(record.result) && isCut(record.result, MAX_SHOWN_RESULT))
  );
}

/** "talked 2m 10s · rang 8s", "never connected · rang 30s". */
export function timingPhrase(record: CallRecord): string {
  const ring = `rang ${formatDuration(ringSeconds(record))}`;
  return record.acceptTime === null
    ? `never connected · ${ring}`
    : `talked ${formatDuration(talkSeconds(record))} · ${ring}`;
}

/**
 * ` · <…/calls/<CallId>|link to this call>`: the call's link (PUBLIC_URL), which unfurls into its card when pasted
 * anywhere in Slack; '' without PUBLIC_URL.
 */
export function callLinkSuffix(callId: string, publicUrl: string | undefined): string {
  return publicUrl === undefined ? '' : ` · <${callLink(publicUrl, callId)}|link to this call>`;
}

export interface CallBlockOptions {
  /** The zone of the `<!date>` fallbacks. */
  timeZone: string;
  /** action_id of the per-call Details button, or null for none (shared snapshots). */
  detailsActionId: string | null;
  /** Prefix of the block_ids: `${prefix}${index}`. */
  blockIdPrefix: string;
  /** Display names of the users on the page (absent or missing: IDs alone). */
  names?: UserNames;
  /** PUBLIC_URL's origin: each call carries its link. */
  publicUrl?: string;
}

function detailsButton(record: CallRecord, actionId: string): Button | undefined {
  if (!detailsAddSomething(record)) return undefined;
  let value: string;
  try {
    value = encodeCallButton(record.callId);
  } catch {
    return undefined; // a CallId no button can carry: the summary is all there is
  }
  return {
    type: 'button',
    action_id: actionId,
    text: { type: 'plain_text', text: 'Details', emoji: true },
    value,
    accessibility_label: truncate(`Details of call ${record.callId}`, 75),
  };
}

/** One call as one section block (with a Details button as its accessory where it adds something). */
export function callSection(record: CallRecord, index: number, options: CallBlockOptions): SectionBlock {
  const lines = [
    `${resultEmoji(record.result)} ${callSentence(record, options.names)}`,
    `${slackDate(record.startTime, options.timeZone)} · ${timingPhrase(record)}`,
    `CallId ${code(record.callId, MAX_SHOWN_CALL_ID)} · Room ${code(record.roomId)}${callLinkSuffix(record.callId, options.publicUrl)}`,
  ];
  const block: SectionBlock = {
    type: 'section',
    block_id: truncate(`${options.blockIdPrefix}${index}`, 255),
    text: mrkdwn(lines.join('\n')),
  };
  const button = options.detailsActionId === null ? undefined : detailsButton(record, options.detailsActionId);
  if (button) block.accessory = button;
  return block;
}

/**
 * The calls of one page, one block each, never more than `maxBlocks`: when they do not all fit, the last block
 * says how many were left out.
 */
export function callBlocks(records: readonly CallRecord[], maxBlocks: number, options: CallBlockOptions): KnownBlock[] {
  if (maxBlocks < 1) return [];
  if (records.length <= maxBlocks) return records.map((r, i) => callSection(r, i, options));
  const shown = records.slice(0, maxBlocks - 1).map((r, i) => callSection(r, i, options));
  const note: ContextBlock = {
    type: 'context',
    block_id: truncate(`${options.blockIdPrefix}more`, 255),
    elements: [mrkdwn(`${plural(records.length - shown.length, 'more call')} on this page could not be shown here.`)],
  };
  return [...shown, note];
}
