/** One statement on its own short-lived connection: creating and dropping the benches' databases and schemas. */
import { randomBytes } from 'node:crypto';
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

/** A fresh database on the server of `base` for `work`, dropped after (even when `work` fails). */
export async function withBenchDatabase<T>(base: string, work: (url: string) => Promise<T>): Promise<T> {
  const name = `callkit_bench_${randomBytes(4).toString('hex')}`;
  await adminQuery(base, `create database ${name}`);
  try {
    const url = new URL(base);
    url.pathname = `/${name}`;
    return await work(url.toString());
  } finally {
    await adminQuery(base, `drop database if exists ${name} with (force)`);
  }
}
