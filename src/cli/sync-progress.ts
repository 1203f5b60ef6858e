/**
 * How `npm run sync` shows a pass that compares every hour: a bar on a terminal (hours done of the window, records,
 * requests), plain lines otherwise (logs, CI, a scheduler), at most one per 10% of the window or 10 seconds.
 */
import cliProgress from 'cli-progress';
import type { SyncProgress } from '../sync/sync-pass.js';

export interface ProgressView {
  update(progress: SyncProgress): void;
  /** Removes the bar (or prints nothing more); safe to call twice. */
  stop(): void;
}

const LINE_EVERY_MS = 10_000;

export function progressView(print: (line: string) => void, terminal?: NodeJS.WriteStream): ProgressView {
  return terminal === undefined ? progressLines(print) : progressBar(terminal);
}

function progressBar(terminal: NodeJS.WriteStream): ProgressView {
  const bar = new cliProgress.SingleBar(
    {
      stream: terminal,
      format: '{kind} [{bar}] {value}/{total} hours | {records} records | {requests} requests | {duration_formatted}',
      hideCursor: true,
      clearOnComplete: false,
      etaBuffer: 20,
    },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    update(progress) {
      const payload = {
        kind: progress.kind,
        records: progress.records.toLocaleString('en-US'),
        requests: progress.requests.toLocaleString('en-US'),
      };
      if (!started) {
        bar.start(progress.hoursTotal, progress.hoursDone, payload);
        started = true;
      } else {
        bar.update(progress.hoursDone, payload);
      }
    },
    stop() {
      if (started) bar.stop();
      started = false;
    },
  };
}

function progressLines(print: (line: string) => void): ProgressView {
  let lastHours = -1;
  let lastAt = 0;
  return {
    update(progress) {
      const step = Math.max(1, Math.ceil(progress.hoursTotal / 10));
      const finished = progress.hoursDone === progress.hoursTotal;
      const due =
        progress.hoursDone !== lastHours &&
        (finished || progress.hoursDone >= lastHours + step || Date.now() - lastAt >= LINE_EVERY_MS);
      if (!due) return;
      lastHours = progress.hoursDone;
      lastAt = Date.now();
      print(
        `${progress.kind}: ${progress.hoursDone}/${progress.hoursTotal} hours, ` +
          `${progress.records.toLocaleString('en-US')} records, ${progress.requests.toLocaleString('en-US')} requests`,
      );
    },
    stop() {},
  };
}
