import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { type Config, ConfigError, loadConfig, loadDotEnv } from '../config/index.js';
import { createLogger, type Logger } from '../shared/logger.js';
import type { CallRecordsBackend } from '../wiring/backend.js';
import type { CliIo } from './io.js';

/** The configuration, `.env` first; undefined once its problems are printed (the command then exits 1). */
export function loadCliConfig(io: CliIo): Config | undefined {
  if (io.dotEnvPath !== false) loadDotEnv(io.dotEnvPath ?? '.env');
  try {
    return loadConfig(io.env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    io.stderr(error.message);
    return undefined;
  }
}

/** JSON logs on stderr, so stdout holds only the command's output; warn level unless LOG_LEVEL is set. */
export function cliLogger(io: CliIo, config: Config): Logger {
  return (
    io.logger ??
    createLogger(
      { level: io.env.LOG_LEVEL ? config.logLevel : 'warn', name: 'callkit-cli' },
      pino.destination({ dest: 2, sync: true }),
    )
  );
}

/**
 * The backend a command reads the store through. Live mode reads the store as the app's sync keeps it. Demo mode
 * (with the embedded store) fills a fresh store in a temporary DATA_DIR from the demo API server through one sync
 * pass first, so `npm run calls` works with no configuration and never touches a running app's store; the folder
 * is removed on close.
 */
export async function openCliBackend(io: CliIo, config: Config, logger: Logger): Promise<CallRecordsBackend> {
  const createBackend = io.createBackend ?? (await import('../wiring/backend.js')).createCallRecordsBackend;
  const demo = config.tencent.mode === 'demo';
  if (!demo) return createBackend(config, { logger, sync: 'off' });
  const temporary =
    config.store.databaseUrl === undefined ? mkdtempSync(path.join(tmpdir(), 'callkit-cli-')) : undefined;
  const remove = () => {
    if (temporary !== undefined) rmSync(temporary, { recursive: true, force: true });
  };
  let backend: CallRecordsBackend;
  try {
    backend = await createBackend(
      temporary === undefined ? config : { ...config, store: { ...config.store, dataDir: temporary } },
      // The CLI's clock (a test pins it) is the demo data's too: the same seed at the same time, the same calls.
      { logger, sync: 'once', ...(io.now === undefined ? {} : { now: io.now }) },
    );
  } catch (error) {
    remove();
    throw error;
  }
  const close = backend.close.bind(backend);
  return {
    ...backend,
    async close() {
      try {
        await close();
      } finally {
        remove();
      }
    },
  };
}
