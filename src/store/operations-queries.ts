/**
 * The store's figures for `/metrics` and `/calls status`: open incidents, active watches, stored calls. Each is one
 * indexed query; the number of calls on PostgreSQL is the planner's estimate (counting millions of rows at every
 * scrape would cost more than the figure is worth).
 */
import { sql } from 'kysely';
import type { EngineName, StoreDb } from './database.js';

export interface StoreFigures {
  incidentsOpen(): Promise<number>;
  /** `now`: Unix seconds. */
  watchesActive(now: number): Promise<number>;
  storeCalls(): Promise<number>;
}

export function createStoreFigures(db: StoreDb, engine: EngineName): StoreFigures {
  return {
    async incidentsOpen() {
      const row = await db
        .selectFrom('incidents')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('resolved_at', 'is', null)
        .executeTakeFirst();
      return Number(row?.n ?? 0);
    },
    async watchesActive(now) {
      const row = await db
        .selectFrom('watches')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('ended_at', 'is', null)
        .where('expires_at', '>', now)
        .executeTakeFirst();
      return Number(row?.n ?? 0);
    },
    async storeCalls() {
      if (engine === 'postgres') {
        // reltuples is -1 before the first ANALYZE: then count (a new, still small table).
        const estimate = await sql<{ n: number }>`select reltuples::bigint as n from pg_class
          where oid = to_regclass('calls')`.execute(db);
        const n = Number(estimate.rows[0]?.n ?? -1);
        if (n >= 0) return n;
      }
      const row = await db
        .selectFrom('calls')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirst();
      return Number(row?.n ?? 0);
    },
  };
}
