/** Retry policy: exponential backoff with full jitter (AWS "Exponential Backoff And Jitter"). */
export interface RetryPolicy {
  /** Attempts in all, the first included. Default 5. */
  maxAttempts: number;
  /** Cap of the first delay. Default 200 ms. */
  baseDelayMs: number;
  /** No delay is longer than this. Default 3 s. */
  maxDelayMs: number;
  /** Overall time for one call, limiter waits and retries included. Default 20 s. */
  deadlineMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 5,
  baseDelayMs: 200,
  maxDelayMs: 3000,
  deadlineMs: 20_000,
};

/**
 * Delay before attempt `attempt + 1`, after `attempt` failures: uniform in [0, min(max, base · 2^(attempt-1))].
 * Full jitter spreads the retries of many concurrent scan pages instead of sending them back in lockstep, which
 * is what matters after a burst of 60007 or 101001 answers.
 */
export function backoffDelay(attempt: number, policy: RetryPolicy, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.floor(random() * ceiling);
}
