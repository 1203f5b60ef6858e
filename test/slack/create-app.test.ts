import { describe, expect, it } from 'vitest';
import { StoreUnavailableError } from '../../src/calls/call-store.js';
import { loadConfig } from '../../src/config/index.js';
import { createSlackApp } from '../../src/slack/create-app.js';
import { startRouteServer } from '../../src/slack/http/route-server.js';
import { missingCredentialsGuide } from '../../src/slack/lifecycle.js';
import { healthRoute } from '../../src/wiring/health-route.js';
import { captureLogs } from '../support/logs.js';

describe('missingCredentialsGuide', () => {
  it('names the problems, the manifest, both modes and the CLI', () => {
    const guide = missingCredentialsGuide(['SLACK_BOT_TOKEN is required']);
    expect(guide).toContain('SLACK_BOT_TOKEN is required');
    expect(guide).toMatch(/manifest\.yml/);
    expect(guide).toMatch(/SLACK_APP_TOKEN.*connections:write/);
    expect(guide).toMatch(/SLACK_SIGNING_SECRET/);
    expect(guide).toMatch(/Socket Mode is the quickest/);
    expect(guide).toContain('npm run calls');
  });
});

describe('Socket Mode', () => {
  it('is chosen when SLACK_APP_TOKEN is set, and /healthz then gets a server of its own', async () => {
    const config = loadConfig({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_APP_TOKEN: 'xapp-1-A1-1-abc' });
    const { mode } = createSlackApp({
      config,
      logger: captureLogs().logger,
      backend: {
        demo: true,
        search: { searchCalls: async () => Promise.reject(new Error()), getCall: async () => null },
      },
      identity: { teamId: 'T1', botUserId: 'U1', botId: 'B1', botName: 'callkit' },
    });
    expect(mode).toBe('socket');

    const coverage = {
      engine: 'sqlite' as const,
      coveredFrom: 1_764_000_000,
      oldestCall: null,
      lastSyncAt: null,
      backfillDone: false,
      syncProblem: null,
      invalidRecords: 2,
      retentionDays: 90,
    };
    const health = await startRouteServer(0, '127.0.0.1', [healthRoute(async () => coverage)]);
    try {
      const ok = await fetch(`http://127.0.0.1:${health.port}/healthz`);
      expect(ok.status).toBe(200);
      expect(await ok.json()).toEqual({
        ok: true,
        store: {
          engine: 'sqlite',
          coveredFrom: '2025-11-24T16:00:00.000Z',
          lastSyncAt: null,
          invalidRecords: 2,
          syncProblem: null,
          writeProblem: null,
        },
      });
      expect((await fetch(`http://127.0.0.1:${health.port}/slack/events`, { method: 'POST' })).status).toBe(404);
    } finally {
      await health.close();
    }
  });
});

describe('/healthz', () => {
  it('answers 503 with ok false when the store does not answer', async () => {
    const server = await startRouteServer(0, '127.0.0.1', [
      healthRoute(async () => Promise.reject(new StoreUnavailableError('database is locked'))),
    ]);
    try {
      const response = await fetch(`http://127.0.0.1:${server.port}/healthz`);
      expect(response.status).toBe(503);
      expect(await response.json()).toMatchObject({
        ok: false,
        store: { error: 'the call-record store is unavailable' },
      });
    } finally {
      await server.close();
    }
  });
});
