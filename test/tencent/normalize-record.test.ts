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

function ok(raw: unknown) {
  const result = normalizeRecord(raw);
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
    const result = normalizeRecord({ ...documented, StartTime: 'yesterday', CallId: 'abc' });
    expect(result).toEqual({ ok: false, reason: 'invalid field(s): StartTime', callId: 'abc' });
    expect(normalizeRecord(null).ok).toBe(false);
    expect(normalizeRecord({ ...documented, CallId: '' }).ok).toBe(false);
    const { Caller_Account: _, ...noCaller } = documented;
    expect(normalizeRecord(noCaller).ok).toBe(false);
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
