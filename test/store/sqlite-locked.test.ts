/**
 * A locked SQLite file (an operator's sqlite3 shell inside BEGIN IMMEDIATE, a VACUUM) must not freeze the process:
 * better-sqlite3 waits for a lock synchronously, so the app's writes wait with timers instead. While a second real
 * connection holds the write lock, a callback waits for it, and meanwhile `/calls help` is acknowledged and answered
 * and `/healthz` answers; once the lock is released the callback is stored and answered 200.
 */
import SQLite from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sqliteFilePath } from '../../src/store/create-engine.js';
import { END_CALL_COMMAND } from '../../src/tencent/callback-request.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { waitFor } from '../support/wait.js';

const TOKEN = 'LockedFileToken_0123456789';
const NOW = Math.floor(Date.now() / 1000);

function callbackBody(callId: string): string {
  return JSON.stringify({
    CallbackCommand: END_CALL_COMMAND,
    CallRecord: {
      CallId: callId,
      Caller_Account: '31337',
      MediaType: 'Audio',
      CallType: 'SingleCall',
      StartTime: NOW - 120,
      EndTime: NOW - 5,
      AcceptTime: NOW - 110,
      CallResult: 'Interrupt',
      CalleeList_Account: ['31337', '42'],
      RoomId: 'r-1',
      RoomIdType: 2,
    },
    EventTime: NOW * 1000,
  });
}

describe('a SQLite file locked by another connection', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp({ sync: 'off', env: { TENCENT_CALLBACK_TOKEN: TOKEN } });
  });
  afterAll(() => app.close());

  it('keeps answering Slack and /healthz while a callback waits for the lock, then stores the callback', async () => {
    const operator = new SQLite(sqliteFilePath(app.config.store.dataDir));
    let locked = true;
    try {
      operator.exec('begin immediate');
      const query = `SdkAppid=${app.tencent.sdkAppId}&CallbackCommand=${END_CALL_COMMAND}&contenttype=json`;
      let callbackSettled = false;
      const callback = fetch(`${app.url}/tencent/callback/${TOKEN}?${query}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: callbackBody('locked-file-call'),
      }).then(async (response) => {
        callbackSettled = true;
        return { status: response.status, lockedWhenAnswered: locked };
      });
      // The callback's write has found the file locked and is waiting for it.
      await waitFor(() => app.logs.text().includes('locked by another connection'));

      const help = await app.command('help');
      expect(help.http.status).toBe(200);
      const health = await fetch(`${app.url}/healthz`);
      expect(health.status).toBe(200);
      // Both were answered while the callback still waited on the lock (nothing was frozen for the busy timeout).
      expect(callbackSettled).toBe(false);
      expect(await app.backend.store.getCall('locked-file-call')).toBeNull();

      operator.exec('rollback');
      locked = false;
      expect(await callback).toEqual({ status: 200, lockedWhenAnswered: false });
      expect(await app.backend.store.getCall('locked-file-call')).toMatchObject({ result: 'Interrupt' });
    } finally {
      if (locked) operator.exec('rollback');
      operator.close();
    }
  });

  it('lets a watch DM claim wait for the lock instead of failing, and claims once it is released', async () => {
    const operator = new SQLite(sqliteFilePath(app.config.store.dataDir));
    let locked = true;
    try {
      operator.exec('begin immediate');
      let settled = false;
      const claim = app.realtime.watchStore.claimDelivery('w-locked', 'call-locked', NOW).finally(() => {
        settled = true;
      });
      // Reads go on meanwhile, and the claim is still waiting.
      expect(await app.backend.store.getCall('no-such-call')).toBeNull();
      await new Promise((resolve) => setImmediate(resolve));
      expect(settled).toBe(false);
      operator.exec('rollback');
      locked = false;
      expect(await claim).toBe(true);
      expect(await app.realtime.watchStore.claimDelivery('w-locked', 'call-locked', NOW)).toBe(false);
    } finally {
      if (locked) operator.exec('rollback');
      operator.close();
    }
  });
});
