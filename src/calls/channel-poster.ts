/**
 * The notifier port: how a job posts in a Slack channel without knowing Slack. The wiring builds one over a
 * WebClient (`slack/channel-poster.ts`); the message it posts comes from a renderer the wiring also hands the job,
 * so the blocks are opaque here.
 */
export interface ChannelMessage {
  /** The notification's plain text (also what screen readers and notifications show). */
  text: string;
  blocks: readonly object[];
}

export interface ChannelPoster {
  /** Posts a message (in a thread when `threadTs` is given) and returns its ts; throws when it was not posted. */
  post(channel: string, message: ChannelMessage, threadTs?: string): Promise<string>;
  /** Replaces a posted message in place. */
  update(channel: string, ts: string, message: ChannelMessage): Promise<void>;
  /** Uploads a PNG into a message's thread. */
  uploadImage(
    channel: string,
    threadTs: string,
    image: { png: Uint8Array; filename: string; title: string },
  ): Promise<void>;
}
