import type { CallRecord, CallResult, CallType } from './records.js';

/** What Tencent's get_record_by_filter can be asked to filter on. */
export interface RecordFilter {
  /** Unix seconds, inclusive. Tencent clamps anything older than 7 days. */
  startTime?: number;
  /** Unix seconds. */
  endTime?: number;
  callResult?: CallResult;
  callType?: CallType;
}

/** Counts upstream requests made on behalf of one query, for the audit log and the benches. */
export interface RequestMeter {
  requests: number;
}

export interface RequestOptions {
  signal?: AbortSignal;
  meter?: RequestMeter;
}

export interface RecordPage {
  /** Tencent's TotalNum for the whole query (0 when Tencent answered 101050). */
  totalNum: number;
  page: number;
  /** Normalised, and already re-checked against the filter that was sent. */
  records: CallRecord[];
  requestId?: string;
  /** Records Tencent returned that did not match the CallResult/CallType sent, dropped from `records`. */
  filterMismatches?: number;
  /**
   * Records Tencent returned without the documented shape, dropped from `records`. Like `filterMismatches`, non-zero
   * means `records.length` is not the number of positions this page covers in Tencent's listing.
   */
  invalidRecords?: number;
}

/** What one page of a scan said, for a caller that checks a download adds up (the store's sync). */
export interface ScanPageInfo {
  page: number;
  /** Tencent's TotalNum on this page; 0 with `exhausted` (101050: no records at or past this page). */
  totalNum: number;
  exhausted: boolean;
  /** Records on this page without the documented shape, dropped. */
  invalidRecords: number;
}

export interface ScanOptions extends RequestOptions {
  /** NumberPerPage to ask for; the server may honour less. Default 100. */
  pageSize?: number;
  /** Called for every page answered (repair passes included), before its records are yielded. */
  onPage?: (info: ScanPageInfo) => void;
}

/** The Tencent call-record API as the rest of the app sees it. `TencentCallRecordsClient` implements it. */
export interface CallRecordsApi {
  getRecordsByFilter(
    filter: RecordFilter & { page: number; numberPerPage: number },
    options?: RequestOptions,
  ): Promise<RecordPage>;
  /** null when Tencent answers 101050 (no such call). */
  getRecordByCallId(callId: string, options?: RequestOptions): Promise<CallRecord | null>;
  /** TotalNum for a filter, with one small request. */
  countRecords(filter: RecordFilter, options?: RequestOptions): Promise<number>;
  /** Every record of the filter exactly once, pages fetched concurrently within the shared rate limit. */
  scan(filter: RecordFilter, options?: ScanOptions): AsyncIterable<CallRecord>;
}
