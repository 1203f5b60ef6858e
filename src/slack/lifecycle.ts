/**
 * The process around the app: the start-up guide when Slack credentials are missing, and the signal and
 * failure handlers (SIGTERM/SIGINT stop gracefully; an unhandled rejection is logged, never fatal).
 */
import type { Logger } from '../shared/logger.js';

/** What `npm start` prints, then exits non-zero, when the Slack credentials are missing. */
export function missingCredentialsGuide(problems: readonly string[]): string {
  return [
    'callkit-slack cannot start the Slack app yet:',
    ...problems.map((problem) => `  - ${problem}`),
    '',
    'To set it up:',
    '  1. Create the Slack app from manifest.yml: https://api.slack.com/apps → Create New App → From a manifest,',
    '     pick the workspace, paste manifest.yml, then Install to Workspace.',
    '  2. Set these (in the environment, or in a .env file next to package.json):',
    '       SLACK_BOT_TOKEN       Bot User OAuth Token (xoxb-…), under OAuth & Permissions',
    '     and, for Socket Mode (no public URL needed):',
    '       SLACK_APP_TOKEN       Basic Information → App-Level Tokens → Generate, scope connections:write (xapp-…)',
    '     or, for HTTP mode (Slack calls https://YOUR-HOST/slack/events):',
    '       SLACK_SIGNING_SECRET  Basic Information → App Credentials → Signing Secret',
    '',
    'Socket Mode is the quickest way to try it: turn it on under Settings → Socket Mode, set SLACK_BOT_TOKEN and',
    'SLACK_APP_TOKEN, and run npm start on any machine.',
    '',
    'To try the search without Slack at all (demo data, no configuration): npm run calls -- "yesterday"',
  ].join('\n');
}

export interface ShutdownOptions {
  /** The graceful stop (RunningApp.stop). */
  stop: () => Promise<void>;
  logger: Logger;
  /** Default process.exit. */
  exit?: (code: number) => void;
  /**
   * The process exits (1) this long after the first signal even if the graceful stop has not finished: a stop
   * that hangs must not keep the process alive until the platform kills it. Default SHUTDOWN_DEADLINE_MS.
   */
  deadlineMs?: number;
}

/**
 * Above the stop's own grace period for requests in flight (25 s) plus telling those still running that the app
 * restarted (2.5 s), below the usual 30 s before the platform's SIGKILL.
 */
export const SHUTDOWN_DEADLINE_MS = 29_000;

/** Logging is best effort here: a failing log write (a closed pipe) must never stop the shutdown. */
function tryLog(write: () => void): void {
  try {
    write();
  } catch {
    // Nothing to do: there is nowhere left to report it.
  }
}

/**
 * The handler for SIGTERM/SIGINT: the first call stops the app gracefully and exits with `exitCode` (default 0;
 * 1 if the stop failed); a second call while stopping exits 1 at once.
 */
export function createShutdownHandler(options: ShutdownOptions): (signal: string, exitCode?: number) => Promise<void> {
  const exit = options.exit ?? ((code: number) => process.exit(code));
  let stopping = false;
  return async (signal, exitCode = 0) => {
    if (stopping) {
      tryLog(() => options.logger.warn({ signal }, 'second signal while stopping: exiting now'));
      exit(1);
      return;
    }
    stopping = true;
    const deadline = setTimeout(() => {
      tryLog(() => options.logger.error({ signal }, 'graceful stop did not finish in time: exiting now'));
      exit(1);
    }, options.deadlineMs ?? SHUTDOWN_DEADLINE_MS);
    deadline.unref();
    let code = exitCode;
    try {
      tryLog(() => options.logger.info({ signal }, 'signal received: shutting down'));
      await options.stop();
    } catch (error) {
      tryLog(() => options.logger.error({ err: error }, 'shutdown failed'));
      code = 1;
    } finally {
      clearTimeout(deadline);
      tryLog(() => options.logger.flush());
      exit(code);
    }
  };
}

/** Installs the signal handlers and the last-resort failure handlers on `process`. */
export function installProcessHandlers(
  onSignal: (signal: string, exitCode?: number) => Promise<void>,
  logger: Logger,
): void {
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.on(signal, () => void onSignal(signal));
  }
  // A closed stdout/stderr (EPIPE) is no reason to stop, let alone to fail the shutdown: the writes are dropped.
  for (const stream of [process.stdout, process.stderr]) stream.on('error', () => {});
  logger.info('ready: SIGTERM/SIGINT stop gracefully');
  // One request's failure must never take down the others.
  process.on('unhandledRejection', (reason) => {
    logger.error({ err: reason }, 'unhandled promise rejection (ignored)');
  });
  // The process state is unknown after an uncaught exception: log it and stop gracefully; the platform restarts us.
  process.on('uncaughtException', (error) => {
    logger.fatal({ err: error }, 'uncaught exception: stopping');
    void onSignal('uncaughtException', 1);
  });
}
