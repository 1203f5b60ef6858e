import type { types, webApi } from '@slack/bolt';

/**
 * A job's channel post: text and blocks, no link or media previews (a message of numbers needs none), optionally in
 * a thread. Returns the message's ts; throws the WebClient's error (or a plain one when Slack gave no ts).
 */
export async function postChannelMessage(
  client: Pick<webApi.WebClient, 'chat'>,
  channel: string,
  message: { text: string; blocks: types.KnownBlock[] },
  threadTs?: string,
): Promise<string> {
  const posted = await client.chat.postMessage({
    channel,
    ...(threadTs === undefined ? {} : { thread_ts: threadTs }),
    text: message.text,
    blocks: message.blocks,
    unfurl_links: false,
    unfurl_media: false,
  });
  if (!posted.ts) throw new Error('chat.postMessage answered without a message ts');
  return posted.ts;
}
