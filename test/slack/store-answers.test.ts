/**
 * What `/calls` and the Home tab say about the call-record store, end to end (the real app, the fake Slack): history
 * past Tencent's 7 days, the first backfill, unreadable records, a store that does not answer; and the whole path
 * on PostgreSQL when TEST_DATABASE_URL is set.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StoreUnavailableError } from '../../src/calls/call-store.js';
import type { CallRecord, WireCallRecord } from '../../src/calls/records.js';
import { generateDataset } from '../../src/demo/dataset.js';
import { normalizeRecord } from '../../src/tencent/normalize-record.js';
import { storeEngines } from '../support/store-engines.js';
import { startTestApp, type TestApp, textOf } from '../support/test-app.js';

const DAY = 86_400;
const NOW = Math.floor(Date.now() / 1000);
/** 40 days of calls: more than Tencent keeps, less than RETENTION_DAYS. */
const HISTORY = generateDataset({ seed: 21, now: NOW, days: 40, callsPerDay: 20 });

function toRecord(wire: WireCallRecord): CallRecord {
  const normalized = normalizeRecord(wire, NOW);
  if (!normalized.ok) throw new Error(normalized.reason);
  return normalized.record;
}

async function ask(app: TestApp, text: string): Promise<string> {
  const sent = await app.command(text);
  return textOf(await app.reply(sent.responseId));
}

describe('answers from stored history', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ sync: 'off' });
    await app.backend.store.upsertCalls(HISTORY.map(toRecord));
    await app.backend.store.writeSyncState({ coveredFrom: NOW - 40 * DAY, backfillDone: true, lastSyncAt: NOW });
  });
  afterAll(async () => {
    await app?.close();
  });

  it('answers last:30d from the store, with no Tencent request', async () => {
    const before = app.tencent.stats.requests;
    const text = await ask(app, 'last:30d');
    const expected = HISTORY.filter((r) => r.StartTime >= NOW - 30 * DAY - 5).length;
    const shown = Number(/\*([\d,]+) calls\*/.exec(text)?.[1]?.replace(/,/g, ''));
    // Pinned a moment after NOW: a call or two at the edge may differ.
    expect(Math.abs(shown - expected)).toBeLessThanOrEqual(2);
    expect(shown).toBeGreaterThan(400);
    expect(text).not.toContain('Stored history starts');
    expect(app.tencent.stats.requests).toBe(before);
  });

  it('clamps a range older than stored history, saying where it starts', async () => {
    const text = await ask(app, 'last:60d');
    expect(text).toContain('Stored history starts');
    expect(text).toMatch(/showing calls from then on/);
  });

  it('refuses a range older than what the store keeps (RETENTION_DAYS)', async () => {
    const text = await ask(app, 'from:2020-01-01 to:2020-02-01');
    expect(text).toContain('Call records are kept for 90 days');
  });

  it('says how far the first backfill has come, and counts unreadable records, in replies and the Home footer', async () => {
    await app.backend.store.writeSyncState({ coveredFrom: NOW - 2 * DAY, backfillDone: false });
    await app.backend.store.addInvalidRecords(38);
    try {
      const text = await ask(app, 'last:7d');
      expect(text).toContain('still downloading Tencent’s call records for the first time');
      expect(text).toMatch(/2 days of 7 days are in so far/);
      expect(text).toContain('38 call records Tencent holds for the last 7 days could not be read');

      const published = app.slack.callsTo('views.publish').length;
      await app.event({ type: 'app_home_opened', user: 'U0PERSON01', channel: 'D0HOME0001', tab: 'home' });
      const calls = await app.slack.waitForCalls('views.publish', { count: published + 1 });
      const footer = textOf(calls[published]?.args.view);
      expect(footer).toContain('Call-record store last synced with Tencent');
      expect(footer).toContain('first download from Tencent still running');
      expect(footer).toContain('38 unreadable Tencent records skipped');
    } finally {
      await app.backend.store.writeSyncState({ coveredFrom: NOW - 40 * DAY, backfillDone: true, invalidRecords: 0 });
    }
  });

  it('says in one sentence that the store is unavailable when it does not answer', async () => {
    const store = app.backend.store;
    const coverage = store.coverage;
    // The database stops answering (as the store reports an outage): every read fails with its typed error.
    store.coverage = () => Promise.reject(new StoreUnavailableError('SQLITE_IOERR: disk I/O error'));
    try {
      const text = await ask(app, 'user:147');
      expect(text).toContain('The call-record store is unavailable right now');
      expect(text).not.toContain('SQLITE');
      expect(app.logs.audits().at(-1)).toMatchObject({ outcome: 'store-unavailable' });
      const health = await fetch(`${app.url}/healthz`);
      expect(health.status).toBe(503);
    } finally {
      store.coverage = coverage;
    }
  });
});

const postgres = storeEngines().find((engine) => engine.name === 'postgres');

describe.skipIf(postgres === undefined)('the app on PostgreSQL (DATABASE_URL)', () => {
  let app: TestApp;
  beforeAll(async () => {
    const location = await (postgres as NonNullable<typeof postgres>).location();
    app = await startTestApp({ env: { DATABASE_URL: location.databaseUrl } });
  });
  afterAll(async () => {
    await app?.close();
  });

  it('fills the store through the sync and answers a user lookup from it, with no Tencent request', async () => {
    const health = (await (await fetch(`${app.url}/healthz`)).json()) as { store: { engine: string } };
    expect(health.store.engine).toBe('postgres');
    const before = app.tencent.stats.requests;
    const user = app.records.at(-1)?.Caller_Account as string;
    const text = await ask(app, `user:${user} last:7d`);
    // The sync's window starts on a whole hour a little inside Tencent's 7 days: what it covers is what is shown.
    const { coveredFrom } = await app.backend.store.coverage();
    const from = Math.max(NOW - 7 * DAY + 60, coveredFrom ?? 0);
    const expected = app.records.filter(
      (r) => r.StartTime >= from && (r.Caller_Account === user || r.CalleeList_Account.includes(user)),
    ).length;
    const shown = Number(/\*([\d,]+) calls?\*/.exec(text)?.[1]?.replace(/,/g, ''));
    expect(Math.abs(shown - expected)).toBeLessThanOrEqual(1);
    expect(app.tencent.stats.requests).toBe(before);
  });
});
