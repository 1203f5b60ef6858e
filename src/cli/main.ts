import { runDemoServerCli } from '../demo/cli.js';
import { runCallbackCli } from './callback.js';
import { runCallsCli } from './calls.js';
import { type CliCommand, type CliIo, EXIT_OK, EXIT_USAGE } from './io.js';
import { runSummaryCli } from './summary.js';
import { runSyncCli } from './sync.js';

export type { CliCommand, CliIo } from './io.js';

/**
 * The subcommands of `tsx src/cli.ts <command>`. To add one, write `src/cli/<name>.ts` exporting a CliCommand
 * and list it here (the npm script is `tsx src/cli.ts <name>`).
 */
export const CLI_COMMANDS: Readonly<Record<string, { description: string; run: CliCommand }>> = {
  calls: {
    description: 'search call records: calls "<query>" [--page N] [--json] [--csv] [--tz Zone]',
    run: runCallsCli,
  },
  summary: {
    description: 'post the daily interrupted-call summary: summary [--date YYYY-MM-DD] [--dry-run]',
    run: runSummaryCli,
  },
  callback: {
    description: "Tencent's end-of-call callback setting: callback show | set <public base URL> [--force] | delete",
    run: runCallbackCli,
  },
  sync: {
    description: 'reconcile the call-record store with Tencent: sync [--once]',
    run: runSyncCli,
  },
  'demo-server': {
    description: 'run the demo Tencent call-record API server: demo-server [--port N] [--seed N] [--latency MS]',
    run: async (argv, io) => {
      try {
        // Keeps running (the server holds the process) until SIGINT/SIGTERM.
        await runDemoServerCli(argv, { print: (line) => io.stdout(line) });
        return EXIT_OK;
      } catch (error) {
        io.stderr(`demo-server: ${error instanceof Error ? error.message : String(error)}`);
        return EXIT_USAGE;
      }
    },
  },
};

export function usage(): string {
  const width = Math.max(...Object.keys(CLI_COMMANDS).map((name) => name.length));
  return [
    'usage: tsx src/cli.ts <command> [arguments]   (or npm run <command> -- [arguments])',
    '',
    ...Object.entries(CLI_COMMANDS).map(([name, command]) => `  ${name.padEnd(width)}  ${command.description}`),
  ].join('\n');
}

/** Runs one subcommand; resolves to the exit code. */
export async function main(argv: string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    (name === undefined ? io.stderr : io.stdout)(usage());
    return name === undefined ? EXIT_USAGE : EXIT_OK;
  }
  const command = Object.hasOwn(CLI_COMMANDS, name) ? CLI_COMMANDS[name] : undefined;
  if (command === undefined) {
    io.stderr(`unknown command "${name.slice(0, 40)}"\n${usage()}`);
    return EXIT_USAGE;
  }
  return command.run(rest, io);
}
