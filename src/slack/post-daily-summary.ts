/**
 * The daily summary post: collect one day's summary from the store, post it to the summary channel, and
 * upload the hourly chart next to it. Run by the in-process schedule (jobs/summary-schedule.ts, wired in
 * src/wiring/service.ts) and by `npm run summary`.
 *
 * ORDER: the text first, then the chart as a reply in its thread.
 * - The text message carries every key number and the "Show interrupted calls" button; it is the part that must
 *   never wait for, or depend on, the chart (a failed render or upload never stops it).
 * - `files.uploadV2` with `channel_id` + `thread_ts` ties the chart to that message for good. A file shared at the
 *   top level of the channel is processed asynchronously (malware scan), so a message posted right after it can
 *   appear before it (node-slack-sdk #2040, #2260), and two top-level posts can be split by anyone's message.
 * - Uploading first with the text as `initial_comment` was rejected: Slack ignores `blocks` when
 *   `initial_comment` is set, so the message would lose its layout and its button. Uploading privately first and
 *   showing the file in an image block was rejected too: a file not yet shared fails with `invalid_blocks`.
 * When the chart fails after the text was posted, the message is updated with one short context line saying so
 * (best effort: a failed update is only logged).
 */
import type { types, webApi } from '@slack/bolt';
import type { CallReader } from '../calls/call-store.js';
import { collectDailySummary, type DailySummary } from '../calls/daily-summary.js';
import { type NameDirectory, NO_NAMES, type UserNames } from '../calls/user-names.js';
import { AppError } from '../shared/errors.js';
import type { LogSink } from '../shared/log-sink.js';
import { slackErrorCode } from './slack-api-error.js';
import { encodeSummaryButton } from './state/button-state.js';
import { renderDailySummary, type SummaryMessage } from './views/summary.js';

/** The Web API methods the job uses (a `WebClient`, or Bolt's `app.client`). */
export type SummaryClient = Pick<webApi.WebClient, 'chat' | 'files' | 'slackApiUrl'>;

export interface PostDailySummaryOptions {
  client: SummaryClient;
  /** The call-record store the summary is read from. */
  store: CallReader;
  /** Channel ID (SUMMARY_CHANNEL). */
  channel: string;
  /** A calendar day `YYYY-MM-DD` in the IANA zone that defines it (SUMMARY_TIMEZONE). */
  day: { date: string; timeZone: string };
  /** Demo mode: the message says it shows demo data. */
  demo: boolean;
  logger?: LogSink;
  /** Unix seconds; default the real clock. */
  now?: number;
  /** The bot's name in the "invite @name" advice; default `callkit` (the manifest's display name). */
  botName?: string;
  /** Default `renderSummaryChart`. */
  renderChart?: (summary: DailySummary) => Promise<Uint8Array>;
  /** Display names of the most affected users (the store's cache); absent or failing: IDs alone. */
  names?: NameDirectory;
}

export interface PostedSummary {
  channel: string;
  /** The `ts` of the summary message (the chart is a reply in its thread). */
  ts: string;
  /** False on a quiet day (no chart), or when the chart could not be drawn or uploaded. */
  chartUploaded: boolean;
  /** Why the chart is missing on a day that has one: a Slack error code or a short reason. */
  chartError?: string;
  summary: DailySummary;
}

export type SummaryPostFailure =
  | 'not_in_channel'
  | 'channel_not_found'
  | 'is_archived'
  | 'auth'
  | 'missing_scope'
  | 'restricted'
  | 'rate_limited'
  | 'unreachable'
  | 'other';

/** The summary message could not be posted. `message` is one sentence that says what to do. */
export class SummaryPostError extends AppError {
  override readonly name = 'SummaryPostError';
  readonly code = 'summary-post';
  constructor(
    readonly reason: SummaryPostFailure,
    message: string,
    readonly details: { channel: string; slackError?: string; cause?: unknown },
  ) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
  }
}

/** Collects the day's summary, posts it to `channel`, then uploads the chart in its thread (not on a quiet day). */
/** The cached names of the day's most affected users; none when the cache fails (the summary never waits on it). */
async function topUserNames(
  names: NameDirectory | undefined,
  summary: DailySummary,
  logger: LogSink | undefined,
): Promise<UserNames> {
  if (names === undefined || summary.topUsers.length === 0) return NO_NAMES;
  try {
    return await names.namesOf(summary.topUsers.map((u) => u.user));
  } catch (error) {
    logger?.warn({ err: error }, 'daily summary: display names unavailable, showing user IDs');
    return NO_NAMES;
  }
}

export async function postDailySummary(options: PostDailySummaryOptions): Promise<PostedSummary> {
  const { client, channel, day, logger } = options;
  const started = Date.now();
  const summary = await collectDailySummary(options.store, day, {
    ...(options.now === undefined ? {} : { now: options.now }),
  });

  const hasChart = summary.dropped > 0;
  // Drawn while the text is posted; a rejection is handled below, never left unhandled.
  const chart = hasChart
    ? (options.renderChart ?? defaultRenderChart)(summary).then(
        (png) => ({ png }),
        (error: unknown) => ({ error }),
      )
    : undefined;

  const message = renderDailySummary(summary, {
    demo: options.demo,
    showButtonValue: encodeSummaryButton(day),
    names: await topUserNames(options.names, summary, logger),
  });
  let ts: string;
  try {
    const posted = await client.chat.postMessage({
      channel,
      text: message.text,
      blocks: message.blocks,
      unfurl_links: false,
      unfurl_media: false,
    });
    if (!posted.ts) throw new Error('chat.postMessage answered without a message ts');
    ts = posted.ts;
  } catch (error) {
    await chart; // let the render finish (or fail) before giving up
    throw postError(error, channel, options.botName ?? 'callkit', client.slackApiUrl);
  }

  let chartUploaded = false;
  let chartError: string | undefined;
  if (chart !== undefined) {
    const drawn = await chart;
    if ('error' in drawn) {
      chartError = 'the chart could not be drawn';
      logger?.error({ err: drawn.error, channel, date: day.date }, 'daily summary: the chart could not be drawn');
    } else {
      try {
        await client.files.uploadV2({
          channel_id: channel,
          thread_ts: ts,
          file: Buffer.from(drawn.png),
          filename: `interrupted-calls-${summary.date}.png`,
          title: `Calls and interruptions by hour, ${summary.date} (${summary.timeZone})`,
          alt_text: chartAltText(summary),
          initial_comment: `Calls and interrupted calls by hour, ${summary.date} (${summary.timeZone}).`,
        });
        chartUploaded = true;
      } catch (error) {
        chartError = slackErrorCode(error) ?? 'the upload failed';
        logger?.error(
          { err: error, channel, date: day.date, slackError: slackErrorCode(error) },
          'daily summary: the chart upload failed (the text was posted)',
        );
      }
    }
    if (!chartUploaded) await noteMissingChart(options, ts, message, chartError ?? 'unknown');
  }

  logger?.info(
    {
      channel,
      ts,
      date: summary.date,
      timeZone: summary.timeZone,
      dropped: summary.dropped,
      totalCalls: summary.totalCalls,
      chartUploaded,
      ...(chartError === undefined ? {} : { chartError }),
      ms: Date.now() - started,
      demo: options.demo,
    },
    'posted the daily summary',
  );
  return { channel, ts, chartUploaded, ...(chartError === undefined ? {} : { chartError }), summary };
}

/** One context line under the summary: the chart is missing, and why when Slack said. Best effort. */
async function noteMissingChart(
  options: PostDailySummaryOptions,
  ts: string,
  message: SummaryMessage,
  reason: string,
): Promise<void> {
  const why =
    reason === 'missing_scope'
      ? ': the app needs the files:write scope (reinstall it from manifest.yml)'
      : /^[a-z_]+$/.test(reason)
        ? ` (Slack answered ${reason})`
        : '';
  const note: types.KnownBlock = {
    type: 'context',
    elements: [
      { type: 'mrkdwn', text: `:warning: The hourly chart could not be attached${why}. Every number is above.` },
    ],
  };
  // Before the button, so the button stays last.
  const { blocks, text } = message;
  const at = blocks.findIndex((block) => block.type === 'actions');
  const updated = at < 0 ? [...blocks, note] : [...blocks.slice(0, at), note, ...blocks.slice(at)];
  try {
    await options.client.chat.update({ channel: options.channel, ts, text, blocks: updated });
  } catch (error) {
    options.logger?.warn(
      { err: error, channel: options.channel, ts, slackError: slackErrorCode(error) },
      'daily summary: could not add the "no chart" note to the message',
    );
  }
}

/** ECharts and the resvg WASM load only when a chart is drawn (not on a quiet day, not for a dry run). */
async function defaultRenderChart(summary: DailySummary): Promise<Uint8Array> {
  const { renderSummaryChart } = await import('./views/summary-chart.js');
  return renderSummaryChart(summary);
}

function chartAltText(summary: DailySummary): string {
  const share = `${(summary.interruptedShare * 100).toFixed(1)}%`;
  const peak = summary.peakHour === null ? '' : `; the most in ${summary.peakHour.label}`;
  return (
    `Chart of calls (bars) and interrupted calls (line) by hour on ${summary.date} (${summary.timeZone}): ` +
    `${summary.dropped.toLocaleString('en-US')} interrupted of ${summary.totalCalls.toLocaleString('en-US')} calls ` +
    `(${share})${peak}.`
  ).slice(0, 1000);
}

export { slackErrorCode };

const AUTH_ERRORS = new Set(['invalid_auth', 'not_authed', 'account_inactive', 'token_revoked', 'token_expired']);
const RESTRICTED_ERRORS = new Set(['restricted_action', 'restricted_action_read_only_channel', 'ekm_access_denied']);

/** A WebClient failure of chat.postMessage as one sentence a person can act on. */
export function postError(error: unknown, channel: string, botName: string, apiUrl: string): SummaryPostError {
  const code = slackErrorCode(error);
  const at = `<#${channel}>`;
  const bot = `@${botName}`;
  const make = (reason: SummaryPostFailure, message: string) =>
    new SummaryPostError(reason, message, {
      channel,
      ...(code === undefined ? {} : { slackError: code }),
      cause: error,
    });
  if (code === 'not_in_channel') {
    return make(
      'not_in_channel',
      `${bot} is not a member of ${at}: invite ${bot} to ${at} (type /invite ${bot} in the channel) and try again.`,
    );
  }
  if (code === 'channel_not_found') {
    return make(
      'channel_not_found',
      `Slack cannot find channel ${channel} (SUMMARY_CHANNEL): use the ID from the channel's details (C…), and invite ${bot} first if the channel is private.`,
    );
  }
  if (code === 'is_archived') {
    return make('is_archived', `${at} is archived: unarchive it or set SUMMARY_CHANNEL to another channel.`);
  }
  if (code !== undefined && AUTH_ERRORS.has(code)) {
    return make(
      'auth',
      `Slack refused SLACK_BOT_TOKEN (${code}): copy the Bot User OAuth Token (xoxb-…) again, and reinstall the app if it was removed.`,
    );
  }
  if (code === 'missing_scope') {
    return make(
      'missing_scope',
      'The bot token lacks the chat:write scope: add the scopes of manifest.yml and reinstall the app.',
    );
  }
  if (code !== undefined && RESTRICTED_ERRORS.has(code)) {
    return make('restricted', `Slack does not let ${bot} post in ${at} (${code}): check who may post there.`);
  }
  const kind = (error as { code?: unknown } | null)?.code;
  if (code === 'ratelimited' || kind === 'slack_webapi_rate_limited_error') {
    return make('rate_limited', `Slack rate-limited the summary post to ${at}: try again in a minute.`);
  }
  if (kind === 'slack_webapi_request_error' || kind === 'slack_webapi_http_error') {
    const detail = kind === 'slack_webapi_http_error' ? `HTTP ${(error as { statusCode?: number }).statusCode}` : '';
    const original = (error as { original?: { message?: string; cause?: { code?: unknown } } }).original;
    const cause = typeof original?.cause?.code === 'string' ? original.cause.code : original?.message;
    return make(
      'unreachable',
      `Could not reach Slack at ${apiUrl} to post the summary (${detail || cause || 'network error'}).`,
    );
  }
  if (code !== undefined) return make('other', `Slack refused the summary post to ${at} (${code}).`);
  return make(
    'other',
    `Could not post the summary to ${at}: ${error instanceof Error ? error.message : String(error)}.`,
  );
}
