import { pino } from 'pino';
import { type Config, ConfigError, loadConfig, loadDotEnv } from '../config.js';
import { createLogger, type Logger } from '../logger.js';
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
