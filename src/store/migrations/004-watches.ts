/**
 * 004: watches (`/calls watch`) and the claims of their DMs. One row per (watch, call) in `watch_deliveries` is
 * what makes a DM go out once across processes (its primary key refuses a second claim). Times are Unix seconds.
 */
import { type Kysely, sql } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: a migration runs against the schema as it was, not today's types
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('watches')
    .ifNotExists()
    .addColumn('id', 'text', (col) => col.primaryKey())
    .addColumn('team_id', 'text', (col) => col.notNull())
    .addColumn('user_id', 'text', (col) => col.notNull())
    .addColumn('channel_id', 'text', (col) => col.notNull())
    .addColumn('query', 'text', (col) => col.notNull())
    .addColumn('created_at', 'bigint', (col) => col.notNull())
    .addColumn('expires_at', 'bigint', (col) => col.notNull())
    .addColumn('ended_at', 'bigint')
    .addColumn('end_reason', 'text')
    .execute();
  await db.schema
    .createIndex('watches_by_user')
    .ifNotExists()
    .on('watches')
    .columns(['team_id', 'user_id', 'created_at'])
    .execute();
  await db.schema
    .createIndex('watches_active')
    .ifNotExists()
    .on('watches')
    .columns(['expires_at'])
    .where(sql.ref('ended_at'), 'is', null)
    .execute();
  await db.schema
    .createTable('watch_deliveries')
    .ifNotExists()
    .addColumn('watch_id', 'text', (col) => col.notNull())
    .addColumn('call_id', 'text', (col) => col.notNull())
    .addColumn('claimed_at', 'bigint', (col) => col.notNull())
    .addPrimaryKeyConstraint('watch_deliveries_pk', ['watch_id', 'call_id'])
    .execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see up()
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('watch_deliveries').ifExists().execute();
  await db.schema.dropTable('watches').ifExists().execute();
}
