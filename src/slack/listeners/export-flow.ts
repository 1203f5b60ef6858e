/**
 * "Export CSV": every call of a pinned search as a CSV file, uploaded into the person's DM with the bot
 * (`conversations.open`, then `files.uploadV2` with its `channel_id`). The file goes to the DM, never to the
 * channel the button was in: a search is private until someone shares it. Returns the one sentence to answer
 * with; never throws.
 */
import type { webApi } from '@slack/bolt';
import type { PinnedQuery } from '../../calls/query.js';
import type { QueryAudit } from '../audit.js';
import { cannotOpenDirectMessage, cannotUploadExport, finishWithError } from '../error-messages.js';
import type { SlackServices } from '../services.js';

export type ExportOutcome = { ok: true; text: string; channel: string } | { ok: false; text: string; channel?: string };

type ExportClient = Pick<webApi.WebClient, 'files'> & {
  conversations: Pick<webApi.WebClient['conversations'], 'open'>;
};

function slackError(error: unknown): string {
  const code = (error as { data?: { error?: unknown } }).data?.error;
  return typeof code === 'string' ? code : 'unknown_error';
}

export async function sendExport(
  services: SlackServices,
  client: ExportClient,
  userId: string,
  query: PinnedQuery,
  audit: QueryAudit,
): Promise<ExportOutcome> {
  audit.set({ pinned: query });
  if (services.exportCalls === undefined) {
    audit.finish({ outcome: 'export-unavailable' });
    return { ok: false, text: 'Export is not available here: the app has no call-record store.' };
  }
  let channel: string;
  try {
    const opened = await client.conversations.open({ users: userId });
    if (!opened.channel?.id) throw Object.assign(new Error('no channel'), { data: { error: 'channel_not_found' } });
    channel = opened.channel.id;
  } catch (error) {
    const code = slackError(error);
    services.logger.warn({ err: error, user: userId, code }, 'could not open the DM for an export');
    audit.finish({ outcome: 'export-no-dm' });
    return { ok: false, text: cannotOpenDirectMessage(code) };
  }
  try {
    const timeZone = await services.timeZones.get(userId);
    const file = await services.exportCalls(query, timeZone);
    try {
      await client.files.uploadV2({
        channel_id: channel,
        file: Buffer.from(file.csv, 'utf8'),
        filename: file.filename,
        title: file.filename,
        initial_comment: `${file.summary}${services.demo ? ' (Demo data: generated calls, not real ones.)' : ''}`,
      });
    } catch (error) {
      const code = slackError(error);
      services.logger.warn({ err: error, user: userId, code }, 'could not upload an export');
      audit.finish({ outcome: 'export-upload-failed' });
      return { ok: false, text: cannotUploadExport(code), channel };
    }
    audit.finish({ outcome: 'ok', total: file.total });
    return { ok: true, text: `Sent to your DM: ${file.filename}. ${file.summary}`, channel };
  } catch (error) {
    const failure = finishWithError(audit, error, services.logger, { surface: 'export' });
    return { ok: false, text: failure.text, channel };
  }
}
