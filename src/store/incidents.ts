/**
 * Incidents in the store (migration 006), on both engines, and the window queries over calls that ENDED in a range:
 * the check's counts from the per-minute counters (`end-minute-counts.ts`), the chart's from `calls_by_end`. Every change that decides who acts is one conditional statement, so processes sharing the
 * store never both win: the open-incident insert (unique index), the state save (version), the post claim and
 * each update claim (conditions on their columns). State JSON is validated with zod on the way out.
 */
import type { Generated, Kysely } from 'kysely';
import { z } from 'zod';
import type { IncidentFacts } from '../calls/incident-rule.js';
import type { EndedCallsReader, IncidentRecord, IncidentStore, RuleMute } from '../calls/incident-store.js';
import type { Database, EngineName } from './database.js';
import { countEndedCalls, measureEndedCallsByMinute } from './end-minute-counts.js';
import { guard, StoreRowError } from './store-errors.js';

export interface IncidentsTable {
  id: Generated<number>;
  channel: string;
  opened_at: number;
  resolved_at: number | null;
  /** JSON of `IncidentFacts`. */
  state: string;
  version: Generated<number>;
  message_ts: string | null;
  last_update_at: number | null;
  post_claimed_by: string | null;
  post_claimed_at: number | null;
  acknowledged_by: string | null;
  acknowledged_at: number | null;
}

export interface IncidentRulesTable {
  channel: string;
  muted_until: number | null;
  muted_by: string | null;
  muted_at: number | null;
}

const countsSchema = z.object({
  from: z.number().int(),
  to: z.number().int(),
  ended: z.number().int().min(0),
  interrupted: z.number().int().min(0),
  offline: z.number().int().min(0),
  topUsers: z.array(z.object({ user: z.string(), count: z.number().int().min(0) })).max(100),
  firstDroppedStart: z.number().int().nullable(),
});

const factsSchema = z.object({
  openedAt: z.number().int(),
  openingRate: z.number().min(0).max(1),
  doublings: z.number().int().min(0).max(64),
  peakRate: z.number().min(0).max(1),
  latest: countsSchema,
  belowSince: z.number().int().nullable(),
  changedAt: z.number().int(),
  resolvedAt: z.number().int().nullable(),
  searchFrom: z.number().int().nullable(),
}) satisfies z.ZodType<IncidentFacts>;

type IncidentRow = {
  id: number;
  channel: string;
  state: string;
  version: number;
  message_ts: string | null;
  last_update_at: number | null;
  acknowledged_by: string | null;
  acknowledged_at: number | null;
};

function rowToIncident(row: IncidentRow): IncidentRecord {
  let raw: unknown;
  try {
    raw = JSON.parse(row.state);
  } catch {
    throw new StoreRowError('incidents', `incident ${row.id} has a state that is not JSON`);
  }
  const parsed = factsSchema.safeParse(raw);
  if (!parsed.success) throw new StoreRowError('incidents', `incident ${row.id}: ${z.prettifyError(parsed.error)}`);
  return {
    id: Number(row.id),
    channel: row.channel,
    facts: parsed.data,
    version: Number(row.version),
    messageTs: row.message_ts,
    lastUpdateAt: row.last_update_at === null ? null : Number(row.last_update_at),
    acknowledged:
      row.acknowledged_by === null || row.acknowledged_at === null
        ? null
        : { by: row.acknowledged_by, at: Number(row.acknowledged_at) },
  };
}

const INCIDENT_COLUMNS = [
  'id',
  'channel',
  'state',
  'version',
  'message_ts',
  'last_update_at',
  'acknowledged_by',
  'acknowledged_at',
] as const;

/** The incident repository and the window query; every call turns an outage into `StoreUnavailableError`. */
export function createIncidentStore(
  db: Kysely<Database>,
  // Both engines run the same statements here; kept so callers name the engine as for the other repositories.
  _engine: EngineName,
): IncidentStore & EndedCallsReader {
  const select = () => db.selectFrom('incidents').select(INCIDENT_COLUMNS);
  const one = async (id: number) => {
    const row = await select().where('id', '=', id).executeTakeFirst();
    return row === undefined ? null : rowToIncident(row);
  };
  const affected = (result: { numUpdatedRows?: bigint } | undefined) => Number(result?.numUpdatedRows ?? 0) > 0;

  return {
    findOpenIncident: (channel) =>
      guard(async () => {
        const row = await select().where('channel', '=', channel).where('resolved_at', 'is', null).executeTakeFirst();
        return row === undefined ? null : rowToIncident(row);
      }),

    getIncident: (id) => guard(() => one(id)),

    insertIncident: (channel, facts) =>
      guard(async () => {
        const row = await db
          .insertInto('incidents')
          .values({
            channel,
            opened_at: facts.openedAt,
            resolved_at: facts.resolvedAt,
            state: JSON.stringify(facts),
          })
          // The unique index on the open incident of a channel: a second opener inserts nothing.
          .onConflict((conflict) => conflict.doNothing())
          .returning(INCIDENT_COLUMNS)
          .executeTakeFirst();
        return row === undefined ? null : rowToIncident(row);
      }),

    saveFacts: (id, version, facts) =>
      guard(async () => {
        const result = await db
          .updateTable('incidents')
          .set({ state: JSON.stringify(factsSchema.parse(facts)), resolved_at: facts.resolvedAt, version: version + 1 })
          .where('id', '=', id)
          .where('version', '=', version)
          .executeTakeFirst();
        return affected(result);
      }),

    claimPost: (id, holder, now, ttlSeconds) =>
      guard(async () => {
        const result = await db
          .updateTable('incidents')
          .set({ post_claimed_by: holder, post_claimed_at: now })
          .where('id', '=', id)
          .where('message_ts', 'is', null)
          .where((eb) => eb.or([eb('post_claimed_at', 'is', null), eb('post_claimed_at', '<=', now - ttlSeconds)]))
          .executeTakeFirst();
        return affected(result);
      }),

    recordPost: (id, messageTs, now) =>
      guard(async () => {
        await db
          .updateTable('incidents')
          .set({ message_ts: messageTs, last_update_at: now })
          .where('id', '=', id)
          .execute();
      }),

    releasePost: (id, holder) =>
      guard(async () => {
        await db
          .updateTable('incidents')
          .set({ post_claimed_by: null, post_claimed_at: null })
          .where('id', '=', id)
          .where('post_claimed_by', '=', holder)
          .where('message_ts', 'is', null)
          .execute();
      }),

    listPending: (channel) =>
      guard(async () => {
        const rows = await select()
          .where('channel', '=', channel)
          .where((eb) =>
            eb.or([
              eb('message_ts', 'is', null),
              eb.and([eb('resolved_at', 'is not', null), eb('last_update_at', '<', eb.ref('resolved_at'))]),
            ]),
          )
          .orderBy('id')
          .limit(20)
          .execute();
        return rows.map(rowToIncident);
      }),

    claimUpdate: (id, now, minIntervalSeconds) =>
      guard(async () => {
        const before = await db
          .selectFrom('incidents')
          .select('last_update_at')
          .where('id', '=', id)
          .where('message_ts', 'is not', null)
          .executeTakeFirst();
        if (before === undefined || before.last_update_at === null) return null;
        const previous = Number(before.last_update_at);
        if (now - previous < minIntervalSeconds) return null;
        // Conditional on the value read: of two processes claiming together, one changes the row.
        const result = await db
          .updateTable('incidents')
          .set({ last_update_at: now })
          .where('id', '=', id)
          .where('last_update_at', '=', previous)
          .executeTakeFirst();
        return affected(result) ? { previous } : null;
      }),

    releaseUpdate: (id, claimedAt, previous) =>
      guard(async () => {
        await db
          .updateTable('incidents')
          .set({ last_update_at: previous })
          .where('id', '=', id)
          .where('last_update_at', '=', claimedAt)
          .execute();
      }),

    acknowledge: (id, by, at) =>
      guard(async () => {
        await db
          .updateTable('incidents')
          .set({ acknowledged_by: by, acknowledged_at: at })
          .where('id', '=', id)
          .where('acknowledged_by', 'is', null)
          .execute();
        return one(id);
      }),

    readMute: (channel) =>
      guard(async () => {
        const row = await db
          .selectFrom('incident_rules')
          .select(['muted_until', 'muted_by', 'muted_at'])
          .where('channel', '=', channel)
          .executeTakeFirst();
        if (row === undefined || row.muted_until === null || row.muted_by === null || row.muted_at === null) {
          return null;
        }
        return { until: Number(row.muted_until), by: row.muted_by, at: Number(row.muted_at) } satisfies RuleMute;
      }),

    writeMute: (channel, mute) =>
      guard(async () => {
        const values = { muted_until: mute.until, muted_by: mute.by, muted_at: mute.at };
        await db
          .insertInto('incident_rules')
          .values({ channel, ...values })
          .onConflict((conflict) => conflict.column('channel').doUpdateSet(values))
          .execute();
      }),

    countEndedCalls: (from, to, options) => guard(() => countEndedCalls(db, from, to, options)),
    measureEndedCalls: (from, to, options) => guard(() => measureEndedCallsByMinute(db, from, to, options)),
  };
}
