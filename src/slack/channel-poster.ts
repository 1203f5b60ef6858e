import type { types, webApi } from '@slack/bolt';
import type { ChannelMessage, ChannelPoster } from '../calls/channel-poster.js';

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

/**
 * The notifier port over a WebClient. The blocks were rendered by `slack/views/` (the wiring pairs the renderer with
 * this poster), hence the cast back to Block Kit's type.
 */
export function createChannelPoster(client: Pick<webApi.WebClient, 'chat' | 'files'>): ChannelPoster {
  const blocks = (message: ChannelMessage) => message.blocks as types.KnownBlock[];
  return {
    post: (channel, message, threadTs) =>
      postChannelMessage(client, channel, { text: message.text, blocks: blocks(message) }, threadTs),
    async update(channel, ts, message) {
      await client.chat.update({ channel, ts, text: message.text, blocks: blocks(message) });
    },
    async uploadImage(channel, threadTs, image) {
      await client.files.uploadV2({
        channel_id: channel,
        thread_ts: threadTs,
        file: Buffer.from(image.png),
        filename: image.filename,
        title: image.title,
        alt_text: image.title,
      });
    },
  };
}
