/**
 * Exactly one daily summary per (day, channel) across processes: a process claims the post before it posts, and
 * records how the post ended. Implemented by the store (`store/summary-posts.ts`); used by the summary job.
 */

/** Which summary: the calendar day `YYYY-MM-DD` (in SUMMARY_TIMEZONE) and the channel ID. */
export interface SummaryPostKey {
  day: string;
  channel: string;
}

/**
 * How long a claim is honoured before another process may take it over (the claimer is taken to have died
 * mid-post). Far above a post's worst case: the summary, the text post and the chart upload with their retries.
 */
export const SUMMARY_CLAIM_STALE_SECONDS = 600;

export type SummaryClaim =
  /** This claimer may post now; `claim` identifies this attempt when it records the outcome. */
  | { won: true; claim: string }
  /** Already posted (or being posted by another process right now): do not post. */
  | { won: false; current: SummaryPostState };

export interface SummaryPostState {
  status: 'claimed' | 'posted' | 'failed';
  claimedBy: string;
  /** Unix seconds. */
  claimedAt: number;
  postedAt: number | null;
  messageTs: string | null;
  /** Why the last attempt failed (a short reason, never a secret). */
  error: string | null;
}

export interface SummaryPostClaims {
  /**
   * One atomic statement: wins when nobody has claimed the key, when the last attempt failed, or when a claim is
   * older than the stale timeout. `force` also wins over a finished post (a deliberate re-post), never over a
   * claim in progress. `claimer` names the process in logs.
   */
  claimSummaryPost(key: SummaryPostKey, claimer: string, options?: { force?: boolean }): Promise<SummaryClaim>;
  /** Records the posted message; false when the claim was taken over meanwhile (then nothing changes). */
  markSummaryPosted(key: SummaryPostKey, claim: string, messageTs: string): Promise<boolean>;
  /** Records a failed attempt, which any process may retry; false when the claim was taken over meanwhile. */
  markSummaryFailed(key: SummaryPostKey, claim: string, error: string): Promise<boolean>;
  readSummaryPost(key: SummaryPostKey): Promise<SummaryPostState | null>;
}
