/** Call records for store tests: `aCall({ ... })` fills what a test does not care about. */
import type { CallFilter } from '../../src/calls/call-store.js';
import type { CallRecord } from '../../src/calls/records.js';

let serial = 0;

export function aCall(overrides: Partial<CallRecord> = {}): CallRecord {
  serial++;
  const startTime = overrides.startTime ?? 1_790_000_000 + serial;
  return {
    callId: `call-${String(serial).padStart(6, '0')}`,
    caller: 'alice',
    callees: ['bob'],
    mediaType: 'Video',
    callType: 'SingleCall',
    startTime,
    endTime: startTime + 60,
    acceptTime: startTime + 5,
    result: 'NormalEnd',
    roomId: `room-${serial}`,
    roomIdType: 2,
    ...overrides,
  };
}

/** A filter that matches every call (override what the test narrows). */
export function anyCall(overrides: Partial<CallFilter> = {}): CallFilter {
  return { users: [], results: [], callTypes: [], mediaTypes: [], from: 0, to: 4_000_000_000, ...overrides };
}

/** What the store must answer for `filter`, computed the plain way: matching calls, newest first. */
export function expectedCalls(calls: readonly CallRecord[], filter: CallFilter): CallRecord[] {
  const has = (list: readonly string[], value: string) => list.length === 0 || list.includes(value);
  return calls
    .filter(
      (call) =>
        call.startTime >= filter.from &&
        call.startTime < filter.to &&
        (filter.users.length === 0 || [call.caller, ...call.callees].some((user) => filter.users.includes(user))) &&
        has(filter.results, call.result) &&
        has(filter.callTypes, call.callType) &&
        has(filter.mediaTypes, call.mediaType),
    )
    .sort(newestFirst);
}

/** The store's order: StartTime descending, then CallId ascending. */
export function newestFirst(a: CallRecord, b: CallRecord): number {
  return b.startTime - a.startTime || (a.callId < b.callId ? -1 : a.callId > b.callId ? 1 : 0);
}
