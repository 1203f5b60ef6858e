/**
 * What "dropped" means, in one place: a call that ended `Interrupt` (the connection broke) or `Offline` (a party
 * went offline). The daily summary, the Home glance, the incident rule and `result:dropped` all count these two.
 */
import type { CallResult } from './records.js';

export const DROPPED_RESULTS = ['Interrupt', 'Offline'] as const satisfies readonly CallResult[];

export type DroppedResult = (typeof DROPPED_RESULTS)[number];

export function isDropped(result: string): result is DroppedResult {
  return result === 'Interrupt' || result === 'Offline';
}
