/**
 * Calls between their domain shape and their row shape. Rows are checked with zod as they leave the database:
 * a row that does not parse is a `StoreRowError`, never a silently skipped call.
 */
import { z } from 'zod';
import type { CallRecord } from '../calls/records.js';
import type { CallsTable } from './database.js';
import { StoreRowError } from './store-errors.js';

const unixSeconds = z.number().int().nonnegative();

const calleesJson = z.string().transform((text, context) => {
  try {
    return z.array(z.string()).parse(JSON.parse(text));
  } catch {
    context.addIssue({ code: 'custom', message: 'callees is not a JSON array of user IDs' });
    return z.NEVER;
  }
});

export const callRowSchema = z.object({
  call_id: z.string().min(1),
  caller: z.string(),
  callees: calleesJson,
  media_type: z.string(),
  call_type: z.string(),
  start_time: unixSeconds,
  end_time: unixSeconds,
  accept_time: unixSeconds.nullable(),
  result: z.string(),
  room_id: z.string(),
  room_id_type: z.union([z.literal(1), z.literal(2)]).nullable(),
});

/** The columns a call is read from. */
export const CALL_COLUMNS = [
  'call_id',
  'caller',
  'callees',
  'media_type',
  'call_type',
  'start_time',
  'end_time',
  'accept_time',
  'result',
  'room_id',
  'room_id_type',
] as const;

export function rowToRecord(row: unknown): CallRecord {
  const parsed = callRowSchema.safeParse(row);
  if (!parsed.success) {
    const id = (row as { call_id?: unknown } | null)?.call_id;
    const where = typeof id === 'string' ? `call ${id}: ` : '';
    throw new StoreRowError('calls', `${where}${z.prettifyError(parsed.error).replaceAll('\n', ' ')}`);
  }
  const r = parsed.data;
  return {
    callId: r.call_id,
    caller: r.caller,
    callees: r.callees,
    mediaType: r.media_type,
    callType: r.call_type,
    startTime: r.start_time,
    endTime: r.end_time,
    acceptTime: r.accept_time,
    result: r.result,
    roomId: r.room_id,
    roomIdType: r.room_id_type,
  };
}

/**
 * The reading of searches, exports and summaries: a row that fails the row check (a time past the safe integers,
 * stored before the edge refused such records, or a row edited by hand) is `undefined`, to be skipped and counted,
 * so that it never fails the page it is on.
 */
export function readableRecord(row: unknown): CallRecord | undefined {
  try {
    return rowToRecord(row);
  } catch (error) {
    if (error instanceof StoreRowError) return undefined;
    throw error;
  }
}

export function recordToRow(record: CallRecord, updatedAt: number): CallsTable {
  return {
    call_id: record.callId,
    caller: record.caller,
    callees: JSON.stringify(record.callees),
    media_type: record.mediaType,
    call_type: record.callType,
    start_time: record.startTime,
    end_time: record.endTime,
    accept_time: record.acceptTime,
    result: record.result,
    room_id: record.roomId,
    room_id_type: record.roomIdType,
    updated_at: updatedAt,
  };
}

/** Everyone in a call, each once: the caller and the callees. */
export function participantsOf(record: Pick<CallRecord, 'caller' | 'callees'>): string[] {
  return [...new Set([record.caller, ...record.callees])];
}
