/**
 * Vitest globalSetup: with TEST_DATABASE_URL set, one fresh PostgreSQL database per test run
 * (`callkit_test_<random>`), handed to tests as `inject('testDatabaseUrl')` (and `CALLKIT_TEST_DATABASE_URL` for
 * child processes), dropped at the end. Without it, one line says the PostgreSQL tests are skipped.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The run's own PostgreSQL database, or null when TEST_DATABASE_URL is not set. */
    testDatabaseUrl: string | null;
  }
}

export default async function setup(project: TestProject): Promise<(() => Promise<void>) | undefined> {
  const base = process.env.TEST_DATABASE_URL;
  if (!base) {
    console.log('PostgreSQL tests skipped: TEST_DATABASE_URL is not set');
    project.provide('testDatabaseUrl', null);
    return undefined;
  }
  const name = `callkit_test_${randomBytes(6).toString('hex')}`;
  await withAdmin(base, (client) => client.query(`create database ${name}`));
  const url = new URL(base);
  url.pathname = `/${name}`;
  project.provide('testDatabaseUrl', url.toString());
  process.env.CALLKIT_TEST_DATABASE_URL = url.toString();
  return async () => {
    await withAdmin(base, (client) => client.query(`drop database if exists ${name} with (force)`));
  };
}

async function withAdmin<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}
