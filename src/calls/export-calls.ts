/**
 * "Export CSV": every call of a pinned search, newest first, read from the store in keyset-paged chunks (so memory
 * follows the rows kept, and no chunk is a deep OFFSET), at most `MAX_EXPORT_CALLS`; beyond that the newest ones
 * and a sentence saying so. Names come from the cache (`NameDirectory`); a user without one has an empty name cell.
 */
import type { CallFilter, CallReader } from './call-store.js';
import { writeCallsCsv } from './calls-csv.js';
import type { PinnedQuery } from './query.js';
import type { CallRecord } from './records.js';
import { recordKey } from './search-page.js';
import { todayIn } from './time-range.js';
import { type NameDirectory, NO_NAMES, usersOf } from './user-names.js';

/** Most calls one export holds (a spreadsheet stays usable; the file stays a few MB). */
export const MAX_EXPORT_CALLS = 50_000;
const CHUNK = 2_000;

export interface CollectedCalls {
  /** Newest first. */
  records: CallRecord[];
  /** Every call the search matches (may be more than `records`). */
  total: number;
  /** True when `records` is only the newest `limit` of them. */
  truncated: boolean;
}

/** The store's filter for a pinned query. */
export function callFilterOf(query: PinnedQuery): CallFilter {
  return {
    users: query.users,
    results: query.results,
    callTypes: query.callTypes,
    mediaTypes: query.mediaTypes,
    from: query.from,
    to: query.to,
  };
}

/** Every call of `query`, newest first, up to `limit`. */
export async function collectCalls(
  reader: Pick<CallReader, 'findCalls' | 'countCalls'>,
  query: PinnedQuery,
  options: { limit?: number; chunkSize?: number } = {},
): Promise<CollectedCalls> {
  const limit = options.limit ?? MAX_EXPORT_CALLS;
  const chunkSize = Math.max(1, options.chunkSize ?? CHUNK);
  const filter = callFilterOf(query);
  const records: CallRecord[] = [];
  let last: CallRecord | undefined;
  while (records.length < limit) {
    const asked = Math.min(chunkSize, limit - records.length);
    const chunk = await reader.findCalls(filter, { limit: asked, ...(last ? { after: recordKey(last) } : {}) });
    for (const record of chunk) records.push(record);
    last = chunk[chunk.length - 1];
    if (chunk.length < asked || last === undefined) break;
  }
  // Counted after reading: calls stored meanwhile are newer than the export, and only make `total` honest.
  const total = records.length < limit ? records.length : Math.max(records.length, await reader.countCalls(filter));
  return { records, total, truncated: total > records.length };
}

export interface CallsExport {
  csv: string;
  /** e.g. `calls-2026-11-20-to-2026-11-27.csv` (dates in the person's zone). */
  filename: string;
  rows: number;
  total: number;
  truncated: boolean;
  /** One sentence for the person: how many calls the file holds, and that it is cut when it is. */
  summary: string;
}

/** The CSV file of a pinned search, with names from the cache (a failing cache leaves the names empty). */
export async function exportCalls(
  reader: Pick<CallReader, 'findCalls' | 'countCalls'>,
  directory: NameDirectory | undefined,
  query: PinnedQuery,
  options: { timeZone: string; limit?: number; onNamesError?: (error: unknown) => void },
): Promise<CallsExport> {
  const collected = await collectCalls(reader, query, options.limit === undefined ? {} : { limit: options.limit });
  const ids = usersOf(collected.records);
  let names = NO_NAMES;
  if (directory !== undefined && ids.size > 0) {
    try {
      names = await directory.namesOf(ids);
    } catch (error) {
      options.onNamesError?.(error);
    }
  }
  const rows = collected.records.length;
  const n = (count: number) => count.toLocaleString('en-US');
  const summary = collected.truncated
    ? `This search has ${n(collected.total)} calls; the file holds the newest ${n(rows)}.`
    : `The file holds all ${n(rows)} call${rows === 1 ? '' : 's'} of the search.`;
  const from = todayIn(options.timeZone, query.from);
  const to = todayIn(options.timeZone, Math.max(query.from, query.to - 1));
  return {
    csv: writeCallsCsv(collected.records, { timeZone: options.timeZone, names }),
    filename: from === to ? `calls-${from}.csv` : `calls-${from}-to-${to}.csv`,
    rows,
    total: collected.total,
    truncated: collected.truncated,
    summary,
  };
}
