/**
 * What a modal of the app remembers in its private_metadata: the channel it was opened from (a message shortcut,
 * a call card), so that its buttons obey ALLOWED_SLACK_CHANNELS as the request that opened it did. Slack keeps
 * private_metadata on its side and hands it back unchanged; it is still read back with a schema.
 */
import { z } from 'zod';

const modalStateSchema = z.strictObject({
  c: z
    .string()
    .regex(/^[A-Z0-9]{2,40}$/)
    .optional(),
});

export interface ModalState {
  channelId?: string;
}

export function encodeModalState(state: ModalState): string {
  return JSON.stringify(state.channelId === undefined ? {} : { c: state.channelId });
}

/** The state of a modal, or an empty one when its metadata does not read back. */
export function decodeModalState(metadata: unknown): ModalState {
  if (typeof metadata !== 'string' || metadata === '') return {};
  try {
    const parsed = modalStateSchema.safeParse(JSON.parse(metadata));
    return parsed.success && parsed.data.c !== undefined ? { channelId: parsed.data.c } : {};
  } catch {
    return {};
  }
}
