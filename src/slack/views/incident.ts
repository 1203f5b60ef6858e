/**
 * The dropped-call incident message and its thread posts. One message per incident, changed in place as
 * the incident goes on: the numbers first, then who acknowledged or muted it, then the buttons (gone, but Show calls,
 * once resolved). Pure: the clock (`now`), the zone of the fallbacks and demo mode are passed in.
 */
import type { Button, KnownBlock } from '@slack/types';
import { breakdownSentence, type CauseCount } from '../../calls/cause-breakdown.js';
import { formatDuration } from '../../calls/describe-query.js';
import { type DropRule, droppedOf } from '../../calls/incident-rule.js';
import type { IncidentRecord, RuleMute } from '../../calls/incident-store.js';
import { DROPPED_RESULTS } from '../../calls/records.js';
import type { UserNames } from '../../calls/user-names.js';
import { encodePageButton } from '../state/button-state.js';
import { encodeIncidentButton } from '../state/incident-button-state.js';
import {
  context,
  DEMO_NOTICE,
  escapeMrkdwn,
  mention,
  personLabel,
  plural,
  section,
  slackDate,
  withDemo,
} from './format.js';
import { ACTION_IDS } from './ids.js';
import { LIMITS, truncate } from './limits.js';

/** The incident message's buttons (defined in ids.ts). */
export const INCIDENT_ACTIONS = {
  showCalls: ACTION_IDS.incidentShowCalls,
  acknowledge: ACTION_IDS.incidentAcknowledge,
  mute1h: ACTION_IDS.incidentMute1h,
  mute24h: ACTION_IDS.incidentMute24h,
} as const;

export interface IncidentViewInput {
  /** The window's dropped calls by cause and side; absent or empty: no such line. */
  causes?: CauseCount[];
  incident: IncidentRecord;
  mute: RuleMute | null;
  rule: DropRule;
  /** Unix seconds (a mute that has ended is no longer shown). */
  now: number;
  /** Cached display names of the most affected users; absent ones (or none) show the ID alone. */
  names?: UserNames;
  /** Zone of the written fallbacks of times (DEFAULT_TIMEZONE). */
  timeZone: string;
  demo: boolean;
}

export interface IncidentMessage {
  text: string;
  blocks: KnownBlock[];
}

/** Most affected users listed in the message. */
export const INCIDENT_TOP_USERS = 5;

/** The incident's message, open or resolved. */
export function renderIncidentMessage(input: IncidentViewInput): IncidentMessage {
  const { incident, rule, timeZone } = input;
  const facts = incident.facts;
  const latest = facts.latest;
  const resolved = facts.resolvedAt !== null;
  const window = windowWords(rule.windowSeconds);
  const dropped = droppedOf(latest);
  const rate = latest.ended === 0 ? 0 : dropped / latest.ended;
  const threshold = `${formatPercent(rule.thresholdPercent / 100)}`;

  const lines: string[] = [];
  let header: string;
  let text: string;
  if (resolved) {
    const lasted = formatDuration((facts.resolvedAt ?? facts.openedAt) - facts.openedAt);
    header = `Resolved: dropped calls back under ${threshold}`;
    lines.push(
      `:white_check_mark: *Resolved* ${slackDate(facts.resolvedAt ?? 0, timeZone)}: the drop rate stayed under ` +
        `${threshold} for ${window}. The incident lasted *${lasted}* (opened ${slackDate(facts.openedAt, timeZone)}).`,
      `Peak: *${formatPercent(facts.peakRate)}* of calls dropped. At the end, ${countsSentence(latest, window)}`,
    );
    text = `Resolved: dropped calls back under ${threshold} after ${lasted} (peak ${formatPercent(facts.peakRate)})`;
  } else {
    header = `Dropped calls: ${formatPercent(rate)} of calls in the last ${window}`;
    lines.push(
      `:warning: *${formatPercent(rate)}* of calls dropped: ${countsSentence(latest, window)} ` +
        `The alert threshold is ${threshold} (with at least ${plural(rule.minCalls, 'call')}).`,
      `Opened ${slackDate(facts.openedAt, timeZone)} at ${formatPercent(facts.openingRate)}` +
        (facts.peakRate > facts.openingRate ? ` · peak so far ${formatPercent(facts.peakRate)}` : '') +
        ` · updated ${slackDate(latest.to - 1, timeZone)}`, // the window ends with the check's second included
    );
    if (facts.belowSince !== null) {
      lines.push(
        `Under the threshold since ${slackDate(facts.belowSince, timeZone)}; it resolves at ` +
          `${slackDate(facts.belowSince + rule.windowSeconds, timeZone, '{time}')} if it stays there.`,
      );
    }
    text = `Dropped calls: ${formatPercent(rate)} of ${plural(latest.ended, 'call')} in the last ${window} (threshold ${threshold})`;
  }

  const blocks: KnownBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: truncate(header, LIMITS.headerText) } },
    section(lines.join('\n'), 'incident_summary'),
  ];
  if (latest.topUsers.length > 0) {
    const users = latest.topUsers
      .slice(0, INCIDENT_TOP_USERS)
      .map((user) => `${personLabel(user.user, input.names)} ×${user.count}`)
      .join(', ');
    blocks.push(section(`*Most affected users* (dropped calls in the window)\n${users}`, 'incident_users'));
  }
  if (input.causes !== undefined && input.causes.length > 0) {
    blocks.push(section(`*By cause*\n${escapeMrkdwn(breakdownSentence(input.causes))}`, 'incident_causes'));
  }
  const notes = stateNotes(input);
  if (notes.length > 0) blocks.push(context(notes, 'incident_state'));
  if (input.demo) blocks.push(context([DEMO_NOTICE], 'incident_demo'));
  const actions = buttons(input);
  if (actions.length > 0) blocks.push({ type: 'actions', block_id: 'incident_actions', elements: actions });
  return { text: withDemo(text, input.demo, LIMITS.sectionText), blocks };
}

/** The thread post of an escalation: the rate reached another doubling of the opening rate. */
export function renderEscalation(
  input: IncidentViewInput,
  escalation: { level: number; previousLevel: number },
): IncidentMessage {
  const { incident, rule } = input;
  const latest = incident.facts.latest;
  const window = windowWords(rule.windowSeconds);
  const rate = latest.ended === 0 ? 0 : droppedOf(latest) / latest.ended;
  const times = Math.round(escalation.level / incident.facts.openingRate);
  const reached =
    escalation.level >= 1
      ? 'every call that ended dropped'
      : `${times}× the ${formatPercent(incident.facts.openingRate)} it opened at`;
  const sentence =
    `:warning: Worse: *${formatPercent(rate)}* of calls dropped (${reached}; the last notice was at ` +
    `${formatPercent(escalation.previousLevel)}). ${countsSentence(latest, window)}`;
  const blocks: KnownBlock[] = [section(sentence, 'incident_escalation')];
  if (input.demo) blocks.push(context([DEMO_NOTICE], 'incident_demo'));
  const text = `Dropped calls rose to ${formatPercent(rate)} (from ${formatPercent(escalation.previousLevel)})`;
  return { text: withDemo(text, input.demo, LIMITS.sectionText), blocks };
}

/** The chart's alt text and file title: the same numbers as the message. */
export function incidentChartTitle(input: Pick<IncidentViewInput, 'incident' | 'rule'>): string {
  const latest = input.incident.facts.latest;
  return `Calls and dropped calls per minute, last ${windowWords(input.rule.windowSeconds)}: ${droppedOf(latest)} of ${plural(latest.ended, 'call')} dropped`;
}

function countsSentence(latest: IncidentRecord['facts']['latest'], window: string): string {
  if (latest.ended === 0) return `no calls ended in the last ${window}.`;
  return (
    `*${droppedOf(latest).toLocaleString('en-US')} of ${plural(latest.ended, 'call')}* that ended in the last ` +
    `${window} (Interrupt ${latest.interrupted} · Offline ${latest.offline}).`
  );
}

function stateNotes(input: IncidentViewInput): string[] {
  const { incident, mute, now, timeZone } = input;
  const notes: string[] = [];
  if (incident.acknowledged !== null) {
    notes.push(`Acknowledged by ${mention(incident.acknowledged.by)} ${slackDate(incident.acknowledged.at, timeZone)}`);
  }
  if (mute !== null && mute.until > now) {
    notes.push(
      `Muted by ${mention(mute.by)} until ${slackDate(mute.until, timeZone)}: no new incident opens ` +
        'until then, and this one posts no escalations.',
    );
  }
  return notes;
}

function buttons(input: IncidentViewInput): Button[] {
  const { incident } = input;
  const out: Button[] = [];
  const show = showCallsValue(input);
  if (show !== undefined) {
    out.push({
      type: 'button',
      action_id: INCIDENT_ACTIONS.showCalls,
      text: { type: 'plain_text', text: 'Show calls' },
      value: show,
    });
  }
  if (incident.facts.resolvedAt !== null) return out;
  const value = encodeIncidentButton(incident.id);
  if (incident.acknowledged === null) {
    out.push({
      type: 'button',
      action_id: INCIDENT_ACTIONS.acknowledge,
      text: { type: 'plain_text', text: 'Acknowledge' },
      style: 'primary',
      value,
    });
  }
  out.push(
    { type: 'button', action_id: INCIDENT_ACTIONS.mute1h, text: { type: 'plain_text', text: 'Mute 1 h' }, value },
    { type: 'button', action_id: INCIDENT_ACTIONS.mute24h, text: { type: 'plain_text', text: 'Mute 24 h' }, value },
  );
  return out;
}

/** Page 1 of the incident's dropped calls: from the earliest dropped call seen to the last check. */
function showCallsValue(input: IncidentViewInput): string | undefined {
  const facts = input.incident.facts;
  if (facts.searchFrom === null) return undefined;
  const to = Math.max(facts.searchFrom + 1, (facts.resolvedAt ?? facts.latest.to) + 1);
  try {
    return encodePageButton({
      query: {
        users: [],
        results: [...DROPPED_RESULTS],
        callTypes: [],
        mediaTypes: [],
        from: facts.searchFrom,
        to,
        timeZone: input.timeZone,
      },
      page: 1,
    });
  } catch {
    return undefined; // a range the button cannot carry: no button rather than a broken one
  }
}

/** `15 min`, `1 h`, `1 h 30 min`, `45 s`. */
export function windowWords(seconds: number): string {
  if (seconds < 60) return `${seconds} s`;
  const hours = Math.floor(seconds / 3600);
  const minutes = Math.floor((seconds % 3600) / 60);
  if (hours === 0) return `${minutes} min`;
  return minutes === 0 ? `${hours} h` : `${hours} h ${minutes} min`;
}

/** One decimal: `12.5%`. */
export function formatPercent(share: number): string {
  return `${(Math.max(0, share) * 100).toFixed(1)}%`;
}
