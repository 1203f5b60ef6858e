/**
 * A call's timeline and cause in Slack: who called whom, who was invited, accepted, rejected, did not answer, hung
 * up or went offline, each at its time (in the reader's zone) and its offset into the call; then the cause in one
 * sentence. Pure. The rule behind the cause is `calls/call-cause.ts`.
 */
import type { KnownBlock } from '@slack/types';
import { callCause, causeSentence, causeShort, noEventsNotice, type PersonWriter } from '../../calls/call-cause.js';
import { buildTimeline, type CallEvent, type TimelineEntry } from '../../calls/call-events.js';
import { formatDuration } from '../../calls/describe-query.js';
import type { CallRecord } from '../../calls/records.js';
import type { UserNames } from '../../calls/user-names.js';
import { context, escapeMrkdwn, personLabel, plural, section, slackDate } from './format.js';
import { LIMITS } from './limits.js';

/** Timeline lines shown at most (a group call may have many); the rest are counted. */
export const MAX_TIMELINE_LINES = 40;

/** "Alice Wong (`147`)" in mrkdwn, escaped: the Slack way of writing a person in a cause. */
export function slackPerson(names: UserNames | undefined): PersonWriter {
  return (userId) => personLabel(userId, names);
}

/** "+2m 07s" */
export function offsetText(offsetMs: number): string {
  return `+${formatDuration(offsetMs / 1000)}`;
}

function people(ids: readonly string[], person: PersonWriter): string {
  if (ids.length <= 1) return ids.map(person).join('');
  return `${ids.slice(0, -1).map(person).join(', ')} and ${person(ids[ids.length - 1] as string)}`;
}

/** What each event says, after the person. */
const PHRASES: Readonly<Record<Exclude<TimelineEntry['action'], 'calling' | 'ended'>, string>> = {
  invited: 'was invited',
  accepted: 'accepted',
  joined: 'joined',
  rejected: 'rejected the call',
  'not-answered': 'did not answer',
  'invite-cancelled': 'was no longer invited (invitation cancelled)',
  'hung-up': 'hung up',
  offline: 'went offline: heartbeat lost, their app stopped responding',
};

/**
 * The timeline as mrkdwn lines. The caller's `calling` event and the invitations of the same moment read as one
 * line: "Alice Wong (`147`) called Bob Li (`369`)".
 */
export function timelineLines(entries: readonly TimelineEntry[], timeZone: string, person: PersonWriter): string[] {
  const lines: string[] = [];
  const calling = entries.filter((e) => e.action === 'calling');
  const callingAt = new Set(calling.map((e) => e.atMs));
  for (const entry of entries) {
    const when = `${slackDate(Math.floor(entry.atMs / 1000), timeZone, '{time_secs}')} (${offsetText(entry.offsetMs)})`;
    if (entry.action === 'invited' && callingAt.has(entry.atMs)) continue;
    let what: string;
    if (entry.action === 'calling') {
      const invited = entries.filter((e) => e.action === 'invited' && e.atMs === entry.atMs).map((e) => e.userId);
      what =
        invited.length === 0
          ? `${person(entry.userId)} started the call`
          : `${person(entry.userId)} called ${people(invited, person)}`;
    } else if (entry.action === 'ended') {
      what = 'the call ended';
    } else {
      what = `${person(entry.userId)} ${PHRASES[entry.action]}`;
    }
    lines.push(`${when} ${what}`);
  }
  return lines;
}

/** Call details: the timeline and the cause, or (once) that the call has no events and how to turn them on. */
export function timelineBlocks(
  record: CallRecord,
  events: readonly CallEvent[] | undefined,
  ctx: { timeZone: string; names?: UserNames },
): KnownBlock[] {
  if (events === undefined) {
    return [context(['The call events could not be read just now: no timeline or cause shown.'], 'call_timeline_none')];
  }
  const members = events.filter((e) => e.userId !== '');
  if (members.length === 0) return [context([escapeMrkdwn(noEventsNotice('call'))], 'call_timeline_none')];
  const person = slackPerson(ctx.names);
  const blocks: KnownBlock[] = [];
  const cause = callCause(record, events);
  if (cause !== null) blocks.push(section(`*Cause*\n${causeSentence(cause, person)}`, 'call_cause'));
  const lines = timelineLines(buildTimeline(record, events), ctx.timeZone, person);
  const shown = lines.slice(0, MAX_TIMELINE_LINES);
  let text = '*Timeline*';
  let part = 0;
  for (const line of shown) {
    if (text.length + line.length + 1 > LIMITS.sectionText - 10) {
      blocks.push(section(text, `call_timeline_${part++}`));
      text = line;
    } else {
      text += `\n${line}`;
    }
  }
  blocks.push(section(text, `call_timeline_${part}`));
  if (lines.length > shown.length) {
    blocks.push(context([`and ${plural(lines.length - shown.length, 'more event')} not shown`], 'call_timeline_more'));
  }
  return blocks;
}

/** The cause of a call shortened for a result line (mrkdwn), or undefined when the call has no member events. */
export function shortCause(
  record: CallRecord,
  events: readonly CallEvent[] | undefined,
  names?: UserNames,
): string | undefined {
  if (events === undefined) return undefined;
  const cause = callCause(record, events);
  return cause === null ? undefined : causeShort(cause, slackPerson(names));
}
