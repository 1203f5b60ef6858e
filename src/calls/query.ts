import type { CallResult, CallType, MediaType } from './records.js';

/** How a person asked for the time range, before it is pinned to timestamps. */
export type RangeSpec =
  | { kind: 'retained' } // no time filter: the last 7 days (DEFAULT_RANGE_SECONDS)
  | { kind: 'relative'; seconds: number; label: string } // last:3d, 24h … ending now
  | { kind: 'day'; day: 'today' | 'yesterday' }
  | { kind: 'absolute'; from?: LocalDateTime; to?: LocalDateTime };

/** A wall-clock date or date-time in the person's time zone, as typed. */
export interface LocalDateTime {
  /**
   * `YYYY-MM-DD`, or `today` / `yesterday` (relative to the moment the query is pinned: `from:09:30`, `since:yesterday`).
   */
  date: string;
  /** `HH:mm` or absent for a whole date. */
  time?: string;
}

/** The parsed form of `/calls …`, the CLI and the Home tab filters. */
export interface CallQuery {
  /** Tencent user IDs; a call matches when any of them is the caller or a callee. */
  users: string[];
  /** Empty means every result. */
  results: CallResult[];
  /** Empty means both. */
  callTypes: CallType[];
  /** Empty means both. */
  mediaTypes: MediaType[];
  range: RangeSpec;
  /** `id:<CallId>`: one call, every other filter ignored. */
  callId?: string;
}

export type ParsedCommand =
  | { kind: 'help' }
  | {
      kind: 'query';
      query: CallQuery;
      /** Plain sentences about readings that may not be what was meant (e.g. a bare `missed` read as a user ID). */
      hints?: string[];
    }
  | { kind: 'invalid'; errors: QueryError[] };

export interface QueryError {
  /** The token as typed. */
  token: string;
  /** One sentence: what is wrong and what would be valid. */
  message: string;
}

/**
 * A query made absolute when it was first run, so that paging later shows the same set.
 * This is what button values and the Home tab carry.
 */
export interface PinnedQuery {
  users: string[];
  results: CallResult[];
  callTypes: CallType[];
  mediaTypes: MediaType[];
  /** Unix seconds, inclusive. */
  from: number;
  /** Unix seconds, exclusive. */
  to: number;
  /** IANA zone the range was understood in (for describing it). */
  timeZone: string;
}
