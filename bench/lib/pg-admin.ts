/** One statement on its own short-lived connection: creating and dropping the benches' databases and schemas. */
import pg from 'pg';

export async function adminQuery(url: string, statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}
