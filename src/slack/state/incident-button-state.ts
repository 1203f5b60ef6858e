/**
 * The value of an incident message's Acknowledge and Mute buttons: `{"v":1,"i":<incident id>}`, versioned and
 * validated like every other button value (`versioned-state.ts`). Who clicked comes from Slack's payload, never
 * from the value. "Show calls" carries an ordinary page value (`encodePageButton`), so it pages like any search.
 */
import { z } from 'zod';
import { type DecodeResult, decodeVersionedState } from './versioned-state.js';

export const INCIDENT_BUTTON_VERSION = 1;
const MAX_VALUE_LENGTH = 100;

const incidentButtonSchema = z.strictObject({
  v: z.literal(INCIDENT_BUTTON_VERSION),
  i: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER),
});

export function encodeIncidentButton(incidentId: number): string {
  return JSON.stringify(incidentButtonSchema.parse({ v: INCIDENT_BUTTON_VERSION, i: incidentId }));
}

export function decodeIncidentButton(value: string): DecodeResult<{ incidentId: number }> {
  const decoded = decodeVersionedState(value, {
    version: INCIDENT_BUTTON_VERSION,
    maxLength: MAX_VALUE_LENGTH,
    schema: incidentButtonSchema,
  });
  return decoded.ok ? { ok: true, state: { incidentId: decoded.state.i } } : decoded;
}
