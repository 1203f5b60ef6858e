import { callDetails } from '../../search-answer.js';
import type { SlackServices } from '../../services.js';
import { type DecodeResult, decodeCallButton } from '../../state/button-state.js';
import { deliver } from '../deliver.js';
import { type ButtonArgs, beginMessageButton } from './requester.js';

function decodeCallId(value: string): DecodeResult<string> {
  const decoded = decodeCallButton(value);
  return decoded.ok ? { ok: true, state: decoded.callId } : decoded;
}

/** "Details": every detail of one call, as a new ephemeral message (the results stay). */
export function detailsButton(services: SlackServices) {
  return async (args: ButtonArgs): Promise<void> => {
    const click = await beginMessageButton(services, args, decodeCallId);
    if (!click) return;
    const timeZone = await services.timeZones.get(click.requester.userId);
    const message = await callDetails(services, { callId: click.state, timeZone }, click.audit);
    await deliver(click.delivery, click.requester, message, { replaceOriginal: false });
  };
}
