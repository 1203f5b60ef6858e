import { createLogger, type Logger } from '../../src/shared/logger.js';

/** The app's real pino logger (with its redaction), writing JSON lines into memory instead of stdout. */
export interface LogCapture {
  logger: Logger;
  /** Raw JSON lines, as they would reach stdout. */
  lines: string[];
  /** Parsed lines. */
  entries(): Array<Record<string, unknown>>;
  /** Parsed lines with `audit: 'query'`. */
  audits(): Array<Record<string, unknown>>;
  /** Everything logged, as one string (for "no secret anywhere" asserts). */
  text(): string;
}

export function captureLogs(level = 'debug'): LogCapture {
  const lines: string[] = [];
  const logger = createLogger({ level, name: 'test' }, { write: (line: string) => void lines.push(line) });
  const entries = () => lines.map((line) => JSON.parse(line) as Record<string, unknown>);
  return {
    logger,
    lines,
    entries,
    audits: () => entries().filter((entry) => entry.audit === 'query'),
    text: () => lines.join(''),
  };
}
