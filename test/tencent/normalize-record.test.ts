import { describe, expect, it } from 'vitest';
import { envelopeSchema, filterResponseSchema, normalizeRecord } from '../../src/tencent/normalize-record.js';

const documented = {
  CallId: '04c9a0ac-8e38-4a19-be45-349c5ce7911b',
  Caller_Account: '147',
  MediaType: 'Audio',
  CallType: 'SingleCall',
  StartTime: 1739960242,
  EndTime: 1739960245,
  AcceptTime: 1739960244,
  CallResult: 'NormalEnd',
  CalleeList_Account: ['147', '369'],
  RoomId: 'roomid-1434',
  RoomIdType: 2,
};
/** The clock the records are normalised at: a minute after the documented call. */
const NOW = 1739960305;

function ok(raw: unknown) {
  const result = normalizeRecord(raw, NOW);
  if (!result.ok) throw new Error(`expected a record, got ${result.reason}`);
  return result.record;
}

describe('normalizeRecord', () => {
  it('turns the documented sample into a CallRecord without repeating the caller as a callee', () => {
    expect(ok(documented)).toEqual({
      callId: '04c9a0ac-8e38-4a19-be45-349c5ce7911b',
      caller: '147',
      callees: ['369'],
      mediaType: 'Audio',
      callType: 'SingleCall',
      startTime: 1739960242,
      endTime: 1739960245,
      acceptTime: 1739960244,
      result: 'NormalEnd',
      roomId: 'roomid-1434',
      roomIdType: 2,
    });
  });

  it('reads AcceptTime 0 (or missing) as never connected', () => {
    expect(ok({ ...documented, AcceptTime: 0, CallResult: 'NotAnswer' }).acceptTime).toBeNull();
    const { AcceptTime: _, ...withoutAccept } = documented;
    expect(ok(withoutAccept).acceptTime).toBeNull();
  });

  it('accepts RoomIdType as a number or a string, and anything else as unknown', () => {
    expect(ok({ ...documented, RoomIdType: '1' }).roomIdType).toBe(1);
    expect(ok({ ...documented, RoomIdType: '2' }).roomIdType).toBe(2);
    expect(ok({ ...documented, RoomIdType: 1 }).roomIdType).toBe(1);
    expect(ok({ ...documented, RoomIdType: 'room' }).roomIdType).toBeNull();
    expect(ok({ ...documented, RoomIdType: 7 }).roomIdType).toBeNull();
  });

  it('accepts numbers sent as numeric strings, IDs sent as numbers, and millisecond timestamps', () => {
    const record = ok({
      ...documented,
      StartTime: '1739960242',
      EndTime: 1739960245000,
      AcceptTime: '1739960244',
      Caller_Account: 147,
      CalleeList_Account: [147, 369, '369'],
      RoomId: 1434,
    });
    expect(record.startTime).toBe(1739960242);
    expect(record.endTime).toBe(1739960245);
    expect(record.acceptTime).toBe(1739960244);
    expect(record.caller).toBe('147');
    expect(record.callees).toEqual(['369']);
    expect(record.roomId).toBe('1434');
  });

  it('keeps unknown CallResult strings as they are and maps known ones in any spelling', () => {
    expect(ok({ ...documented, CallResult: 'Offline' }).result).toBe('Offline');
    expect(ok({ ...documented, CallResult: 'SomethingNew' }).result).toBe('SomethingNew');
    expect(ok({ ...documented, CallResult: 'not_answer' }).result).toBe('NotAnswer');
    expect(ok({ ...documented, CallResult: 'interrupt' }).result).toBe('Interrupt');
    expect(ok({ ...documented, CallType: 'group', MediaType: 'video' })).toMatchObject({
      callType: 'MultiCall',
      mediaType: 'Video',
    });
  });

  it('keeps a call with no callee list or room', () => {
    const { CalleeList_Account: _c, RoomId: _r, RoomIdType: _t, ...bare } = documented;
    expect(ok(bare)).toMatchObject({ callees: [], roomId: '', roomIdType: null });
  });

  it('rejects records without the fields everything else relies on, naming the fields only', () => {
    const result = normalizeRecord({ ...documented, StartTime: 'yesterday', CallId: 'abc' }, NOW);
    expect(result).toEqual({ ok: false, reason: 'invalid field(s): StartTime', callId: 'abc' });
    expect(normalizeRecord(null, NOW).ok).toBe(false);
    expect(normalizeRecord({ ...documented, CallId: '' }, NOW).ok).toBe(false);
    const { Caller_Account: _, ...noCaller } = documented;
    expect(normalizeRecord(noCaller, NOW).ok).toBe(false);
  });

  it('refuses times no real call could have, naming the rule and not the value', () => {
    const refused = (patch: Record<string, unknown>) => {
      const result = normalizeRecord({ ...documented, ...patch }, NOW);
      if (result.ok) throw new Error(`accepted ${JSON.stringify(patch)}`);
      expect(result.reason).not.toMatch(/\d{5}/);
      return result.reason;
    };
    // 1e20 reads as milliseconds (1e17 s): centuries after the call ended.
    expect(refused({ AcceptTime: 1e20 })).toBe('AcceptTime outside StartTime..EndTime');
    expect(refused({ EndTime: 9e15 })).toBe('EndTime in the future');
    expect(refused({ EndTime: NOW + 301 })).toBe('EndTime in the future');
    expect(refused({ StartTime: 1_000, AcceptTime: 0 })).toBe('StartTime before any Tencent call record could exist');
    expect(refused({ EndTime: documented.StartTime - 1, AcceptTime: 0 })).toBe('EndTime before StartTime');
    expect(refused({ AcceptTime: documented.StartTime - 1 })).toBe('AcceptTime outside StartTime..EndTime');
    expect(refused({ StartTime: documented.EndTime - 8 * 86_400, AcceptTime: documented.EndTime - 8 * 86_400 })).toBe(
      'a call longer than any real call',
    );
    // The bounds themselves are real calls: a clock 5 minutes behind Tencent's, a call connected as it ended.
    expect(ok({ ...documented, EndTime: NOW + 300, AcceptTime: documented.StartTime }).endTime).toBe(NOW + 300);
  });

  it('refuses a record whose IDs hold a control character, and strips them from the shown text', () => {
    for (const patch of [
      { CallId: 'call\u0000x' },
      { Caller_Account: 'u\u00001' },
      { CalleeList_Account: ['369', 'u\u001b2'] },
      { RoomId: 'room\u0000x' },
    ]) {
      const result = normalizeRecord({ ...documented, ...patch }, NOW);
      expect(result).toMatchObject({ ok: false, reason: 'a control character in an ID' });
      // A CallId that cannot be printed is not echoed into the log either.
      if ('CallId' in patch) expect(result).not.toHaveProperty('callId');
    }
    expect(
      ok({ ...documented, MediaType: 'Vid\u0000eo', CallType: 'Single\u0007Call', CallResult: 'Weird\u0000\u009bEnd' }),
    ).toMatchObject({ mediaType: 'Video', callType: 'SingleCall', result: 'WeirdEnd' });
  });
});

describe('response schemas', () => {
  it('read the envelope with a numeric-string ErrorCode', () => {
    expect(envelopeSchema.parse({ ErrorCode: '0', ActionStatus: 'OK' }).ErrorCode).toBe(0);
    expect(envelopeSchema.safeParse({ ActionStatus: 'OK' }).success).toBe(false);
  });

  it('require TotalNum and tolerate a missing record list', () => {
    expect(filterResponseSchema.parse({ TotalNum: '3' })).toMatchObject({ TotalNum: 3 });
    expect(filterResponseSchema.safeParse({ CallRecordList: [] }).success).toBe(false);
  });
});
