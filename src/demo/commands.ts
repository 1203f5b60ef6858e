import { DemoErrorCode, failure, type Outcome } from './protocol.js';
import type { RecordIndex } from './record-index.js';

export const RETENTION_SECONDS = 7 * 86400;
export const DEFAULT_PAGE_SIZE = 10;

export interface CommandContext {
  index: RecordIndex;
  /** Unix seconds. */
  now: number;
  /** How far back records are kept; Tencent keeps 7 days (RETENTION_SECONDS). */
  retentionSeconds: number;
  maxPageSize: number;
  order: 'asc' | 'desc';
  /** Whether page k starts at (k−1) × the size served (capped) or × the size asked; see DemoServerOptions. */
  pageOffset: 'served' | 'asked';
  honourFilters: boolean;
}

/**
 * get_record_by_filter. Decisions where the docs are silent:
 * - a record matches when StartTime <= record.StartTime <= EndTime (both inclusive, on the call's start);
 * - StartTime is raised to now − 7 days (the retention) when older or absent (Tencent clamps silently); EndTime defaults to now;
 * - nothing matching, or a Page past the last one while TotalNum > 0, both answer 101050: a client must treat
 *   101050 as "no (more) records", never as a failure;
 * - NumberPerPage above `maxPageSize` is honoured only up to the cap, silently, like an undocumented maximum;
 *   page k starts at (k−1) × the size served, or × the size asked with `pageOffset: 'asked'` (both are plausible);
 * - CallResult/CallType compare exactly (case-sensitive); an unknown value simply matches nothing;
 * - a value of the wrong type, or Page/NumberPerPage below 1, answers 101002.
 */
export function getRecordByFilter(body: Record<string, unknown>, ctx: CommandContext): Outcome {
  const fields = readFilterFields(body);
  if (typeof fields === 'string') return failure(DemoErrorCode.invalidParameter, fields);

  const windowStart = ctx.now - ctx.retentionSeconds;
  const startTime = Math.max(fields.startTime ?? windowStart, windowStart);
  const endTime = fields.endTime ?? ctx.now;
  const asked = fields.numberPerPage ?? DEFAULT_PAGE_SIZE;
  const size = Math.min(asked, ctx.maxPageSize);
  const page = fields.page ?? 1;

  const { list, from, to } = ctx.index.range({
    startTime,
    endTime,
    ...(ctx.honourFilters ? { callResult: fields.callResult, callType: fields.callType } : {}),
  });
  const total = to - from;
  const offset = (page - 1) * (ctx.pageOffset === 'asked' ? asked : size);
  if (total === 0 || offset >= total) return failure(DemoErrorCode.recordNotFound, 'call records do not exist');

  const records =
    ctx.order === 'asc'
      ? list.slice(from + offset, Math.min(to, from + offset + size))
      : list.slice(Math.max(from, to - offset - size), to - offset).reverse();
  return { ok: true, response: { TotalNum: total, Page: page, CallRecordList: records } };
}

/** get_record_by_callid. A record older than the retention (7 days) is gone, as it would be at Tencent. */
export function getRecordByCallId(body: Record<string, unknown>, ctx: CommandContext): Outcome {
  const callId = body.CallId;
  if (typeof callId !== 'string' || callId.length === 0) {
    return failure(DemoErrorCode.invalidParameter, 'CallId is required and must be a non-empty string');
  }
  const record = ctx.index.byCallId(callId);
  if (record === undefined || record.StartTime < ctx.now - ctx.retentionSeconds) {
    return failure(DemoErrorCode.recordNotFound, 'the call record does not exist');
  }
  return { ok: true, response: { CallRecord: record } };
}

interface FilterFields {
  startTime?: number;
  endTime?: number;
  numberPerPage?: number;
  page?: number;
  callResult?: string;
  callType?: string;
}

/** The fields, or a message naming the bad one. */
function readFilterFields(body: Record<string, unknown>): FilterFields | string {
  const fields: FilterFields = {};
  const integers = [
    ['StartTime', 'startTime', 0],
    ['EndTime', 'endTime', 0],
    ['NumberPerPage', 'numberPerPage', 1],
    ['Page', 'page', 1],
  ] as const;
  for (const [name, key, min] of integers) {
    const value = body[name];
    if (value === undefined || value === null) continue;
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
      return `${name} must be an integer of at least ${min}`;
    }
    fields[key] = value;
  }
  for (const [name, key] of [
    ['CallResult', 'callResult'],
    ['CallType', 'callType'],
  ] as const) {
    const value = body[name];
    // An empty string is what a client sends for "no filter" when it always fills the field.
    if (value === undefined || value === null || value === '') continue;
    if (typeof value !== 'string') return `${name} must be a string`;
    fields[key] = value;
  }
  return fields;
}
