/**
 * The dropped-call rule as a pure state machine: `checkRule(state, window, now, rule)` returns the next
 * state and what should happen in Slack (open, escalate, resolve). No I/O, no clock: the monitor job measures the
 * window, keeps the state in the store and performs the effects. Every definition here is written down in
 * docs/incidents.md.
 */
import type { AffectedUser } from './daily-stats.js';
import type { CallRecord } from './records.js';

/** ALERT_DROP_RATE, ALERT_MIN_CALLS, ALERT_WINDOW. */
export interface DropRule {
  /** Percent (0.1–100) of ended calls that dropped at or above which an incident opens. */
  thresholdPercent: number;
  /** Fewest calls that ended in the window before the rate counts at all. */
  minCalls: number;
  windowSeconds: number;
}

/** The calls that ENDED in `[from, to)`, counted by the store. */
export interface WindowCounts {
  /** Unix seconds, inclusive. */
  from: number;
  /** Unix seconds, exclusive. */
  to: number;
  /** Calls that ended in the window, any result. */
  ended: number;
  /** `Interrupt` among them. */
  interrupted: number;
  /** `Offline` among them. */
  offline: number;
  /** The users in the most dropped calls of the window (caller or callee), most first. */
  topUsers: AffectedUser[];
  /** The earliest StartTime of a dropped call in the window (what "Show calls" searches from); null: none. */
  firstDroppedStart: number | null;
}

/** What a check knows: the window's counts and, for the chart, dropped and ended calls per bucket. */
export interface DropWindow extends WindowCounts {
  /** Consecutive buckets from `from` to `to`, each `bucketSeconds` long (the last may be shorter). */
  buckets: { at: number; ended: number; dropped: number }[];
  bucketSeconds: number;
}

/** One incident as the rule sees it; stored as JSON beside the incident's row. */
export interface IncidentFacts {
  /** Unix seconds of the check that opened it. */
  openedAt: number;
  /** The drop rate (0–1) that opened it: escalation levels are doublings of this. */
  openingRate: number;
  /** How many doublings of `openingRate` were posted as escalations (0 = none yet). */
  doublings: number;
  /** The highest rate seen while open (0–1). */
  peakRate: number;
  /** The last check's counts. */
  latest: WindowCounts;
  /**
   * The first check of the current unbroken run of checks below the threshold (or with too few calls to count);
   * null while the last check was at or above it.
   */
  belowSince: number | null;
  /** Unix seconds of the last check that changed anything a person sees in the message (for refreshes). */
  changedAt: number;
  /** Unix seconds when it resolved; null while open. */
  resolvedAt: number | null;
  /**
   * The earliest StartTime of a dropped call seen in any of its windows ("Show calls" searches from there, as the
   * search ranges over start times); null until one was seen.
   */
  searchFrom: number | null;
}

/** The rule's state: its mute and its open incident, if any. */
export interface RuleState {
  /** Unix seconds until which no incident opens (Mute 1 h / 24 h); null when not muted. */
  mutedUntil: number | null;
  open: IncidentFacts | null;
}

export type RuleEffect =
  /** A new incident: post its message (once, across processes). */
  | { kind: 'open'; incident: IncidentFacts }
  /** The rate reached another doubling of the opening rate: say so in the incident's thread. */
  | { kind: 'escalate'; incident: IncidentFacts; level: number; previousLevel: number }
  /** Below the threshold for a whole window: the message says resolved, and for how long it lasted. */
  | { kind: 'resolve'; incident: IncidentFacts; durationSeconds: number };

export interface RuleStep {
  state: RuleState;
  effects: RuleEffect[];
}

/** Ended and dropped calls of a window. */
export function droppedOf(counts: Pick<WindowCounts, 'interrupted' | 'offline'>): number {
  return counts.interrupted + counts.offline;
}

/** The share (0–1) of ended calls that dropped, or null when fewer than `minCalls` ended (the rate does not count). */
export function dropRate(counts: WindowCounts, rule: Pick<DropRule, 'minCalls'>): number | null {
  if (counts.ended < rule.minCalls || counts.ended === 0) return null;
  return droppedOf(counts) / counts.ended;
}

/** At or above the threshold with enough calls. Compared in whole numbers, so 2 of 20 is exactly 10 %. */
export function isBreaching(counts: WindowCounts, rule: DropRule): boolean {
  if (dropRate(counts, rule) === null) return false;
  return droppedOf(counts) * 100 >= rule.thresholdPercent * counts.ended;
}

/** The k-th escalation level: the opening rate doubled k times, capped at 100 %. */
export function escalationLevel(openingRate: number, doublings: number): number {
  return Math.min(1, openingRate * 2 ** doublings);
}

/** Whether the rule is muted at `now`. */
export function isMuted(state: Pick<RuleState, 'mutedUntil'>, now: number): boolean {
  return state.mutedUntil !== null && now < state.mutedUntil;
}

/** How many doublings `rate` has reached (never fewer than `from`); stops at the 100 % cap. */
function doublingsReached(openingRate: number, from: number, rate: number): number {
  let k = from;
  while (k < 64 && escalationLevel(openingRate, k) < 1 && escalationLevel(openingRate, k + 1) <= rate) k += 1;
  return k;
}

function sameCounts(a: WindowCounts, b: WindowCounts): boolean {
  return (
    a.ended === b.ended &&
    a.interrupted === b.interrupted &&
    a.offline === b.offline &&
    a.topUsers.length === b.topUsers.length &&
    a.topUsers.every((user, i) => user.user === b.topUsers[i]?.user && user.count === b.topUsers[i]?.count)
  );
}

/** The counts a check keeps (the chart's buckets are only needed when the message is first posted). */
export function countsOf(window: WindowCounts): WindowCounts {
  const { from, to, ended, interrupted, offline, topUsers, firstDroppedStart } = window;
  return { from, to, ended, interrupted, offline, topUsers: topUsers.map((u) => ({ ...u })), firstDroppedStart };
}

/**
 * One check of the rule at `now` over the window ending now.
 * - No open incident: opens one when the window breaches and the rule is not muted.
 * - Open: tracks the counts and the peak; posts an escalation when the rate reaches the next doubling of the
 *   opening rate (not while muted: the level then waits, so one escalation may follow the mute's end); resolves
 *   once every check for a whole window was below the threshold (`now - belowSince >= windowSeconds`).
 */
export function checkRule(state: RuleState, window: WindowCounts, now: number, rule: DropRule): RuleStep {
  const counts = countsOf(window);
  const breaching = isBreaching(counts, rule);
  const rate = dropRate(counts, rule);
  const muted = isMuted(state, now);
  const open = state.open;

  if (open === null) {
    if (!breaching || muted || rate === null) return { state, effects: [] };
    const incident: IncidentFacts = {
      openedAt: now,
      openingRate: rate,
      doublings: 0,
      peakRate: rate,
      latest: counts,
      belowSince: null,
      changedAt: now,
      resolvedAt: null,
      searchFrom: counts.firstDroppedStart,
    };
    return { state: { ...state, open: incident }, effects: [{ kind: 'open', incident }] };
  }

  const belowSince = breaching ? null : (open.belowSince ?? now);
  const changed = !sameCounts(open.latest, counts) || belowSince !== open.belowSince;
  let next: IncidentFacts = {
    ...open,
    latest: counts,
    belowSince,
    peakRate: Math.max(open.peakRate, rate ?? 0),
    changedAt: changed ? now : open.changedAt,
    searchFrom: earliest(open.searchFrom, counts.firstDroppedStart),
  };

  if (belowSince !== null && now - belowSince >= rule.windowSeconds) {
    next = { ...next, resolvedAt: now, changedAt: now };
    return {
      state: { ...state, open: null },
      effects: [{ kind: 'resolve', incident: next, durationSeconds: now - open.openedAt }],
    };
  }

  const effects: RuleEffect[] = [];
  if (breaching && rate !== null && !muted) {
    const reached = doublingsReached(open.openingRate, open.doublings, rate);
    if (reached > open.doublings) {
      next = { ...next, doublings: reached, changedAt: now };
      effects.push({
        kind: 'escalate',
        incident: next,
        level: escalationLevel(open.openingRate, reached),
        previousLevel: escalationLevel(open.openingRate, open.doublings),
      });
    }
  }
  return { state: { ...state, open: next }, effects };
}

function earliest(a: number | null, b: number | null): number | null {
  return a === null ? b : b === null ? a : Math.min(a, b);
}

const collator = new Intl.Collator('en', { numeric: true });

/**
 * The users in the most of `calls` (each call counted once per participant, caller or callee), most first; ties in
 * user-ID order, numeric IDs by value (the daily summary's order).
 */
export function mostAffectedUsers(
  calls: Iterable<Pick<CallRecord, 'caller' | 'callees'>>,
  limit: number,
): AffectedUser[] {
  const counts = new Map<string, number>();
  for (const call of calls) {
    for (const user of new Set([call.caller, ...call.callees])) counts.set(user, (counts.get(user) ?? 0) + 1);
  }
  return rankAffectedUsers(counts, limit);
}

/** Users by their count of calls, most first, in `mostAffectedUsers`' order; users counted 0 are left out. */
export function rankAffectedUsers(counts: ReadonlyMap<string, number>, limit: number): AffectedUser[] {
  return [...counts]
    .filter(([, count]) => count > 0)
    .map(([user, count]) => ({ user, count }))
    .sort((a, b) => b.count - a.count || collator.compare(a.user, b.user))
    .slice(0, limit);
}

/** Message refreshes: at most one a minute, and only when something shown changed since the last one. */
export const REFRESH_INTERVAL_SECONDS = 60;

/**
 * Whether an open, posted incident's message should be updated now: something shown changed at or after the last
 * update (same second included, so nothing is missed), and the last update is at least a minute old.
 */
export function isRefreshDue(incident: Pick<IncidentFacts, 'changedAt'>, lastUpdateAt: number, now: number): boolean {
  return incident.changedAt >= lastUpdateAt && now - lastUpdateAt >= REFRESH_INTERVAL_SECONDS;
}

/** Mute durations offered by the buttons. */
export const MUTE_SECONDS = { oneHour: 3600, oneDay: 86_400 } as const;
