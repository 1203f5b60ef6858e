/**
 * Records no real call could produce (impossible times, a NUL in an ID), through the REAL app on each store engine:
 * from the callback and from the sync, they are refused and counted, and every search around them still works.
 */

import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { collectDailySummary } from '../../src/calls/daily-summary.js';
import type { WireCallRecord } from '../../src/calls/records.js';
import { dayBounds, todayIn } from '../../src/calls/time-range.js';
import { END_CALL_COMMAND } from '../../src/tencent/callback-request.js';
import { buttonsOf } from '../support/block-kit.js';
import { anyCall } from '../support/call-records.js';
import { type StoreLocation, storeEngines } from '../support/store-engines.js';
import { startTestApp, type TestApp, textOf } from '../support/test-app.js';

const TOKEN = 'HostileCallbackToken_0123456789';
const NOW = Math.floor(Date.now() / 1000);

function envFor(location: StoreLocation): Record<string, string> {
  return { DATA_DIR: location.dataDir, ...(location.databaseUrl ? { DATABASE_URL: location.databaseUrl } : {}) };
}

function wire(callId: string, patch: Partial<Record<keyof WireCallRecord, unknown>> = {}) {
  return {
    CallId: callId,
    Caller_Account: 'u1',
    MediaType: 'Audio',
    CallType: 'SingleCall',
    StartTime: NOW - 120,
    EndTime: NOW - 5,
    AcceptTime: NOW - 110,
    CallResult: 'NormalEnd',
    CalleeList_Account: ['u1', 'u2'],
    RoomId: 'r-1',
    RoomIdType: 2,
    ...patch,
  };
}

async function postCallback(app: TestApp, record: object): Promise<number> {
  const query = `SdkAppid=${app.tencent.sdkAppId}&CallbackCommand=${END_CALL_COMMAND}&contenttype=json`;
  const response = await fetch(`${app.url}/tencent/callback/${TOKEN}?${query}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ CallbackCommand: END_CALL_COMMAND, CallRecord: record, EventTime: NOW * 1000 }),
  });
  await response.text();
  return response.status;
}

async function health(app: TestApp): Promise<{ store: { invalidRecords?: number } }> {
  return (await (await fetch(`${app.url}/healthz`)).json()) as { store: { invalidRecords?: number } };
}

async function search(app: TestApp, text: string): Promise<string> {
  const sent = await app.command(text);
  return textOf(await app.reply(sent.responseId));
}

/** Searches, clicks Export CSV and returns the uploaded file's rows (header included). */
async function exportRows(app: TestApp, text: string): Promise<string[][]> {
  const sent = await app.command(text);
  const reply = await app.reply(sent.responseId);
  const button = buttonsOf(reply).find((b) => b.action_id === 'calls_export_csv');
  if (button === undefined) throw new Error(`no Export CSV button: ${textOf(reply)}`);
  const uploadsBefore = app.slack.uploads.length;
  const click = await app.click({ actionId: 'calls_export_csv', value: button.value ?? '' });
  expect(textOf(await app.reply(click.responseId))).toMatch(/Sent to your DM/);
  const upload = app.slack.uploads[uploadsBefore];
  if (upload === undefined) throw new Error('nothing uploaded');
  return parse(upload.bytes.toString('utf8'), { bom: true }) as string[][];
}

describe.each(storeEngines())('hostile records on the $name store', (engine) => {
  it('callbacks: impossible times and NUL IDs get a 400 and are counted; the calls sent beside them are stored', async () => {
    const app = await startTestApp({
      sync: 'off',
      env: { TENCENT_CALLBACK_TOKEN: TOKEN, ...envFor(await engine.location()) },
    });
    try {
      // The store vouches for the last 30 days, so searches read it (as after a finished backfill).
      await app.backend.store.writeSyncState({ coveredFrom: NOW - 30 * 86_400, backfillDone: true, lastSyncAt: NOW });
      const hostile = [
        wire('bad-accept', { AcceptTime: 1e20 }),
        wire('bad-end', { EndTime: 9e15 }),
        wire('bad-room', { RoomId: 'room\u0000x' }),
        wire('bad-order', { EndTime: NOW - 200, AcceptTime: 0 }),
      ];
      const good = Array.from({ length: 60 }, (_, i) => wire(`good-${i}`, { StartTime: NOW - 120 - i }));
      // All at once, so the bad ones would share a group-commit batch with good ones.
      const statuses = await Promise.all(
        [...good.slice(0, 30), ...hostile, ...good.slice(30)].map((r) => postCallback(app, r)),
      );
      expect(statuses.filter((s) => s === 200)).toHaveLength(60);
      expect(statuses.filter((s) => s === 400)).toHaveLength(4);
      expect(app.realtime.callback?.stats.rejected['invalid-record']).toBe(4);
      expect(await app.backend.store.countCalls(anyCall())).toBe(60);
      expect((await health(app)).store.invalidRecords).toBe(4);

      for (const text of ['user:u1', 'last:1h', 'last:3d']) {
        const shown = await search(app, text);
        expect(shown).not.toContain('Something went wrong');
        expect(shown).toContain('good-0');
        expect(shown).not.toMatch(/\d{5,}h/);
      }
      expect(await exportRows(app, 'user:u1 last:3d')).toHaveLength(61);
    } finally {
      await app.close();
    }
  });

  it('the sync: 3,000 records with one impossible time and one NUL in every 500 store every valid record', async () => {
    let hostile = 0;
    const app = await startTestApp({
      env: envFor(await engine.location()),
      dataset: { seed: 17, now: NOW, days: 3, callsPerDay: 1_000 },
      records: (generated) =>
        generated.map((record, i) => {
          const patch =
            i % 500 === 7 ? { AcceptTime: 1e20 } : i % 500 === 257 ? { RoomId: `room\u0000${i}` } : undefined;
          if (patch === undefined) return record;
          hostile++;
          return { ...record, ...patch };
        }),
    });
    try {
      expect(app.tencent.records).toHaveLength(3_000);
      expect(hostile).toBe(12);
      const valid = app.tencent.records.filter((r) => r.AcceptTime !== 1e20 && !r.RoomId.includes('\u0000'));
      expect(await app.backend.store.countCalls(anyCall())).toBe(valid.length);
      const state = await app.backend.store.readSyncState();
      expect(state.lastSyncAt).not.toBeNull();
      expect((await health(app)).store.invalidRecords).toBe(12);

      for (const text of ['last:1h', 'last:3d', `user:${valid[0]?.Caller_Account}`]) {
        const shown = await search(app, text);
        expect(shown).not.toContain('Something went wrong');
        expect(shown).not.toContain('No calls found');
      }
      const caller = valid[0]?.Caller_Account ?? '';
      const rows = await exportRows(app, `user:${caller} last:7d`);
      const expected = valid.filter((r) => r.Caller_Account === caller || r.CalleeList_Account.includes(caller));
      expect(rows).toHaveLength(expected.length + 1);

      // The daily summary of yesterday (UTC) counts exactly the valid calls that started in it.
      const yesterday = todayIn('UTC', NOW - 86_400);
      const { from, to } = dayBounds(yesterday, 'UTC');
      const summary = await collectDailySummary(app.backend.store, { date: yesterday, timeZone: 'UTC' }, { now: NOW });
      const startedThatDay = valid.filter((r) => r.StartTime >= from && r.StartTime < to);
      expect(startedThatDay.length).toBeGreaterThan(0);
      expect(summary.totalCalls).toBe(startedThatDay.length);
      expect(summary.dropped).toBe(
        startedThatDay.filter((r) => r.CallResult === 'Interrupt' || r.CallResult === 'Offline').length,
      );
    } finally {
      await app.close();
    }
  });
});
