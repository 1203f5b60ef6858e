/**
 * Slack's own error code (`not_in_channel`…) of a failed Web API call, or undefined when Slack did not answer one
 * (an outage, a timeout, a reset): the two call for different words. Shared by the listeners and the jobs.
 */
export function slackErrorCode(error: unknown): string | undefined {
  const code = (error as { data?: { error?: unknown } } | null | undefined)?.data?.error;
  return typeof code === 'string' && code !== '' ? code : undefined;
}

/** Slack error codes that may pass: any other code Slack answers would answer the same at every retry. */
const PASSING_SLACK_ERRORS = new Set([
  'ratelimited',
  'internal_error',
  'fatal_error',
  'service_unavailable',
  'request_timeout',
]);

/** Slack's code when Slack refused the call for good (a deactivated account, a bot…), else undefined. */
export function slackRefusedForGood(error: unknown): string | undefined {
  const code = slackErrorCode(error);
  return code !== undefined && !PASSING_SLACK_ERRORS.has(code) ? code : undefined;
}
