import type { AllMiddlewareArgs, SlackEventMiddlewareArgs } from '@slack/bolt';
import type { KnownBlock } from '@slack/types';
import { callIdOfLink } from '../../../calls/call-links.js';
import { beginAudit } from '../../audit.js';
import { callCard } from '../../call-cards.js';
import type { SlackServices } from '../../services.js';

/** Links answered per event (Slack sends a message's links on the unfurl domain together; more are left plain). */
export const MAX_UNFURLS_PER_MESSAGE = 5;

/**
 * `link_shared`: call links (`<PUBLIC_URL>/calls/<CallId>`) in a message, or in a message being written (the
 * composer's preview, `unfurl_id` + `source`), unfurl into the call's card with `chat.unfurl`. Other links on the
 * domain are left alone. People the access rules refuse never get here (`access.ts`): their links do not unfurl.
 */
export function linkShared(services: SlackServices) {
  return async ({ event, body, client }: AllMiddlewareArgs & SlackEventMiddlewareArgs<'link_shared'>) => {
    const origin = services.publicUrl;
    if (origin === undefined) return;
    const links = new Map<string, string>();
    for (const link of event.links ?? []) {
      const callId = callIdOfLink(origin, link.url);
      if (callId !== undefined && !links.has(link.url)) links.set(link.url, callId);
      if (links.size >= MAX_UNFURLS_PER_MESSAGE) break;
    }
    if (links.size === 0) return;
    const teamId = (body as { team_id?: string }).team_id;
    const timeZone = await services.timeZones.get(event.user);
    const unfurls: Record<string, { blocks: KnownBlock[] }> = {};
    for (const [url, callId] of links) {
      const audit = beginAudit(services.logger, {
        surface: 'unfurl',
        user: event.user,
        team: teamId,
        channel: event.channel,
      });
      unfurls[url] = await callCard(services, callId, timeZone, audit);
    }
    const target =
      event.unfurl_id !== undefined && event.source !== undefined
        ? { unfurl_id: event.unfurl_id, source: event.source as 'composer' | 'conversations_history' }
        : { channel: event.channel, ts: event.message_ts };
    try {
      await client.chat.unfurl({ ...target, unfurls });
    } catch (error) {
      services.logger.warn({ err: error, user: event.user, channel: event.channel }, 'could not unfurl call links');
    }
  };
}
