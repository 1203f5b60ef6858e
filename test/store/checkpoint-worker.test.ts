import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type CheckpointReport,
  type CheckpointWorker,
  startCheckpointWorker,
  walSize,
} from '../../src/store/checkpoint-worker.js';
import { sqliteFilePath } from '../../src/store/create-engine.js';
import { aCall } from '../support/call-records.js';
import { sqliteEngine } from '../support/store-engines.js';

const MiB = 1024 * 1024;
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A WAL-mode file whose connection never checkpoints by itself, as the store opens it. */
function walDatabase(): { file: string; db: SQLite.Database } {
  const dir = mkdtempSync(path.join(tmpdir(), 'callkit-checkpoint-'));
  const file = path.join(dir, 'test.sqlite3');
  const db = new SQLite(file);
  db.pragma('journal_mode = WAL');
  db.pragma('wal_autocheckpoint = 0');
  db.exec('create table t (id integer primary key, payload blob)');
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  cleanups.push(() => db.open && db.close());
  return { file, db };
}

function writeMegabytes(db: SQLite.Database, megabytes: number): void {
  const insert = db.prepare('insert into t (payload) values (?)');
  for (let i = 0; i < megabytes * 16; i++) insert.run(Buffer.alloc(64 * 1024, i % 256));
}

/** Starts a worker whose reports can be awaited. */
function watchedWorker(file: string, truncateAboveBytes: number) {
  const reports: CheckpointReport[] = [];
  const errors: Error[] = [];
  const waiters: { test: (report: CheckpointReport) => boolean; resolve: (report: CheckpointReport) => void }[] = [];
  const worker: CheckpointWorker = startCheckpointWorker({
    file,
    intervalMs: 5,
    truncateAboveBytes,
    onError: (error) => errors.push(error),
    onCheckpoint: (report) => {
      reports.push(report);
      for (const waiter of waiters.splice(0)) {
        if (waiter.test(report)) waiter.resolve(report);
        else waiters.push(waiter);
      }
    },
  });
  cleanups.push(() => worker.stop());
  const next = (test: (report: CheckpointReport) => boolean = () => true) =>
    new Promise<CheckpointReport>((resolve) => waiters.push({ test, resolve }));
  return { worker, reports, errors, next };
}

describe('SQLite checkpoint worker', () => {
  it('moves every committed page into the database file without the writer checkpointing', async () => {
    const { file, db } = walDatabase();
    const { next, errors } = watchedWorker(file, 1024 * MiB);
    writeMegabytes(db, 2);
    const report = await next((r) => r.walFrames > 0 && r.checkpointed === r.walFrames);
    expect(report.mode).toBe('PASSIVE');
    // A reader of the database file alone (no WAL) sees every row.
    db.close();
    rmSync(`${file}-wal`, { force: true });
    rmSync(`${file}-shm`, { force: true });
    const reader = new SQLite(file, { readonly: true });
    expect(reader.prepare('select count(*) as n from t').get()).toEqual({ n: 32 });
    reader.close();
    expect(errors).toEqual([]);
  });

  it('keeps the WAL file under its bound: a larger WAL is truncated', async () => {
    const { file, db } = walDatabase();
    const { next, errors } = watchedWorker(file, 1 * MiB);
    writeMegabytes(db, 4);
    expect(walSize(file)).toBeGreaterThan(4 * MiB);
    const truncated = await next((r) => r.mode === 'TRUNCATE');
    expect(truncated.walBytes).toBe(0);
    expect(walSize(file)).toBeLessThanOrEqual(1 * MiB);
    expect(db.prepare('select count(*) as n from t').get()).toEqual({ n: 64 });
    expect(errors).toEqual([]);
  });

  it('keeps going after the app connection closes, and stops when asked', async () => {
    const { file, db } = walDatabase();
    const { worker, next, errors, reports } = watchedWorker(file, 1024 * MiB);
    writeMegabytes(db, 1);
    db.close();
    await next();
    await next();
    await worker.stop();
    const count = reports.length;
    // Stopped: its connection is closed, so a new connection that closes is the last one and removes the WAL.
    const last = new SQLite(file);
    last.close();
    expect(existsSync(`${file}-wal`)).toBe(false);
    expect(reports.length).toBe(count);
    expect(errors).toEqual([]);
  });
});

describe('the embedded store with its checkpoint worker', () => {
  it('closes cleanly: the WAL is folded into the file and removed, and every call is there on reopening', async () => {
    const engine = sqliteEngine();
    const at = await engine.location();
    const store = await engine.open({ at });
    const calls = Array.from({ length: 1200 }, () => aCall());
    await store.upsertCalls(calls);
    await store.close();
    expect(existsSync(`${sqliteFilePath(at.dataDir)}-wal`)).toBe(false);
    const reopened = await engine.open({ at });
    const last = calls[calls.length - 1];
    expect(await reopened.getCall(last?.callId as string)).toEqual(last);
  });
});
