import { pino } from 'pino';
import type { CliIo } from '../../src/cli/io.js';
import { main } from '../../src/cli/main.js';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs the CLI in-process with its output captured: no `.env`, no environment, a silent logger, so it is the
 * demo mode a fresh clone meets unless `overrides.env` says otherwise.
 */
export async function runCli(
  argv: string[],
  overrides: Partial<CliIo> = {},
  command: (argv: string[], io: CliIo) => Promise<number> = main,
): Promise<CliRun> {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const code = await command(argv, {
    stdout: (text) => stdout.push(text),
    stderr: (text) => stderr.push(text),
    env: {},
    dotEnvPath: false,
    logger: pino({ level: 'silent' }),
    ...overrides,
  });
  return { code, stdout: stdout.join('\n'), stderr: stderr.join('\n') };
}
