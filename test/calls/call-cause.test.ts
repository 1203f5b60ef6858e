/** The cause rule of docs/call-timelines.md, row by row. */
import { describe, expect, it } from 'vitest';
import { callCause, causeGroup, causeSentence, causeShort } from '../../src/calls/call-cause.js';
import type { CallAction, CallEvent } from '../../src/calls/call-events.js';
import type { CallRecord } from '../../src/calls/records.js';

const T0 = 1_795_000_000;
const record = (result: string, over: Partial<CallRecord> = {}): CallRecord => ({
  callId: 'c',
  caller: '147',
  callees: ['369'],
  mediaType: 'Audio',
  callType: 'SingleCall',
  startTime: T0,
  endTime: T0 + 130,
  acceptTime: T0 + 6,
  result,
  roomId: 'r',
  roomIdType: 2,
  ...over,
});
const ev = (seconds: number, userId: string, action: CallAction): CallEvent => ({
  callId: 'c',
  userId,
  action,
  atMs: (T0 + seconds) * 1000,
});
const start = [ev(0, '147', 'calling'), ev(0, '369', 'invited')];
const plain = (id: string) => `<${id}>`;
const sentence = (r: CallRecord, events: CallEvent[]) => {
  const cause = callCause(r, events);
  return cause === null ? null : causeSentence(cause, plain);
};

describe('callCause', () => {
  it('guesses nothing without member events', () => {
    expect(callCause(record('Interrupt'), [])).toBeNull();
    expect(callCause(record('Interrupt'), [{ callId: 'c', userId: '', action: 'ended', atMs: T0 * 1000 }])).toBeNull();
    expect(causeGroup(null)).toBe('no events');
  });

  it('names the member who went offline, their side, and who was still connected', () => {
    const events = [...start, ev(6, '369', 'accepted'), ev(127, '369', 'offline')];
    const cause = callCause(record('Interrupt'), events);
    expect(cause).toMatchObject({ kind: 'offline', side: 'callee', actor: '369', stillConnected: ['147'] });
    expect(sentence(record('Interrupt'), events)).toBe(
      "Interrupted 2m 07s in: <369>'s app stopped responding (heartbeat lost) while <147> was still connected",
    );
    expect(causeShort(cause ?? (null as never), plain)).toBe('callee <369> went offline (heartbeat lost)');
    expect(causeGroup(cause)).toBe("the callee's app went offline");
    // The caller's side, and the same rule for Offline results; events in any order.
    const callerSide = [ev(90, '147', 'offline'), ...start, ev(6, '369', 'accepted')];
    expect(callCause(record('Offline'), callerSide)).toMatchObject({ side: 'caller', actor: '147', seconds: 90 });
  });

  it('says who left an interrupted call without an offline member, or that the events name no side', () => {
    expect(sentence(record('Interrupt'), [...start, ev(6, '369', 'accepted'), ev(70, '147', 'hung-up')])).toBe(
      'Interrupted 1m 10s in: <147> left the call while <369> was still connected',
    );
    expect(sentence(record('Interrupt'), [...start, ev(6, '369', 'accepted')])).toBe(
      'Interrupted 2m 10s in; the events do not say whose side dropped',
    );
  });

  it('words rejected, busy, not answered, cancelled and normal calls', () => {
    expect(sentence(record('Reject', { acceptTime: null }), [...start, ev(6, '369', 'rejected')])).toBe(
      'Rejected by <369> after 6s of ringing',
    );
    expect(sentence(record('CallBusy'), [...start, ev(1, '369', 'rejected')])).toBe('<369> was busy in another call');
    expect(sentence(record('NotAnswer'), [...start, ev(30, '369', 'not-answered')])).toBe(
      'Not answered by <369> after 30s of ringing',
    );
    expect(sentence(record('Cancel', { endTime: T0 + 12 }), [...start])).toBe('<147> cancelled after 12s of ringing');
    expect(sentence(record('NormalEnd'), [...start, ev(6, '369', 'accepted'), ev(95, '147', 'hung-up')])).toBe(
      '<147> hung up',
    );
    expect(sentence(record('NormalEnd'), [...start])).toBe('The events do not say who ended the call');
  });
});
