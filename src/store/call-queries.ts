/**
 * The read side: searches, counts and bucket counts, written so that every search is an index range scan newest
 * first (see docs/store.md). A filter on users reads each user's participant rows (`call_participants` key); a
 * filter on results without users reads `calls_by_result` once per result; anything else reads `calls_by_start`.
 * Several users (or results) are separate range scans, each cut to the page, merged by UNION, which also keeps a
 * call with two matching users once. The keyset is written `start_time < ? OR (start_time = ? AND call_id > ?)`
 * with a range bound on start_time: SQLite does not narrow an index scan with a row value.
 */
import { type Kysely, type RawBuilder, sql } from 'kysely';
import type { CallFilter, FindCallsOptions } from '../calls/call-store.js';
import type { CallRecord } from '../calls/records.js';
import type { RecordKey } from '../calls/search-page.js';
import { CALL_COLUMNS, readableRecord } from './call-rows.js';
import type { Database, EngineName } from './database.js';

type Direction = 'older' | 'newer';
type Condition = RawBuilder<unknown>;

interface Cut {
  /** `older`: newest first, after the key; `newer`: oldest first, before the key (reversed afterwards). */
  direction: Direction;
  key?: RecordKey;
  limit: number;
  offset: number;
}

const SELECT_CALL = sql.join(CALL_COLUMNS.map((column) => sql.ref(`c.${column}`)));

export interface CallQueries {
  findCalls(filter: CallFilter, options: FindCallsOptions): Promise<CallRecord[]>;
  countCalls(filter: CallFilter): Promise<number>;
  countCallsByBucket(filter: CallFilter, bucketSeconds: number): Promise<number[]>;
  getCall(callId: string): Promise<CallRecord | null>;
  oldestStartTime(): Promise<number | null>;
}

export interface CallQueriesOptions {
  /** Told of the rows a read skipped because they fail the row check (they are logged and counted there). */
  onUnreadableRows?: (count: number) => void;
}

export function createCallQueries(
  db: Kysely<Database>,
  engine: EngineName,
  options: CallQueriesOptions = {},
): CallQueries {
  /** The records of `rows` that read back as real calls; the others are skipped and reported, never fail the page. */
  function readable(rows: readonly unknown[]): CallRecord[] {
    const records: CallRecord[] = [];
    for (const row of rows) {
      const record = readableRecord(row);
      if (record !== undefined) records.push(record);
    }
    if (records.length < rows.length) options.onUnreadableRows?.(rows.length - records.length);
    return records;
  }

  return {
    async findCalls(filter, options) {
      const query = findCallsQuery(filter, options);
      if (query === null) return [];
      const { rows } = await query.execute(db);
      const records = readable(rows);
      return options.after === undefined && options.before !== undefined ? records.reverse() : records;
    },

    async countCalls(filter) {
      if (filter.from >= filter.to) return 0;
      const { rows } = await countCallsQuery(filter).execute(db);
      return Number(rows[0]?.n ?? 0);
    },

    async countCallsByBucket(filter, bucketSeconds) {
      if (!(bucketSeconds > 0)) throw new RangeError('bucketSeconds must be positive');
      const buckets = Math.max(0, Math.ceil((filter.to - filter.from) / bucketSeconds));
      const counts: number[] = new Array(buckets).fill(0);
      if (buckets === 0) return counts;
      const start = sql.ref(filter.users.length > 0 ? 'p.start_time' : 'c.start_time');
      const bucket =
        engine === 'sqlite'
          ? sql`cast((${start} - ${filter.from}) / ${bucketSeconds} as integer)`
          : sql`(${start} - ${filter.from}) / ${bucketSeconds}`;
      const { rows } = await sql<{ bucket: number; n: number }>`select ${bucket} as bucket, ${countOf(filter)} as n
        ${fromWhere(filter)} group by 1`.execute(db);
      for (const row of rows) counts[Number(row.bucket)] = Number(row.n);
      return counts;
    },

    async getCall(callId) {
      const { rows } = await sql`select ${SELECT_CALL} from calls as c where c.call_id = ${callId}`.execute(db);
      return readable(rows)[0] ?? null;
    },

    async oldestStartTime() {
      const { rows } = await sql<{ oldest: number | null }>`select min(start_time) as oldest from calls`.execute(db);
      return rows[0]?.oldest ?? null;
    },
  };
}

/** The query behind `findCalls` (exported for the query-plan tests); null when nothing can match. */
export function findCallsQuery(search: CallFilter, options: FindCallsOptions): RawBuilder<unknown> | null {
  const cut = cutOf(options);
  const filter = { ...search, users: [...new Set(search.users)], results: [...new Set(search.results)] };
  if (cut.limit <= 0 || filter.from >= filter.to) return null;
  const branches = searchBranches(filter, cut);
  if (branches.length === 1) return sql`${branches[0]} offset ${cut.offset}`;
  const merged = sql.join(
    branches.map((branch, i) => sql`select * from (${branch}) as ${sql.id(`b${i}`)}`),
    sql` union `,
  );
  return sql`${merged} order by ${orderOf(null, cut.direction)} limit ${cut.limit} offset ${cut.offset}`;
}

/** The query behind `countCalls` (exported for the query-plan tests). */
export function countCallsQuery(filter: CallFilter): RawBuilder<{ n: number }> {
  return sql<{ n: number }>`select ${countOf(filter)} as n ${fromWhere(filter)}`;
}

function cutOf(options: FindCallsOptions): Cut {
  const limit = Math.max(0, Math.floor(options.limit));
  if (options.after) return { direction: 'older', key: options.after, limit, offset: 0 };
  if (options.before) return { direction: 'newer', key: options.before, limit, offset: 0 };
  return { direction: 'older', limit, offset: Math.max(0, Math.floor(options.offset ?? 0)) };
}

/** One range scan per user, per result, or one over all calls; each already ordered and cut to the page. */
function searchBranches(filter: CallFilter, cut: Cut): RawBuilder<unknown>[] {
  // A single branch is cut by the caller (its offset); several are each cut to offset + limit, then merged.
  const perBranch = cut.limit + cut.offset;
  if (filter.users.length > 0) {
    return filter.users.map((user) => {
      const where = [sql`p.user_id = ${user}`, ...timeConditions('p', filter, cut), ...attributeConditions(filter)];
      return sql`select ${SELECT_CALL} from call_participants as p join calls as c on c.call_id = p.call_id
        where ${and(where)} order by ${orderOf('p', cut.direction)} limit ${filter.users.length === 1 ? cut.limit : perBranch}`;
    });
  }
  const results = filter.results.length > 0 ? filter.results : [null];
  return results.map((result) => {
    const where = [
      ...(result === null ? [] : [sql`c.result = ${result}`]),
      ...timeConditions('c', filter, cut),
      ...attributeConditions({ ...filter, results: [] }),
    ];
    return sql`select ${SELECT_CALL} from calls as c where ${and(where)}
      order by ${orderOf('c', cut.direction)} limit ${results.length === 1 ? cut.limit : perBranch}`;
  });
}

/**
 * `[from, to)` on the start time, narrowed to the keyset's side of the key when paging from a call. Each side gets
 * ONE bound (the tighter one, chosen here): SQLite bounds an index scan by a single upper and lower bound, and
 * would otherwise walk down from `to` through every call before the key.
 */
function timeConditions(alias: 'c' | 'p', filter: CallFilter, cut: Cut): Condition[] {
  const start = sql.ref(`${alias}.start_time`);
  const id = sql.ref(`${alias}.call_id`);
  const key = cut.key;
  if (!key) return [sql`${start} >= ${filter.from}`, sql`${start} < ${filter.to}`];
  if (cut.direction === 'older') {
    const upper = key.startTime < filter.to ? sql`${start} <= ${key.startTime}` : sql`${start} < ${filter.to}`;
    return [
      sql`${start} >= ${filter.from}`,
      upper,
      sql`(${start} < ${key.startTime} or (${start} = ${key.startTime} and ${id} > ${key.callId}))`,
    ];
  }
  const lower = key.startTime >= filter.from ? sql`${start} >= ${key.startTime}` : sql`${start} >= ${filter.from}`;
  return [
    lower,
    sql`${start} < ${filter.to}`,
    sql`(${start} > ${key.startTime} or (${start} = ${key.startTime} and ${id} < ${key.callId}))`,
  ];
}

function attributeConditions(filter: CallFilter): Condition[] {
  const conditions: Condition[] = [];
  if (filter.results.length > 0) conditions.push(inList('c.result', filter.results));
  if (filter.callTypes.length > 0) conditions.push(inList('c.call_type', filter.callTypes));
  if (filter.mediaTypes.length > 0) conditions.push(inList('c.media_type', filter.mediaTypes));
  return conditions;
}

function inList(column: string, values: readonly string[]): Condition {
  const ref = sql.ref(column);
  return values.length === 1 ? sql`${ref} = ${values[0]}` : sql`${ref} in (${sql.join(values)})`;
}

function and(conditions: Condition[]): Condition {
  return sql.join(conditions, sql` and `);
}

function orderOf(alias: 'c' | 'p' | null, direction: Direction): RawBuilder<unknown> {
  const start = sql.ref(alias ? `${alias}.start_time` : 'start_time');
  const id = sql.ref(alias ? `${alias}.call_id` : 'call_id');
  return direction === 'older' ? sql`${start} desc, ${id} asc` : sql`${start} asc, ${id} desc`;
}

/** `count(*)` of matching calls: distinct calls when several users may share one. */
function countOf(filter: CallFilter): RawBuilder<unknown> {
  return filter.users.length > 1 ? sql`count(distinct p.call_id)` : sql`count(*)`;
}

/** `from … where …` of every matching call (one row per call and matching participant with users). */
function fromWhere(filter: CallFilter): RawBuilder<unknown> {
  const attributes = attributeConditions(filter);
  const all: Cut = { direction: 'older', limit: 0, offset: 0 };
  if (filter.users.length === 0)
    return sql`from calls as c where ${and([...timeConditions('c', filter, all), ...attributes])}`;
  const users = [inList('p.user_id', filter.users), ...timeConditions('p', filter, all)];
  return attributes.length === 0
    ? sql`from call_participants as p where ${and(users)}`
    : sql`from call_participants as p join calls as c on c.call_id = p.call_id where ${and([...users, ...attributes])}`;
}
