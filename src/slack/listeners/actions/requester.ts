import type { BlockAction } from '@slack/bolt';
import type { Requester } from '../search-flow.js';

/** Who clicked, and in which channel (none for the Home tab). */
export function requesterOf(body: BlockAction): Requester {
  return {
    userId: body.user.id,
    ...((body.team?.id ?? body.user.team_id) ? { teamId: body.team?.id ?? body.user.team_id } : {}),
    ...(body.channel?.id ? { channelId: body.channel.id } : {}),
  };
}
