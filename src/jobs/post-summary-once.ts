/**
 * The daily summary's post, once per (day, channel) across every process sharing the store: claim, post, then
 * record the outcome. A process that loses the claim does not post; a failed post is recorded so that a later run
 * (the schedule's retry, or `npm run summary` by hand) posts it once; `force` re-posts a finished one on purpose.
 *
 * What stays possible: a process that dies after Slack took the message but before recording it leaves a claim
 * that goes stale after `SUMMARY_CLAIM_STALE_SECONDS`, and a run after that posts the day again.
 */
import type { SummaryPostClaims, SummaryPostKey, SummaryPostState } from '../calls/summary-post-claims.js';
import type { LogSink } from '../shared/log-sink.js';
import { redactText } from '../shared/redact-text.js';

export type SummaryOnceOutcome<T> =
  | { status: 'posted'; posted: T }
  /** Another run posted it (or is posting it right now): nothing was sent. */
  | { status: 'not-mine'; current: SummaryPostState };

export interface PostSummaryOnceOptions {
  claims: SummaryPostClaims;
  key: SummaryPostKey;
  /** Who is posting, for the claim and the logs (host, pid, or `npm run summary`). */
  claimer: string;
  /** Post even when the day was posted already (never while another run is posting it). */
  force?: boolean;
  logger?: LogSink;
}

/**
 * Runs `post` only when this run wins the claim. A failure of `post` is recorded and rethrown; a failure to record
 * the outcome is logged (a post that reached Slack is never reported as failed).
 */
export async function postSummaryOnce<T extends { ts: string }>(
  options: PostSummaryOnceOptions,
  post: () => Promise<T>,
): Promise<SummaryOnceOutcome<T>> {
  const { claims, key, logger } = options;
  const claimed = await claims.claimSummaryPost(key, options.claimer, { force: options.force ?? false });
  if (!claimed.won) {
    const { current } = claimed;
    logger?.info(
      { ...key, status: current.status, claimedBy: current.claimedBy, messageTs: current.messageTs },
      current.status === 'posted'
        ? `daily summary of ${key.day}: already posted to ${key.channel}; not posted again`
        : `daily summary of ${key.day}: another process is posting it (${current.claimedBy}); not posted here`,
    );
    return { status: 'not-mine', current };
  }

  let posted: T;
  try {
    posted = await post();
  } catch (error) {
    await claims
      .markSummaryFailed(key, claimed.claim, redactText(error instanceof Error ? error.message : String(error)))
      .catch((recordError: unknown) =>
        // The claim stays "claimed"; it goes stale and a later run may retry it.
        logger?.warn({ ...key, err: recordError }, 'daily summary: could not record the failed post'),
      );
    throw error;
  }
  const recorded = await claims.markSummaryPosted(key, claimed.claim, posted.ts).catch((error: unknown) => {
    logger?.error(
      { ...key, ts: posted.ts, err: error },
      'daily summary: posted, but the store could not record it; a run after the claim goes stale may post it again',
    );
    return true;
  });
  if (!recorded) {
    logger?.warn({ ...key, ts: posted.ts }, 'daily summary: posted after another run took the claim over as stale');
  }
  return { status: 'posted', posted };
}

/**
 * A day whose post failed (or whose claimer died mid-post) is posted by the next run of the schedule: called for
 * the day before, it posts only when that day was attempted and did not end posted. A day never attempted (no
 * process was running then) is left alone.
 */
export async function retryUnpostedSummary<T extends { ts: string }>(
  options: PostSummaryOnceOptions,
  post: () => Promise<T>,
): Promise<SummaryOnceOutcome<T> | undefined> {
  const state = await options.claims.readSummaryPost(options.key);
  if (state === null || state.status === 'posted') return undefined;
  options.logger?.info({ ...options.key, status: state.status }, `daily summary of ${options.key.day}: retrying`);
  return postSummaryOnce(options, post);
}
