/**
 * The domain's view of where incidents live (the call-record store: `store/incidents.ts` implements it on SQLite
 * and PostgreSQL). Written so that any number of processes sharing one store post one message per incident: at
 * most one open incident per channel (a unique index), state changes by version (compare and set), and the first
 * post and each refresh claimed by a conditional update.
 */
import type { DropWindow, IncidentFacts, WindowCounts } from './incident-rule.js';

/** One incident row. */
export interface IncidentRecord {
  id: number;
  /** The alert channel the rule posts to (one rule per channel). */
  channel: string;
  facts: IncidentFacts;
  /** Bumped by every change of `facts` (compare and set). */
  version: number;
  /** The incident's message, once posted; null before. */
  messageTs: string | null;
  /** Unix seconds of the last post or update of the message; null before the first post. */
  lastUpdateAt: number | null;
  acknowledged: { by: string; at: number } | null;
}

/** The rule's mute (Mute 1 h / 24 h), kept per channel so it outlives the incident it was set from. */
export interface RuleMute {
  until: number;
  by: string;
  at: number;
}

export interface IncidentStore {
  /** The open incident of `channel`, if any. */
  findOpenIncident(channel: string): Promise<IncidentRecord | null>;
  getIncident(id: number): Promise<IncidentRecord | null>;
  /**
   * Inserts a new open incident, unless `channel` already has one (another process opened it first): then null.
   */
  insertIncident(channel: string, facts: IncidentFacts): Promise<IncidentRecord | null>;
  /**
   * Replaces `facts` (and sets resolved_at from `facts.resolvedAt`) when the row is still at `version`. False:
   * another process changed it first, and this one must not act on its decision.
   */
  saveFacts(id: number, version: number, facts: IncidentFacts): Promise<boolean>;
  /**
   * Claims the right to post the incident's first message: true for exactly one caller while the message is not
   * posted and no unexpired claim exists (a claim expires after `ttlSeconds`, for a process that died posting).
   */
  claimPost(id: number, holder: string, now: number, ttlSeconds: number): Promise<boolean>;
  /** Records the posted message (and it counts as the first update). */
  recordPost(id: number, messageTs: string, now: number): Promise<void>;
  /** Gives a failed claim back, so the post is tried again (by any process). */
  releasePost(id: number, holder: string): Promise<void>;
  /**
   * Incidents of `channel` that still owe Slack something, oldest first: a message never posted (Slack was down),
   * or a resolution the message does not show yet (its last update is older than the resolution).
   */
  listPending(channel: string): Promise<IncidentRecord[]>;
  /**
   * Claims one message update: when the last update is at least `minIntervalSeconds` old (0: always, for a click
   * or the resolution), records `now` as the last update and returns what it was before; null: not yet due, or
   * another process claimed it.
   */
  claimUpdate(id: number, now: number, minIntervalSeconds: number): Promise<{ previous: number | null } | null>;
  /** Gives a failed update back (the last update is `previous` again), unless someone updated since. */
  releaseUpdate(id: number, claimedAt: number, previous: number | null): Promise<void>;
  /** Records who acknowledged (the first click wins; later clicks keep it). Returns the row, or null if unknown. */
  acknowledge(id: number, by: string, at: number): Promise<IncidentRecord | null>;
  readMute(channel: string): Promise<RuleMute | null>;
  /** Sets the channel's mute (the latest click wins: Mute 1 h after Mute 24 h shortens it). */
  writeMute(channel: string, mute: RuleMute): Promise<void>;
}

/** The window queries over calls that ENDED in `[from, to)`. */
export interface EndedCallsReader {
  /**
   * What a check needs: counted by result, top users by drops, the earliest start of a dropped call. Its cost does
   * not grow with the number of calls in the window (it reads per-minute counters).
   */
  countEndedCalls(from: number, to: number, options: { topUsers: number }): Promise<WindowCounts>;
  /** The same counts and the chart's per-bucket counts, from every call of the window (for an incident's chart). */
  measureEndedCalls(
    from: number,
    to: number,
    options: { topUsers: number; bucketSeconds: number },
  ): Promise<DropWindow>;
}

/** What the incident buttons ask of the monitor (the Slack listeners get this, never the store). */
export interface IncidentControls {
  /** Records who acknowledged and updates the message at once. False: no such incident. */
  acknowledge(incidentId: number, userId: string): Promise<boolean>;
  /** Mutes the incident's rule for `seconds` from now and updates the message at once. False: no such incident. */
  mute(incidentId: number, userId: string, seconds: number): Promise<boolean>;
}
