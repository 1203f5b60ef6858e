/**
 * The name cache (`user_names`, migration 003): display names fetched from Tencent in the background, read by
 * every surface through the domain's `NameDirectory`. Reads never reach Tencent; a user without a row (or with a
 * null name) simply has no name. Every operation turns an outage into `StoreUnavailableError`.
 */
import { type Kysely, sql } from 'kysely';
import type { NameDirectory, NameMatch, UserNames } from '../calls/user-names.js';
import { nameSearchKey } from '../calls/user-names.js';
import type { Database, EngineName } from './database.js';
import { guard } from './store-errors.js';

export interface UserNamesTable {
  user_id: string;
  /** Null: the user has no profile or no nickname. */
  name: string | null;
  /** `nameSearchKey(name)`, null with the name. */
  name_key: string | null;
  /** Unix seconds of the lookup. */
  fetched_at: number;
}

/** One lookup's outcome for one user (null: no name). */
export interface FetchedName {
  userId: string;
  name: string | null;
}

export interface UserNamesRepository extends NameDirectory {
  /** Stores what a lookup found, replacing older rows (`fetchedAt`: Unix seconds). */
  saveNames(names: readonly FetchedName[], fetchedAt: number): Promise<void>;
  /**
   * Users who took part in a stored call and whose name was never fetched or was fetched before `staleBefore`
   * (Unix seconds), never fetched first, at most `limit`.
   */
  usersNeedingNames(staleBefore: number, limit: number): Promise<string[]>;
  /**
   * Of `userIds` (the users of new calls), those whose name was never fetched or was fetched before `staleBefore`,
   * in the order given: a lookup of these users alone, whatever the number of users the store has seen.
   */
  namesNeededAmong(userIds: readonly string[], staleBefore: number): Promise<string[]>;
}

/** IDs per `in (…)` list: well under SQLite's and PostgreSQL's bound-parameter limits. */
const IDS_PER_QUERY = 500;

export function createUserNames(db: Kysely<Database>, engine: EngineName): UserNamesRepository {
  const contains =
    engine === 'sqlite'
      ? (key: string) => sql<boolean>`instr(name_key, ${key}) > 0`
      : (key: string) => sql<boolean>`strpos(name_key, ${key}) > 0`;
  return {
    namesOf: (userIds) =>
      guard(async () => {
        const ids = [...new Set(userIds)];
        const names = new Map<string, string>();
        for (let i = 0; i < ids.length; i += IDS_PER_QUERY) {
          const rows = await db
            .selectFrom('user_names')
            .select(['user_id', 'name'])
            .where('user_id', 'in', ids.slice(i, i + IDS_PER_QUERY))
            .where('name', 'is not', null)
            .execute();
          for (const row of rows) if (row.name !== null) names.set(row.user_id, row.name);
        }
        return names as UserNames;
      }),

    findUsersByName: (text, limit) =>
      guard(async (): Promise<NameMatch[]> => {
        const key = nameSearchKey(text);
        if (key === '' || limit <= 0) return [];
        const rows = await db
          .selectFrom('user_names')
          .select(['user_id', 'name'])
          .where('name_key', 'is not', null)
          .where(contains(key))
          .orderBy('name_key')
          .orderBy('user_id')
          .limit(limit)
          .execute();
        return rows.flatMap((row) => (row.name === null ? [] : [{ userId: row.user_id, name: row.name }]));
      }),

    saveNames: (names, fetchedAt) =>
      guard(async () => {
        const latest = new Map(names.map((entry) => [entry.userId, entry.name]));
        const rows = [...latest].map(([userId, name]) => ({
          user_id: userId,
          name,
          name_key: name === null ? null : nameSearchKey(name),
          fetched_at: fetchedAt,
        }));
        for (let i = 0; i < rows.length; i += 100) {
          await db
            .insertInto('user_names')
            .values(rows.slice(i, i + 100))
            .onConflict((conflict) =>
              conflict.column('user_id').doUpdateSet((eb) => ({
                name: eb.ref('excluded.name'),
                name_key: eb.ref('excluded.name_key'),
                fetched_at: eb.ref('excluded.fetched_at'),
              })),
            )
            .execute();
        }
      }),

    namesNeededAmong: (userIds, staleBefore) =>
      guard(async () => {
        const unique = [...new Set(userIds)];
        const fresh = new Set<string>();
        for (let i = 0; i < unique.length; i += IDS_PER_QUERY) {
          const rows = await db
            .selectFrom('user_names')
            .select('user_id')
            .where('user_id', 'in', unique.slice(i, i + IDS_PER_QUERY))
            .where('fetched_at', '>=', staleBefore)
            .execute();
          for (const row of rows) fresh.add(row.user_id);
        }
        return unique.filter((user) => !fresh.has(user));
      }),

    usersNeedingNames: (staleBefore, limit) =>
      guard(async () => {
        if (limit <= 0) return [];
        // The distinct participants by a loose index scan (one seek per user on the participants' key), not by
        // reading every participant row: a store of a million calls has a few thousand users.
        const { rows } = await sql<{ user_id: string }>`
          with recursive seen(user_id) as (
            select min(user_id) from call_participants
            union all
            select (select min(p.user_id) from call_participants as p where p.user_id > seen.user_id)
            from seen where seen.user_id is not null
          )
          select seen.user_id from seen left join user_names as n on n.user_id = seen.user_id
          where seen.user_id is not null and (n.user_id is null or n.fetched_at < ${staleBefore})
          order by n.fetched_at is not null, n.fetched_at, seen.user_id
          limit ${limit}`.execute(db);
        return rows.map((row) => row.user_id);
      }),
  };
}
