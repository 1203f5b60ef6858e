/**
 * Slack's own error code (`not_in_channel`…) of a failed Web API call, or undefined when Slack did not answer one
 * (an outage, a timeout, a reset): the two call for different words. Shared by the listeners and the jobs.
 */
export function slackErrorCode(error: unknown): string | undefined {
  const code = (error as { data?: { error?: unknown } } | null | undefined)?.data?.error;
  return typeof code === 'string' && code !== '' ? code : undefined;
}
