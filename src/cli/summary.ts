import { hostname } from 'node:os';
import type { webApi } from '@slack/bolt';
import { isCalendarDate } from '../calls/calendar-date.js';
import { StoreUnavailableError } from '../calls/call-store.js';
import { collectDailySummary } from '../calls/daily-summary.js';
import { STORE_UNAVAILABLE } from '../calls/problem-sentences.js';
import { displayToken } from '../calls/query-limits.js';
import { TencentError } from '../calls/source-errors.js';
import type { SummaryPostState } from '../calls/summary-post-claims.js';
import { dayBounds, formatInstant, retentionCutoff, todayIn, yesterdayIn } from '../calls/time-range.js';
import { redactText } from '../shared/redact-text.js';
import type { CallRecordsBackend } from '../wiring/backend.js';
import { DEMO_BANNER } from './calls.js';
import { type CliCommand, EXIT_FAILED, EXIT_OK, EXIT_USAGE } from './io.js';
import { parseFlags } from './parse-flags.js';
import { cliLogger, loadCliConfig, openCliBackend } from './setup.js';

const OPTIONS = {
  date: { type: 'string' },
  'dry-run': { type: 'boolean' },
  force: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

export function summaryUsage(): string {
  return [
    'usage: npm run summary -- [--date YYYY-MM-DD] [--dry-run] [--force]',
    '',
    "Computes one day's interrupted-call summary and posts it to SUMMARY_CHANNEL (with the hourly chart in its thread).",
    '  --date YYYY-MM-DD  the calendar day in SUMMARY_TIMEZONE (default: yesterday), within RETENTION_DAYS',
    '  --dry-run          print the summary here instead of posting it (needs no Slack configuration)',
    '  --force            post it again even if it was posted already (by this command or any app process)',
    '',
    'A day is posted once per channel: when it was posted already (or is being posted right now by another',
    'process), this says so and posts nothing. A day whose post failed is posted by the next run.',
    'Posting needs SLACK_BOT_TOKEN and SUMMARY_CHANNEL, and the app invited to that channel.',
    'Exit codes: 0 posted (or printed, or posted already), 1 failed, 2 bad arguments.',
  ].join('\n');
}

export interface SummaryCliOptions {
  /** Merged into the WebClient's options (tests: `{ retryConfig: { retries: 0 } }`). */
  clientOptions?: webApi.WebClientOptions;
}

/**
 * `summary [--date YYYY-MM-DD] [--dry-run] [--force]`, for an external scheduler (Heroku Scheduler, cron), safe beside
 * the in-process schedules of any number of app processes on the same store (the post is claimed there first). Bad arguments are
 * refused (exit 2) before anything starts; a missing setting or a failure prints one line (exit 1).
 */
export function summaryCli(cliOptions: SummaryCliOptions = {}): CliCommand {
  return async (argv, io) => {
    const values = parseFlags('summary', argv, OPTIONS, summaryUsage, io);
    if (typeof values === 'number') return values;
    if (values.date !== undefined && !isCalendarDate(values.date)) {
      io.stderr(`summary: --date must be a calendar date YYYY-MM-DD, not "${displayToken(values.date)}"`);
      return EXIT_USAGE;
    }

    const config = loadCliConfig(io);
    if (config === undefined) return EXIT_FAILED;
    const timeZone = config.summary.timeZone;
    const now = Math.floor(io.now?.() ?? Date.now() / 1000);
    const date = values.date ?? yesterdayIn(timeZone, now);
    const dateProblem = checkDate(date, timeZone, now, config.store.retentionDays);
    if (dateProblem !== undefined) {
      io.stderr(`summary: ${dateProblem}`);
      return EXIT_USAGE;
    }

    const dryRun = values['dry-run'] ?? false;
    const botToken = config.slack.botToken?.reveal();
    const channel = config.summary.channel;
    if (!dryRun) {
      const missing = [
        ...(botToken ? [] : ['SLACK_BOT_TOKEN (the xoxb- bot token)']),
        ...(channel ? [] : ['SUMMARY_CHANNEL (the channel ID, e.g. C0123ABCD)']),
      ];
      if (missing.length > 0) {
        io.stderr(`summary: set ${missing.join(' and ')} to post the summary, or use --dry-run to print it.`);
        return EXIT_FAILED;
      }
    }

    const logger = cliLogger(io, config);
    const day = { date, timeZone };
    let backend: CallRecordsBackend | undefined;
    try {
      // Loaded only now, so that bad input is answered without opening the store or starting the demo server.
      const opened = await openCliBackend(io, config, logger);
      backend = opened;
      if (opened.demo) io.stderr(DEMO_BANNER);

      if (dryRun) {
        const summary = await collectDailySummary(backend.store, day, { now });
        const { renderSummaryText } = await import('../slack/views/summary.js');
        const names = await backend.names.namesOf(summary.topUsers.map((u) => u.user)).catch(() => undefined);
        io.stdout(renderSummaryText(summary, names));
        return EXIT_OK;
      }

      const [{ webApi: slack }, { postDailySummary }, { postSummaryOnce }, { createSummaryPosts }] = await Promise.all([
        import('@slack/bolt'),
        import('../slack/post-daily-summary.js'),
        import('../jobs/post-summary-once.js'),
        import('../store/summary-posts.js'),
      ]);
      const client = new slack.WebClient(botToken, {
        slackApiUrl: config.slack.apiUrl,
        // A few quick retries: a scheduler runs this again tomorrow, and a person can run it again now.
        retryConfig: { retries: 3, factor: 2, minTimeout: 1_000, maxTimeout: 8_000, randomize: true },
        timeout: 30_000,
        logLevel: slack.LogLevel.ERROR,
        ...cliOptions.clientOptions,
      });
      const once = await postSummaryOnce(
        {
          claims: createSummaryPosts(opened.store.db),
          key: { day: date, channel: channel as string },
          claimer: `npm run summary on ${hostname()}/${process.pid}`,
          force: values.force ?? false,
          logger,
        },
        () =>
          postDailySummary({
            client,
            store: opened.store,
            channel: channel as string,
            day,
            demo: opened.demo,
            logger,
            now,
            names: opened.names,
          }),
      );
      if (once.status === 'not-mine') {
        io.stdout(describeNotPosted(date, channel as string, once.current, timeZone));
        return EXIT_OK;
      }
      const { posted } = once;
      const { summary } = posted;
      io.stdout(
        `Posted the summary of ${date} (${timeZone}) to ${posted.channel}: ` +
          `${summary.dropped.toLocaleString('en-US')} interrupted of ${summary.totalCalls.toLocaleString('en-US')} calls.`,
      );
      if (posted.chartError !== undefined) {
        io.stderr(`summary: the text was posted without its chart (${posted.chartError}); see the log above.`);
      }
      return EXIT_OK;
    } catch (error) {
      io.stderr(describeSummaryFailure(error));
      return EXIT_FAILED;
    } finally {
      await backend?.close();
    }
  };
}

export const runSummaryCli: CliCommand = summaryCli();

/**
 * Why `date` cannot be summarised now, or undefined. A day partly older than the store keeps is allowed: the
 * summary says its numbers are partial. Today is allowed too (the summary says the day is not over).
 */
export function checkDate(date: string, timeZone: string, now: number, retentionDays: number): string | undefined {
  const today = todayIn(timeZone, now);
  if (date > today) return `--date ${date} is in the future (today is ${today} in ${timeZone})`;
  const { to } = dayBounds(date, timeZone);
  const kept = retentionCutoff(now, retentionDays);
  if (to <= kept) {
    const oldest = todayIn(timeZone, kept);
    return `--date ${date} is older than the ${retentionDays} days of calls the store keeps (RETENTION_DAYS): choose ${oldest} or later (in ${timeZone})`;
  }
  return undefined;
}

/** Why nothing was posted: the day is done, or another process is posting it right now. */
function describeNotPosted(date: string, channel: string, current: SummaryPostState, timeZone: string): string {
  if (current.status === 'posted') {
    const at = current.postedAt === null ? '' : ` at ${formatInstant(current.postedAt, timeZone)} (${timeZone})`;
    return `The summary of ${date} was already posted to ${channel}${at}; nothing posted. --force posts it again.`;
  }
  return `The summary of ${date} is being posted to ${channel} by another process right now; nothing posted here.`;
}

/** One line a person can act on; never a stack trace for the failures we expect. */
function describeSummaryFailure(error: unknown): string {
  if (error instanceof TencentError) {
    const requestId = error.details.requestId ? ` (Tencent RequestId ${error.details.requestId})` : '';
    return `summary: Tencent: ${error.message}${requestId}`;
  }
  if (error instanceof Error && error.name === 'SummaryPostError') return `summary: ${redactText(error.message)}`;
  if (error instanceof StoreUnavailableError) return `summary: ${STORE_UNAVAILABLE}`;
  return `summary: unexpected failure: ${redactText(error instanceof Error ? error.message : String(error))}`;
}
