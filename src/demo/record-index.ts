import type { WireCallRecord } from '../tencent/records.js';

/** Records sorted by StartTime with their start times in a typed array, so a range is two binary searches. */
interface Slice {
  records: WireCallRecord[];
  starts: Float64Array;
}

export interface RangeQuery {
  /** Inclusive bounds on the record's StartTime. */
  startTime: number;
  endTime: number;
  callResult?: string;
  callType?: string;
}

export interface RecordIndex {
  /** Sorted by StartTime ascending (ties by CallId), the order every page is cut from. */
  readonly records: WireCallRecord[];
  byCallId(callId: string): WireCallRecord | undefined;
  /** The matching records as a contiguous ascending run: `list[from..to)`. */
  range(query: RangeQuery): { list: WireCallRecord[]; from: number; to: number };
}

export function buildRecordIndex(input: readonly WireCallRecord[]): RecordIndex {
  const records = [...input].sort((a, b) => a.StartTime - b.StartTime || compare(a.CallId, b.CallId));
  const all = toSlice(records);
  const byId = new Map(records.map((r) => [r.CallId, r]));
  const results = new Set(records.map((r) => r.CallResult));
  const types = new Set(records.map((r) => r.CallType));
  // One precomputed slice per filter combination actually asked for; bounded by the values the data holds.
  const slices = new Map<string, Slice>();
  const empty = toSlice([]);

  function sliceFor(callResult: string | undefined, callType: string | undefined): Slice {
    if (callResult === undefined && callType === undefined) return all;
    if ((callResult !== undefined && !results.has(callResult)) || (callType !== undefined && !types.has(callType))) {
      return empty;
    }
    const key = `${callResult ?? ''}\u0000${callType ?? ''}`;
    let slice = slices.get(key);
    if (slice === undefined) {
      slice = toSlice(
        records.filter(
          (r) =>
            (callResult === undefined || r.CallResult === callResult) &&
            (callType === undefined || r.CallType === callType),
        ),
      );
      slices.set(key, slice);
    }
    return slice;
  }

  return {
    records,
    byCallId: (callId) => byId.get(callId),
    range(query) {
      const slice = sliceFor(query.callResult, query.callType);
      const from = firstIndex(slice.starts, (t) => t >= query.startTime);
      const to = Math.max(from, firstIndex(slice.starts, (t) => t > query.endTime));
      return { list: slice.records, from, to };
    },
  };
}

function toSlice(records: WireCallRecord[]): Slice {
  return { records, starts: Float64Array.from(records, (r) => r.StartTime) };
}

/** First index whose value passes `test`, for a test that is false then true along the sorted array. */
function firstIndex(values: Float64Array, test: (value: number) => boolean): number {
  let lo = 0;
  let hi = values.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (!test(values[mid] as number)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
