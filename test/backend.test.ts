import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCallRecordsBackend } from '../src/backend.js';
import { pinQuery } from '../src/calls/time-range.js';
import { loadConfig } from '../src/config.js';
import { generateDataset } from '../src/demo/dataset.js';
import { type DemoServer, startDemoServer } from '../src/demo/server.js';
import { TencentError } from '../src/tencent/errors.js';

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

describe('demo mode (no TENCENT_SDKAPPID)', () => {
  it('starts the demo server on loopback and talks to it through the real client, over HTTP', async () => {
    const records = generateDataset({ seed: 3, now: now(), callsPerDay: 50 });
    const backend = await createCallRecordsBackend(loadConfig({}), { demo: { records } });
    try {
      expect(backend.demo).toBe(true);
      const server = backend.demoServer as DemoServer;
      expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const query = last24h();
      const page = await backend.search.searchCalls(query, 1);
      expect(page.total).toBe(records.filter((r) => r.StartTime >= query.from && r.StartTime < query.to).length);
      expect(page.upstreamRequests).toBeGreaterThan(0);
      expect(server.stats.requests).toBe(page.upstreamRequests);
      expect(backend.api.stats.requests).toBe(page.upstreamRequests);
      const one = await backend.search.getCall(page.records[0]?.callId as string);
      expect(one?.callId).toBe(page.records[0]?.callId);
    } finally {
      await backend.close();
    }
    expect(await refusesConnections(backend.demoServer?.url as string)).toBe(true);
    await backend.close(); // twice is fine
  });

  it('generates 7 days of records by default', async () => {
    const backend = await createCallRecordsBackend(loadConfig({}));
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
  });

  it('builds the client from the configuration (key, admin user, base URL) and starts no demo server', async () => {
    const backend = await createCallRecordsBackend(loadConfig(env()));
    try {
      expect(backend.demo).toBe(false);
      expect(backend.demoServer).toBeUndefined();
      const before = server.stats.requests;
      const page = await backend.search.searchCalls(last24h(), 1);
      expect(server.stats.requests - before).toBe(page.upstreamRequests);
    } finally {
      await backend.close();
    }
    // Closing the backend closes only its own client: the configured server is not its to stop.
    expect(await refusesConnections(server.url)).toBe(false);
  });

  it('a wrong secret key surfaces as a TencentError', async () => {
    const backend = await createCallRecordsBackend(loadConfig({ ...env(), TENCENT_SECRET_KEY: 'not-the-key' }));
    try {
      const error = await backend.search.searchCalls(last24h(), 1).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TencentError);
      expect((error as TencentError).kind).toBe('auth');
      expect((error as TencentError).message).not.toContain('not-the-key');
    } finally {
      await backend.close();
    }
  });
});
