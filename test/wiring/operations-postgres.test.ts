/**
 * Operations on PostgreSQL (TEST_DATABASE_URL): `/readyz` follows the store through an outage (cut by a TCP proxy)
 * while `/livez` stays 200, and `/calls status` on either of two services sharing one database lists both, with
 * the one holding the sync lease marked.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storeEngines, testDatabaseUrl } from '../support/store-engines.js';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy.js';
import { startTestApp, type TestApp, textOf } from '../support/test-app.js';
import { waitFor } from '../support/wait.js';

const postgres = storeEngines().find((engine) => engine.name === 'postgres');
const ADMIN = 'U0ADMIN001';

async function probe(app: TestApp, path: string) {
  const response = await fetch(`${app.url}${path}`);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe.skipIf(postgres === undefined)('operations on PostgreSQL', () => {
  let proxy: TcpProxy;
  let first: TestApp;
  let second: TestApp;

  beforeAll(async () => {
    const url = new URL(testDatabaseUrl() as string);
    proxy = await startTcpProxy({ host: url.hostname, port: Number(url.port || 5432) });
    const location = await (postgres as NonNullable<typeof postgres>).location();
    const env = { DATABASE_URL: proxy.rewrite(location.databaseUrl as string), ADMIN_SLACK_USERS: ADMIN };
    first = await startTestApp({ env });
    second = await startTestApp({ env });
  });
  afterAll(async () => {
    await second?.close();
    await first?.close();
    await proxy?.close();
  });

  it('shows both services, and which one holds the sync lease, to an admin on either', async () => {
    await waitFor(
      async () => (await first.backend.store.db.selectFrom('processes').select('id').execute()).length === 2,
      { what: 'both heartbeats' },
    );
    for (const app of [first, second]) {
      const sent = await app.command('status', { user_id: ADMIN });
      const text = textOf(await app.reply(sent.responseId));
      expect(text).toContain('*Store*: PostgreSQL');
      expect(text).toContain('*Processes* (2 live)');
      expect(text.match(/holds the sync lease/g)).toHaveLength(1);
      expect(text.match(/\(answered this\)/g)).toHaveLength(1);
      expect(text.match(new RegExp(`pid ${process.pid}, version \\d+\\.\\d+\\.\\d+, up`, 'g'))).toHaveLength(2);
    }
  });

  it('/readyz answers 503 naming the store while PostgreSQL is unreachable, /livez stays 200; both 200 after', async () => {
    expect((await probe(first, '/readyz')).status).toBe(200);
    await proxy.cut();
    try {
      expect((await probe(first, '/livez')).status).toBe(200);
      const ready = await probe(first, '/readyz');
      expect(ready.status).toBe(503);
      expect(ready.body).toEqual({ ok: false, problems: { store: 'the call-record store is unavailable' } });
    } finally {
      await proxy.restore();
    }
    await waitFor(async () => (await probe(first, '/readyz')).status === 200, { what: '/readyz to recover' });
    expect((await probe(first, '/livez')).status).toBe(200);
  });
});
