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
