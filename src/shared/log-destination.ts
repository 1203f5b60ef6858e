/**
 * Where the JSON log lines go: written synchronously to a file descriptor (stdout), and never in the way of the
 * process. Once the other end is gone (EPIPE: a dead log shipper or parent; EBADF) lines are dropped instead of
 * thrown or retried: pino's buffered stream would otherwise try to flush them at exit for ever, and shutdown must
 * never depend on a log write succeeding.
 */
import { writeSync } from 'node:fs';

/** A full pipe (the reader is slow): a few short waits, then the line is dropped rather than the process held. */
const BUSY_RETRIES = 20;
const BUSY_WAIT_MS = 5;

export interface LogDestination {
  write(line: string): void;
  /** True once a write failed for good; later lines are dropped. */
  readonly broken: boolean;
}

export function createLogDestination(fd = 1, write: typeof writeSync = writeSync): LogDestination {
  let broken = false;
  const pause = new Int32Array(new SharedArrayBuffer(4));
  return {
    get broken() {
      return broken;
    },
    write(line: string) {
      if (broken) return;
      let rest = Buffer.from(line, 'utf8');
      let busy = 0;
      while (rest.length > 0) {
        try {
          rest = rest.subarray(write(fd, rest));
        } catch (error) {
          const code = (error as { code?: unknown }).code;
          if ((code === 'EAGAIN' || code === 'EBUSY') && busy < BUSY_RETRIES) {
            busy += 1;
            Atomics.wait(pause, 0, 0, BUSY_WAIT_MS);
            continue;
          }
          if (code !== 'EAGAIN' && code !== 'EBUSY') broken = true;
          return;
        }
      }
    },
  };
}
