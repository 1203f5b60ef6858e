/**
 * "Export CSV": every call of a pinned search, newest first, read from the store in keyset-paged chunks (so memory
 * follows the rows kept, and no chunk is a deep OFFSET), at most `MAX_EXPORT_CALLS`; beyond that the newest ones
 * and a sentence saying so. Names come from the cache (`NameDirectory`); a user without one has an empty name cell.
 */

import type { CallEventReader } from './call-events.js';
import type { CallFilter, CallReader } from './call-store.js';
import { csvWriter, type EventsByCall } from './calls-csv.js';
import type { PinnedQuery } from './query.js';
import type { CallRecord } from './records.js';
import { filterOf } from './search-calls.js';
import { recordKey } from './search-page.js';
import { todayIn } from './time-range.js';
import { type NameDirectory, usersOf } from './user-names.js';

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

/** The store's filter for a pinned query (the search's own rule), over the pinned range. */
export function callFilterOf(query: PinnedQuery): CallFilter {
  return filterOf(query, { from: query.from, to: query.to });
}

/** The calls of `query`, newest first, chunk by chunk (keyset paging), up to `limit` in all. */
export async function* readCalls(
  reader: Pick<CallReader, 'findCalls'>,
  query: PinnedQuery,
  options: { limit?: number; chunkSize?: number } = {},
): AsyncGenerator<CallRecord[]> {
  const limit = options.limit ?? MAX_EXPORT_CALLS;
  const chunkSize = Math.max(1, options.chunkSize ?? CHUNK);
  const filter = callFilterOf(query);
  let read = 0;
  let last: CallRecord | undefined;
  while (read < limit) {
    const asked = Math.min(chunkSize, limit - read);
    const chunk = await reader.findCalls(filter, { limit: asked, ...(last ? { after: recordKey(last) } : {}) });
    if (chunk.length > 0) yield chunk;
    read += chunk.length;
    last = chunk[chunk.length - 1];
    if (chunk.length < asked || last === undefined) return;
  }
}

/** How many calls `query` matches when `read` of them were read with `limit`: counted only when it may be more. */
async function totalOf(
  reader: Pick<CallReader, 'countCalls'>,
  query: PinnedQuery,
  read: number,
  limit: number,
): Promise<number> {
  // Counted after reading: calls stored meanwhile are newer than the export, and only make `total` honest.
  return read < limit ? read : Math.max(read, await reader.countCalls(callFilterOf(query)));
}

/** Every call of `query`, newest first, up to `limit`. */
export async function collectCalls(
  reader: Pick<CallReader, 'findCalls' | 'countCalls'>,
  query: PinnedQuery,
  options: { limit?: number; chunkSize?: number } = {},
): Promise<CollectedCalls> {
  const limit = options.limit ?? MAX_EXPORT_CALLS;
  const records: CallRecord[] = [];
  for await (const chunk of readCalls(reader, query, options)) for (const record of chunk) records.push(record);
  const total = await totalOf(reader, query, records.length, limit);
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

/**
 * The CSV file of a pinned search, written chunk by chunk as the calls are read (memory holds one chunk and the
 * text), with names from the cache: a failing cache leaves the names empty, never the export.
 */
export async function exportCalls(
  reader: Pick<CallReader, 'findCalls' | 'countCalls'>,
  directory: NameDirectory | undefined,
  query: PinnedQuery,
  options: {
    timeZone: string;
    limit?: number;
    chunkSize?: number;
    onNamesError?: (error: unknown) => void;
    /** Call events, for the Cause column; absent or failing: the column is empty. */
    events?: Pick<CallEventReader, 'eventsOf'>;
    onEventsError?: (error: unknown) => void;
  },
): Promise<CallsExport> {
  const limit = options.limit ?? MAX_EXPORT_CALLS;
  const writer = csvWriter(options.timeZone);
  const parts = [writer.header()];
  const known = new Map<string, string>();
  const asked = new Set<string>();
  let namesFailed = false;
  let eventsFailed = false;
  let rows = 0;
  for await (const chunk of readCalls(reader, query, {
    limit,
    ...(options.chunkSize ? { chunkSize: options.chunkSize } : {}),
  })) {
    const missing = [...usersOf(chunk)].filter((id) => !asked.has(id));
    if (directory !== undefined && !namesFailed && missing.length > 0) {
      try {
        for (const [id, name] of await directory.namesOf(missing)) known.set(id, name);
        for (const id of missing) asked.add(id);
      } catch (error) {
        namesFailed = true;
        options.onNamesError?.(error);
      }
    }
    let events: EventsByCall | undefined;
    if (options.events !== undefined && !eventsFailed) {
      try {
        events = await options.events.eventsOf(chunk.map((record) => record.callId));
      } catch (error) {
        eventsFailed = true;
        options.onEventsError?.(error);
      }
    }
    parts.push(writer.rows(chunk, known, events));
    rows += chunk.length;
  }
  const total = await totalOf(reader, query, rows, limit);
  const truncated = total > rows;
  const n = (count: number) => count.toLocaleString('en-US');
  const summary = truncated
    ? `This search has ${n(total)} calls; the file holds the newest ${n(rows)}.`
    : `The file holds all ${n(rows)} call${rows === 1 ? '' : 's'} of the search.`;
  const from = todayIn(options.timeZone, query.from);
  const to = todayIn(options.timeZone, Math.max(query.from, query.to - 1));
  return {
    csv: parts.join(''),
    filename: from === to ? `calls-${from}.csv` : `calls-${from}-to-${to}.csv`,
    rows,
    total,
    truncated,
    summary,
  };
}
