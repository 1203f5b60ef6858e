/**
 * Calls in progress (`/calls live`, the Home tab): started (a start callback arrived), not ended (no end callback,
 * no record from the sync yet), at most `LIVE_CALL_LIMIT_MS` old, newest first, filtered by user and media.
 */
import { type CallEventReader, describeLiveCall, LIVE_CALL_LIMIT_MS, type LiveCall } from './call-events.js';
import type { MediaType } from './records.js';

export interface LiveFilter {
  /** A call matches when any of these users is in it (empty: any). */
  users: readonly string[];
  /** Empty: both. */
  mediaTypes: readonly MediaType[];
}

/**
 * The store is read this many calls deep before the filter: calls in progress at one moment are a few hundred at
 * most, however large the store.
 */
const READ_DEPTH = 500;

export async function findLiveCalls(
  reader: Pick<CallEventReader, 'liveCalls'>,
  filter: LiveFilter,
  nowMs: number,
  limit: number,
): Promise<{ calls: LiveCall[]; more: boolean }> {
  const rows = await reader.liveCalls(nowMs - LIVE_CALL_LIMIT_MS, READ_DEPTH);
  const matching = rows
    .map(describeLiveCall)
    .filter(
      (call) =>
        (filter.users.length === 0 || call.members.some((member) => filter.users.includes(member.userId))) &&
        (filter.mediaTypes.length === 0 || (filter.mediaTypes as readonly string[]).includes(call.mediaType)),
    );
  return { calls: matching.slice(0, limit), more: matching.length > limit };
}
