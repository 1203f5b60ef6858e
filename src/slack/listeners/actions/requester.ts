import type { AllMiddlewareArgs, BlockAction, BlockButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { beginAudit, type QueryAudit } from '../../audit.js';
import { outdatedButtonMessage } from '../../error-messages.js';
import type { Requester } from '../../search-answer.js';
import type { SlackServices } from '../../services.js';
import type { DecodeResult } from '../../state/button-state.js';
import { renderProblem } from '../../views/errors.js';
import { afterAck } from '../after-ack.js';
import { type Delivery, deliver } from '../deliver.js';

export type ButtonArgs = AllMiddlewareArgs & SlackActionMiddlewareArgs<BlockButtonAction>;

/** Who clicked, and in which channel (none for the Home tab). */
export function requesterOf(body: BlockAction): Requester {
  return {
    userId: body.user.id,
    ...((body.team?.id ?? body.user.team_id) ? { teamId: body.team?.id ?? body.user.team_id } : {}),
    ...(body.channel?.id ? { channelId: body.channel.id } : {}),
  };
}

export interface MessageButtonClick<T> {
  requester: Requester;
  delivery: Delivery;
  audit: QueryAudit;
  /** The button's value, read back and validated. */
  state: T;
  /** Answers the clicker alone with one problem sentence; the message clicked stays as it was. */
  problem(text: string): Promise<void>;
}

/**
 * What every button on a result message does first: ack, ignore clicks without a response_url (the Home tab has
 * listeners of its own), start the audit line, and read the value back. A value that does not read back (tampered
 * with, or from another version) gets "run the search again" and no search: the result is then undefined.
 */
export async function beginMessageButton<T>(
  services: SlackServices,
  { ack, action, body, respond, client }: ButtonArgs,
  decode: (value: string) => DecodeResult<T>,
): Promise<MessageButtonClick<T> | undefined> {
  await ack();
  if (!body.response_url) return undefined;
  await afterAck();
  const requester = requesterOf(body);
  const delivery = { respond, client, logger: services.logger, demo: services.demo };
  const audit = beginAudit(services.logger, {
    surface: `button:${action.action_id}`,
    user: requester.userId,
    team: requester.teamId,
    channel: requester.channelId,
  });
  const problem = async (text: string): Promise<void> => {
    await deliver(delivery, requester, renderProblem(text, { demo: services.demo }), { replaceOriginal: false });
  };
  const decoded = decode(action.value ?? '');
  if (!decoded.ok) {
    audit.finish({ outcome: `button-${decoded.reason}` });
    await problem(outdatedButtonMessage(decoded.reason));
    return undefined;
  }
  return { requester, delivery, audit, state: decoded.state, problem };
}
