/** How the commands that take only flags (`sync`, `summary`) read them: one refusal and one `--help` for all. */
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { type CliIo, EXIT_OK, EXIT_USAGE } from './io.js';

type ParseArgsOptionsConfig = NonNullable<ParseArgsConfig['options']>;

type Flags<T extends ParseArgsOptionsConfig> = ReturnType<
  typeof parseArgs<{ args: string[]; options: T; allowPositionals: false; strict: true }>
>['values'];

/**
 * A command's flags (it takes no positionals), or its exit code when that is all: a bad flag prints
 * `<command>: <why>` and the usage (exit 2, before anything starts); `--help` prints the usage (exit 0).
 */
export function parseFlags<const T extends ParseArgsOptionsConfig>(
  command: string,
  argv: string[],
  options: T,
  usage: () => string,
  io: CliIo,
): Flags<T> | number {
  let values: Flags<T>;
  try {
    ({ values } = parseArgs({ args: argv, options, allowPositionals: false, strict: true }));
  } catch (error) {
    io.stderr(`${command}: ${error instanceof Error ? error.message : String(error)}\n\n${usage()}`);
    return EXIT_USAGE;
  }
  if ((values as { help?: boolean }).help === true) {
    io.stdout(usage());
    return EXIT_OK;
  }
  return values;
}
