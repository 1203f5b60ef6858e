import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { TencentError } from '../../src/calls/source-errors.js';
import { pinQuery } from '../../src/calls/time-range.js';
import { loadConfig } from '../../src/config/index.js';
import { generateDataset } from '../../src/demo/dataset.js';
import { type DemoServer, startDemoServer } from '../../src/demo/server.js';
import { createCallRecordsBackend } from '../../src/wiring/backend.js';

const now = () => Math.floor(Date.now() / 1000);

function last24h() {
  const pinned = pinQuery(
    {
      users: [],
      results: [],
      callTypes: [],
      mediaTypes: [],
      range: { kind: 'relative', seconds: 86_400, label: '24h' },
    },
    now(),
    'UTC',
  );
  if ('error' in pinned) throw new Error(pinned.error);
  return pinned.pinned;
}

async function refusesConnections(url: string): Promise<boolean> {
  try {
    await fetch(url, { method: 'POST', body: '{}' });
    return false;
  } catch {
    return true;
  }
}

/** Each backend its own embedded store. */
const dirs: string[] = [];
function dataDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'callkit-backend-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('demo mode (no TENCENT_SDKAPPID)', () => {
  it('fills the store from the demo server through the real client over HTTP; searches then read the store', async () => {
    const records = generateDataset({ seed: 3, now: now(), callsPerDay: 50 });
    const backend = await createCallRecordsBackend(loadConfig({ DATA_DIR: dataDir() }), {
      demo: { records },
      sync: 'once',
    });
    try {
      expect(backend.demo).toBe(true);
      expect(backend.store.engine).toBe('sqlite');
      const server = backend.demoServer as DemoServer;
      expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const synced = server.stats.requests;
      expect(synced).toBeGreaterThan(0);
      const query = last24h();
      const page = await backend.search.searchCalls(query, 1);
      expect(page.total).toBe(records.filter((r) => r.StartTime >= query.from && r.StartTime < query.to).length);
      expect(page.upstreamRequests).toBe(0);
      const one = await backend.search.getCall(page.records[0]?.callId as string);
      expect(one?.callId).toBe(page.records[0]?.callId);
      expect(server.stats.requests).toBe(synced);
      expect((await backend.store.coverage()).lastSyncAt).not.toBeNull();
    } finally {
      await backend.close();
    }
    expect(await refusesConnections(backend.demoServer?.url as string)).toBe(true);
    await backend.close(); // twice is fine
  });

  it('generates 7 days of records by default', async () => {
    const backend = await createCallRecordsBackend(loadConfig({ DATA_DIR: dataDir() }), { sync: 'off' });
    try {
      const records = backend.demoServer?.records ?? [];
      expect(records.length).toBeGreaterThan(1000);
      expect(now() - (records[0]?.StartTime as number)).toBeLessThanOrEqual(7 * 86_400 + 60);
    } finally {
      await backend.close();
    }
  });
});

describe('live mode', () => {
  let server: DemoServer;
  beforeAll(async () => {
    server = await startDemoServer({ records: generateDataset({ seed: 5, now: now(), callsPerDay: 50 }) });
  });
  afterAll(async () => {
    await server.close();
  });

  const env = () => ({
    TENCENT_SDKAPPID: String(server.sdkAppId),
    TENCENT_SECRET_KEY: server.secretKey,
    TENCENT_API_BASE_URL: server.url,
    DATA_DIR: dataDir(),
  });

  it('builds the client from the configuration, starts no demo server, and searches with no Tencent request', async () => {
    const backend = await createCallRecordsBackend(loadConfig(env()), { sync: 'once' });
    try {
      expect(backend.demo).toBe(false);
      expect(backend.demoServer).toBeUndefined();
      const before = server.stats.requests;
      const page = await backend.search.searchCalls(last24h(), 1);
      expect(page.total).toBeGreaterThan(0);
      expect(server.stats.requests).toBe(before);
    } finally {
      await backend.close();
    }
    // Closing the backend closes only its own client: the configured server is not its to stop.
    expect(await refusesConnections(server.url)).toBe(false);
  });

  it('a wrong secret key: the sync records the problem, searches say it, an id: lookup fails with a TencentError', async () => {
    const backend = await createCallRecordsBackend(loadConfig({ ...env(), TENCENT_SECRET_KEY: 'not-the-key' }), {
      sync: 'once',
    });
    try {
      expect((await backend.store.coverage()).syncProblem).toMatchObject({ kind: 'auth' });
      const page = await backend.search.searchCalls(last24h(), 1);
      expect(page.notices.join(' ')).toContain('cannot sign in to Tencent');
      expect(page.notices.join(' ')).not.toContain('not-the-key');
      const error = await backend.search.getCall('00000000-0000-4000-8000-000000000000').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TencentError);
      expect((error as TencentError).kind).toBe('auth');
    } finally {
      await backend.close();
    }
  });
});
