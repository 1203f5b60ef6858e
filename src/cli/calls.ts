import { parseArgs } from 'node:util';
import { noEventsNotice, someLackEvents } from '../calls/call-cause.js';
import type { CallEvent } from '../calls/call-events.js';
import { StoreUnavailableError } from '../calls/call-store.js';
import { exportCalls } from '../calls/export-calls.js';
import { parseQuery } from '../calls/parse-query.js';
import { STORE_UNAVAILABLE } from '../calls/problem-sentences.js';
import { displayToken } from '../calls/query-limits.js';
import type { CallRecord } from '../calls/records.js';
import { resolveNames } from '../calls/resolve-names.js';
import { SearchError } from '../calls/search-errors.js';
import { TencentError } from '../calls/source-errors.js';
import { isValidTimeZone, pinQuery } from '../calls/time-range.js';
import { NO_NAMES, type UserNames, usersOf } from '../calls/user-names.js';
import type { Logger } from '../shared/logger.js';
import type { CallRecordsBackend } from '../wiring/backend.js';
import { callsUsage, formatCallDetail, formatCallTable } from './format-table.js';
import { type CliCommand, type CliIo, EXIT_FAILED, EXIT_OK, EXIT_USAGE } from './io.js';
import { cliLogger, loadCliConfig, openCliBackend } from './setup.js';

export const DEMO_BANNER =
  'Demo mode: these are generated demo calls, not real Tencent records (set TENCENT_SDKAPPID and TENCENT_SECRET_KEY to search yours).';

interface CallsArgs {
  text: string;
  page: number;
  json: boolean;
  csv: boolean;
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
    csv: values.csv ?? false,
    ...(values.tz === undefined ? {} : { tz: values.tz }),
    help: values.help ?? false,
  };
}

const OPTIONS = {
  page: { type: 'string' },
  json: { type: 'boolean' },
  csv: { type: 'boolean' },
  tz: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

/**
 * `calls "<query>" [--page N] [--json] [--csv] [--tz Zone]`: the same grammar as `/calls`. Bad input is refused
 * (exit 2) before anything connects anywhere; Tencent and search failures print one line (exit 1). `--csv` prints
 * every call of the search as the CSV file "Export CSV" sends.
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
  if (args.csv && (args.json || parsed.query.callId !== undefined)) {
    io.stderr('calls: --csv exports a search: give a query without id:, and not --json as well');
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
  // Pinning needs no backend: a range older than the store keeps is refused before anything starts (the names,
  // which need the store, are looked up once it is open).
  const pinOptions = { retentionDays: config.store.retentionDays };
  const early =
    parsed.query.callId === undefined ? pinQuery({ ...parsed.query, names: [] }, now, timeZone, pinOptions) : undefined;
  if (early !== undefined && 'error' in early) {
    io.stderr(`calls: ${early.error}`);
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
      if (!args.json) {
        const events = await eventsFor(backend, [record], logger);
        const names = await namesFor(backend, [record], logger);
        io.stdout(formatCallDetail(record, timeZone, names, events?.get(record.callId) ?? (events && [])));
      }
      return EXIT_OK;
    }

    const resolved = await resolveNames(parsed.query, backend.names);
    if (!resolved.ok) {
      io.stderr(`calls: ${resolved.message}`);
      return EXIT_FAILED;
    }
    const pin = pinQuery(resolved.query, now, timeZone, pinOptions);
    if ('error' in pin) {
      io.stderr(`calls: ${pin.error}`);
      return EXIT_USAGE;
    }
    const { pinned, notices } = pin;
    if (args.csv) {
      const file = await exportCalls(backend.store, backend.names, pinned, { timeZone, events: backend.store });
      for (const notice of resolved.notices) io.stderr(notice);
      io.stderr(file.summary);
      // The file ends with CRLF; io.stdout adds the LF, so what is printed is exactly the file.
      io.stdout(file.csv.slice(0, -1));
      return EXIT_OK;
    }
    const page = await backend.search.searchCalls(pinned, args.page);
    const events = args.json ? undefined : await eventsFor(backend, page.records, logger);
    const lacking = events !== undefined && someLackEvents(page.records, events) ? [noEventsNotice('calls')] : [];
    const shown = {
      ...page,
      notices: unique([...(parsed.hints ?? []), ...resolved.notices, ...notices, ...page.notices, ...lacking]),
    };
    const names = args.json ? NO_NAMES : await namesFor(backend, page.records, logger, pinned.users);
    io.stdout(args.json ? JSON.stringify(shown, null, 2) : formatCallTable(shown, timeZone, names, events));
    return EXIT_OK;
  } catch (error) {
    io.stderr(describeFailure(error));
    return EXIT_FAILED;
  } finally {
    await backend?.close();
  }
};

/** The stored events of `records` (for causes and timelines); undefined when the store fails to give them. */
async function eventsFor(
  backend: CallRecordsBackend,
  records: readonly CallRecord[],
  logger: Logger,
): Promise<ReadonlyMap<string, CallEvent[]> | undefined> {
  try {
    return await backend.store.eventsOf(records.map((record) => record.callId));
  } catch (error) {
    logger.warn({ err: error }, 'call events unavailable: no causes shown');
    return undefined;
  }
}

/** Cached names of the users of `records` (and `extra`); none when the cache fails (IDs are shown alone). */
async function namesFor(
  backend: CallRecordsBackend,
  records: readonly CallRecord[],
  logger: Logger,
  extra: readonly string[] = [],
): Promise<UserNames> {
  try {
    return await backend.names.namesOf([...usersOf(records), ...extra]);
  } catch (error) {
    logger.warn({ err: error }, 'names unavailable: showing user IDs alone');
    return NO_NAMES;
  }
}

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
