import { parseArgs } from 'node:util';
import type { CallRecordsBackend } from '../backend.js';
import { StoreUnavailableError } from '../calls/call-store.js';
import { displayToken, parseQuery } from '../calls/parse-query.js';
import { STORE_UNAVAILABLE } from '../calls/problem-sentences.js';
import { SearchError } from '../calls/search-errors.js';
import { isValidTimeZone, pinQuery } from '../calls/time-range.js';
import { TencentError } from '../tencent/errors.js';
import { callsUsage, formatCallDetail, formatCallTable } from './format-table.js';
import { type CliCommand, type CliIo, EXIT_FAILED, EXIT_OK, EXIT_USAGE } from './io.js';
import { cliLogger, loadCliConfig, openCliBackend } from './setup.js';

export const DEMO_BANNER =
  'Demo mode: these are generated demo calls, not real Tencent records (set TENCENT_SDKAPPID and TENCENT_SECRET_KEY to search yours).';

interface CallsArgs {
  text: string;
  page: number;
  json: boolean;
  tz?: string;
  help: boolean;
}

function readArgs(argv: string[]) {
  return parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
}

function parseCallsArgs(argv: string[]): CallsArgs | { error: string } {
  let parsed: ReturnType<typeof readArgs>;
  try {
    parsed = readArgs(argv);
  } catch (error) {
    return { error: error instanceof Error ? error.message : String(error) };
  }
  const { values, positionals } = parsed;
  let page = 1;
  if (values.page !== undefined) {
    if (!/^\d{1,6}$/.test(values.page) || Number(values.page) < 1) {
      return { error: `--page must be a whole number from 1, not "${displayToken(values.page)}"` };
    }
    page = Number(values.page);
  }
  return {
    text: positionals.join(' '),
    page,
    json: values.json ?? false,
    ...(values.tz === undefined ? {} : { tz: values.tz }),
    help: values.help ?? false,
  };
}

const OPTIONS = {
  page: { type: 'string' },
  json: { type: 'boolean' },
  tz: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

/**
 * `calls "<query>" [--page N] [--json] [--tz Zone]`: the same grammar as `/calls`. Bad input is refused (exit 2)
 * before anything connects anywhere; Tencent and search failures print one line (exit 1).
 */
export const runCallsCli: CliCommand = async (argv, io) => {
  const args = parseCallsArgs(argv);
  if ('error' in args) {
    io.stderr(`calls: ${args.error}\n\n${callsUsage()}`);
    return EXIT_USAGE;
  }
  const parsed = parseQuery(args.text);
  if (args.help || parsed.kind === 'help') {
    io.stdout(callsUsage());
    return EXIT_OK;
  }
  if (parsed.kind === 'invalid') {
    for (const error of parsed.errors) io.stderr(`calls: ${error.message}`);
    return EXIT_USAGE;
  }

  const config = loadCliConfig(io);
  if (config === undefined) return EXIT_FAILED;
  const timeZone = args.tz ?? config.defaultTimeZone;
  if (!isValidTimeZone(timeZone)) {
    io.stderr(
      `calls: --tz "${displayToken(timeZone)}" is not a time zone: use an IANA name such as Europe/Berlin or UTC`,
    );
    return EXIT_USAGE;
  }
  const now = Math.floor(io.now?.() ?? Date.now() / 1000);
  // Pinning needs no backend: a range older than the store keeps is refused before anything starts.
  const pin =
    parsed.query.callId === undefined
      ? pinQuery(parsed.query, now, timeZone, { retentionDays: config.store.retentionDays })
      : undefined;
  if (pin !== undefined && 'error' in pin) {
    io.stderr(`calls: ${pin.error}`);
    return EXIT_USAGE;
  }

  const logger = cliLogger(io, config);
  let backend: CallRecordsBackend | undefined;
  try {
    // Loaded only now, so that bad input is answered without opening the store or starting the demo server.
    backend = await openCliBackend(io, config, logger);
    if (backend.demo) io.stderr(DEMO_BANNER);

    if (parsed.query.callId !== undefined) {
      const record = await backend.search.getCall(parsed.query.callId);
      if (args.json) io.stdout(JSON.stringify(record, null, 2));
      if (record === null) {
        io.stderr(`No call with CallId ${displayToken(parsed.query.callId)}: neither the store nor Tencent has it.`);
        return EXIT_FAILED;
      }
      if (!args.json) io.stdout(formatCallDetail(record, timeZone));
      return EXIT_OK;
    }

    const { pinned, notices } = pin as Exclude<typeof pin, { error: string } | undefined>;
    const page = await backend.search.searchCalls(pinned, args.page);
    const shown = { ...page, notices: unique([...(parsed.hints ?? []), ...notices, ...page.notices]) };
    io.stdout(args.json ? JSON.stringify(shown, null, 2) : formatCallTable(shown, timeZone));
    return EXIT_OK;
  } catch (error) {
    io.stderr(describeFailure(error));
    return EXIT_FAILED;
  } finally {
    await backend?.close();
  }
};

function unique(lines: string[]): string[] {
  return [...new Set(lines)];
}

/** One line a person can act on; never a stack trace for the failures we expect. */
export function describeFailure(error: unknown): string {
  if (error instanceof SearchError) return `calls: ${error.message}`;
  if (error instanceof StoreUnavailableError) return `calls: ${STORE_UNAVAILABLE}`;
  if (error instanceof TencentError) {
    const requestId = error.details.requestId ? ` (Tencent RequestId ${error.details.requestId})` : '';
    return `calls: Tencent: ${error.message}${requestId}`;
  }
  return `calls: unexpected failure: ${error instanceof Error ? error.message : String(error)}`;
}

export type { CliIo };
