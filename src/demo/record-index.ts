import type { WireCallRecord } from '../calls/records.js';

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
  /** Sorted by StartTime ascending (ties in input order), the order every page is cut from. */
  readonly records: WireCallRecord[];
  byCallId(callId: string): WireCallRecord | undefined;
  /** The matching records as a contiguous ascending run: `list[from..to)`. */
  range(query: RangeQuery): { list: WireCallRecord[]; from: number; to: number };
}

export function buildRecordIndex(input: readonly WireCallRecord[]): RecordIndex {
  // Usually already sorted (generateDataset sorts), and a comparator sort of 200,000 records is not free.
  const records = isSorted(input) ? [...input] : [...input].sort((a, b) => a.StartTime - b.StartTime);
  const all = toSlice(records);
  // Built on the first lookup: hashing 200,000 fresh CallIds costs a few hundred ms that a scan never needs.
  let byId: Map<string, WireCallRecord> | undefined;
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
    byCallId(callId) {
      if (byId === undefined) {
        byId = new Map();
        for (const record of records) byId.set(record.CallId, record);
      }
      return byId.get(callId);
    },
    range(query) {
      const slice = sliceFor(query.callResult, query.callType);
      const from = firstIndex(slice.starts, (t) => t >= query.startTime);
      const to = Math.max(
        from,
        firstIndex(slice.starts, (t) => t > query.endTime),
      );
      return { list: slice.records, from, to };
    },
  };
}

function toSlice(records: WireCallRecord[]): Slice {
  const starts = new Float64Array(records.length);
  for (let i = 0; i < records.length; i++) starts[i] = (records[i] as WireCallRecord).StartTime;
  return { records, starts };
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

function isSorted(records: readonly WireCallRecord[]): boolean {
  for (let i = 1; i < records.length; i++) {
    if ((records[i] as WireCallRecord).StartTime < (records[i - 1] as WireCallRecord).StartTime) return false;
  }
  return true;
}
