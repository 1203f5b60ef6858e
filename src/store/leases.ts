/**
 * Named leases: one holder at a time, until `expires_at`. Acquiring is one atomic statement on both engines (an
 * insert that, on conflict, takes the row over only when it is ours already or has expired), so two processes
 * asking at the same moment never both win.
 */
import type { StoreDb } from './database.js';

export async function acquireLease(
  db: StoreDb,
  name: string,
  holder: string,
  ttlSeconds: number,
  now: number,
): Promise<boolean> {
  const row = await db
    .insertInto('leases')
    .values({ name, holder, expires_at: now + ttlSeconds })
    .onConflict((conflict) =>
      conflict
        .column('name')
        .doUpdateSet((eb) => ({ holder: eb.ref('excluded.holder'), expires_at: eb.ref('excluded.expires_at') }))
        .where((eb) =>
          eb.or([eb('leases.holder', '=', eb.ref('excluded.holder')), eb('leases.expires_at', '<=', now)]),
        ),
    )
    .returning('holder')
    .executeTakeFirst();
  return row?.holder === holder;
}

export async function releaseLease(db: StoreDb, name: string, holder: string): Promise<void> {
  await db.deleteFrom('leases').where('name', '=', name).where('holder', '=', holder).execute();
}

/** Who holds a lease and until when (null when nobody does). */
export async function readLease(db: StoreDb, name: string): Promise<{ holder: string; expiresAt: number } | null> {
  const row = await db
    .selectFrom('leases')
    .select(['holder', 'expires_at'])
    .where('name', '=', name)
    .executeTakeFirst();
  return row ? { holder: row.holder, expiresAt: Number(row.expires_at) } : null;
}
