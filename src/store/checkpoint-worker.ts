/**
 * WAL checkpoints for the embedded store, run by a worker thread on its own connection. better-sqlite3 is
 * synchronous, so a checkpoint run by the app's connection (SQLite's automatic one, after a commit) stops the whole
 * event loop while it copies pages and syncs the file: the callback's p99 was those pauses. The app's connection
 * turns the automatic checkpoint off (`wal_autocheckpoint = 0`) and this worker runs PASSIVE checkpoints, which never
 * wait for or block a writer. Should the WAL still outgrow `truncateAboveBytes` (a long reader kept a passive
 * checkpoint from finishing), the worker runs a TRUNCATE checkpoint, which waits for the writer: rare, and bounded.
 * See docs/store.md, "Checkpoints".
 */
import { existsSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

export interface CheckpointWorkerOptions {
  /** The SQLite file (its WAL is `<file>-wal`). */
  file: string;
  /** Time between checkpoints. Default 500 ms. */
  intervalMs?: number;
  /** A WAL file larger than this after a passive checkpoint gets a TRUNCATE checkpoint. Default 64 MiB. */
  truncateAboveBytes?: number;
  /** A checkpoint that failed (the worker keeps going). */
  onError?: (error: Error) => void;
  /** After each checkpoint (tests). */
  onCheckpoint?: (report: CheckpointReport) => void;
}

export interface CheckpointReport {
  mode: 'PASSIVE' | 'TRUNCATE';
  /** Frames in the WAL, and how many of them are now in the database file. */
  walFrames: number;
  checkpointed: number;
  /** The WAL file's size after the checkpoint, in bytes. */
  walBytes: number;
}

export interface CheckpointWorker {
  /** Runs one more checkpoint, then closes the worker's connection and ends the thread. */
  stop(): Promise<void>;
}

export const CHECKPOINT_INTERVAL_MS = 500;
export const WAL_TRUNCATE_ABOVE_BYTES = 64 * 1024 * 1024;

// CommonJS run with `eval`, so the same code works under tsx, Vitest and the built app (no .ts file to load).
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const fs = require('node:fs');
const Database = require(workerData.driver);
const db = new Database(workerData.file, { fileMustExist: true });
db.pragma('busy_timeout = ' + workerData.busyTimeoutMs);
const walFile = workerData.file + '-wal';
const walBytes = () => { try { return fs.statSync(walFile).size; } catch { return 0; } };
let timer;
let stopped = false;
function checkpoint(mode) {
  const [row] = db.pragma('wal_checkpoint(' + mode + ')');
  parentPort.postMessage({ type: 'checkpoint', report: { mode, walFrames: row.log, checkpointed: row.checkpointed, walBytes: walBytes() } });
}
function tick() {
  try {
    checkpoint('PASSIVE');
    if (walBytes() > workerData.truncateAboveBytes) checkpoint('TRUNCATE');
  } catch (error) {
    parentPort.postMessage({ type: 'error', message: error.message, code: error.code });
  }
  if (!stopped) timer = setTimeout(tick, workerData.intervalMs);
}
parentPort.on('message', (message) => {
  if (message !== 'stop') return;
  stopped = true;
  clearTimeout(timer);
  try { checkpoint('PASSIVE'); } catch {}
  db.close();
  parentPort.close();
});
timer = setTimeout(tick, workerData.intervalMs);
`;

export function startCheckpointWorker(options: CheckpointWorkerOptions): CheckpointWorker {
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: {
      file: options.file,
      driver: createRequire(import.meta.url).resolve('better-sqlite3'),
      intervalMs: options.intervalMs ?? CHECKPOINT_INTERVAL_MS,
      truncateAboveBytes: options.truncateAboveBytes ?? WAL_TRUNCATE_ABOVE_BYTES,
      busyTimeoutMs: 5_000,
    },
  });
  // Never what keeps the process alive: a store that is not closed must not hang the exit.
  worker.unref();
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  worker.on('message', (message: WorkerMessage) => {
    if (message.type === 'checkpoint') options.onCheckpoint?.(message.report);
    else options.onError?.(Object.assign(new Error(message.message), { code: message.code }));
  });
  worker.on('error', (error) => options.onError?.(error));
  let stopping: Promise<void> | undefined;
  return {
    stop() {
      stopping ??= (async () => {
        // Kept alive until it has closed its connection (else a process ending here would exit mid-wait).
        worker.ref();
        worker.postMessage('stop');
        await exited;
      })();
      return stopping;
    },
  };
}

type WorkerMessage =
  | { type: 'checkpoint'; report: CheckpointReport }
  | { type: 'error'; message: string; code?: string };

/** The WAL file's size in bytes (0 when there is none). */
export function walSize(file: string): number {
  const wal = `${file}-wal`;
  return existsSync(wal) ? statSync(wal).size : 0;
}
