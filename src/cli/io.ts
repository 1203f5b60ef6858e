import type { Logger } from '../shared/logger.js';
import type { createCallRecordsBackend } from '../wiring/backend.js';

/** What a CLI command may touch, injected so tests run commands in-process. */
export interface CliIo {
  /** Writes text to standard output (the caller adds line ends). */
  stdout(text: string): void;
  stderr(text: string): void;
  env: NodeJS.ProcessEnv;
  /** Unix seconds; default the real clock. */
  now?: () => number;
  /** `.env` file loaded into process.env first; false to skip (tests). Default `.env`. */
  dotEnvPath?: string | false;
  /** Default: the real backend (demo server or Tencent). */
  createBackend?: typeof createCallRecordsBackend;
  /** Default: JSON logs on stderr at warn level (LOG_LEVEL when set), so stdout stays clean. */
  logger?: Logger;
  /** A terminal to draw progress bars on (stderr when it is a TTY); absent: progress is printed as plain lines. */
  terminal?: NodeJS.WriteStream;
}

/** A subcommand: resolves to the process exit code (0 ok, 1 failed, 2 bad usage or input). */
export type CliCommand = (argv: string[], io: CliIo) => Promise<number>;

export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;
