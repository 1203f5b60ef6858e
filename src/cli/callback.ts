/**
 * `npm run callback -- show | set <public base URL> [--force] | delete [--force]`: Tencent's callback setting
 * (`v4/call_config/*_callback`). Tencent keeps ONE callback URL per SDKAppID, so `set` and `delete` refuse to replace
 * or remove a URL that is not this app's own unless `--force` is given: that URL usually belongs to the customer's
 * own backend, which would stop hearing about calls.
 *
 * The token is never printed in full, except in the refusal that tells a person what to forward to.
 */
import { parseArgs } from 'node:util';
import { TencentError } from '../calls/source-errors.js';
import type { Config } from '../config/index.js';
import { type Logger, redactText } from '../shared/logger.js';
import { MEMBER_CHANGED_COMMAND, START_CALL_COMMAND } from '../tencent/call-event-callbacks.js';
import { callbackUrl, END_CALL_COMMAND, maskCallbackUrl } from '../tencent/callback-request.js';
import type { CallbackSetting, TencentCallRecordsClient } from '../tencent/client.js';
import { type CliCommand, type CliIo, EXIT_FAILED, EXIT_OK, EXIT_USAGE } from './io.js';
import { cliLogger, loadCliConfig } from './setup.js';

export function callbackUsage(): string {
  return [
    'usage: npm run callback -- show | set <public base URL> [--force] [--end-only] | delete [--force]',
    '',
    "Reads and changes Tencent's call callbacks for TENCENT_SDKAPPID.",
    "  show                 what is set now (this app's token is shown cut short) and which commands are on",
    '  set <base URL>       point Tencent at <base URL>/tencent/callback/<TENCENT_CALLBACK_TOKEN>',
    '                       and subscribe all three call callbacks: Call.CallbackAfterStartCall,',
    '                       Call.CallbackAfterMemberChanged (timelines, causes, /calls live) and',
    '                       Call.CallbackAfterEndCall',
    '  --end-only           with set: subscribe only Call.CallbackAfterEndCall (the old set: no timelines)',
    "  delete               remove the callback (only this app's own, unless --force)",
    "  --force              replace or delete a URL that is not this app's",
    '',
    'Tencent keeps one callback URL per SDKAppID. If your own backend already receives it, do not replace it:',
    'have that backend forward the same body, unchanged, to this app (see the README).',
    'Exit codes: 0 done, 1 failed or refused, 2 bad arguments.',
  ].join('\n');
}

type Action = 'show' | 'set' | 'delete';

interface Parsed {
  action: Action;
  baseUrl?: string;
  force: boolean;
  endOnly: boolean;
}

/** What `set` subscribes by default: every call callback (the events make timelines, causes and `/calls live`). */
export const ALL_CALL_COMMANDS = [START_CALL_COMMAND, MEMBER_CHANGED_COMMAND, END_CALL_COMMAND] as const;

function parse(argv: string[]): Parsed | string | 'help' {
  let values: { force?: boolean; help?: boolean; 'end-only'?: boolean };
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args: argv,
      options: { force: { type: 'boolean' }, 'end-only': { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    }));
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
  if (values.help) return 'help';
  const [action, ...rest] = positionals;
  const force = values.force ?? false;
  const endOnly = values['end-only'] ?? false;
  if (action === 'show' || action === 'delete') {
    if (endOnly) return '--end-only goes with set';
    return rest.length === 0 ? { action, force, endOnly } : `${action} takes no argument`;
  }
  if (action === 'set') {
    if (rest.length !== 1)
      return 'set takes one argument: the public base URL of this app, e.g. https://calls.example.com';
    const baseUrl = rest[0] as string;
    let url: URL;
    try {
      url = new URL(baseUrl);
    } catch {
      return 'the base URL must be a full URL such as https://calls.example.com';
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') return 'the base URL must start with https://';
    if (url.search !== '' || url.hash !== '') return 'the base URL must not have a query or a fragment';
    return { action, baseUrl: baseUrl.replace(/\/+$/, ''), force, endOnly };
  }
  return action === undefined ? 'say show, set or delete' : `unknown action "${action.slice(0, 20)}"`;
}

/** How a setting reads: the URL (ours with its token cut) and the commands. */
function describe(setting: CallbackSetting, ours: string | undefined, knowsToken: boolean): string[] {
  const owner = !knowsToken
    ? 'set TENCENT_CALLBACK_TOKEN to tell whether it is this app'
    : ours !== undefined && setting.url === ours
      ? "this app's endpoint"
      : 'not this app (another backend)';
  const on = (command: string) => (setting.commands.includes(command) ? 'on ' : 'off');
  const events = setting.commands.includes(START_CALL_COMMAND) && setting.commands.includes(MEMBER_CHANGED_COMMAND);
  return [
    `Callback URL: ${redactText(maskCallbackUrl(setting.url))}  (${owner})`,
    `Commands:     ${setting.commands.length > 0 ? setting.commands.join(', ') : '(none)'}`,
    ...ALL_CALL_COMMANDS.map((command) => `  ${on(command)}  ${command}`),
    events
      ? 'Timelines, causes and /calls live: on.'
      : 'Timelines, causes and /calls live: off (run `npm run callback -- set <base URL>` to turn them on).',
  ];
}

export function callbackCli(): CliCommand {
  return async (argv, io) => {
    const parsed = parse(argv);
    if (parsed === 'help') {
      io.stdout(callbackUsage());
      return EXIT_OK;
    }
    if (typeof parsed === 'string') {
      io.stderr(`callback: ${parsed}\n\n${callbackUsage()}`);
      return EXIT_USAGE;
    }
    const config = loadCliConfig(io);
    if (config === undefined) return EXIT_FAILED;
    const token = config.callback.token?.reveal();
    if (parsed.action === 'set' && token === undefined) {
      io.stderr(
        'callback: set TENCENT_CALLBACK_TOKEN first (16 to 128 letters, digits, - or _): it is the secret path.',
      );
      return EXIT_FAILED;
    }
    const logger = cliLogger(io, config);
    let tencent: TencentAccess | undefined;
    try {
      tencent = await openTencent(config, logger);
      if (tencent.demo) {
        io.stderr(
          'Demo mode: this is the built-in demo server, which forgets its callback setting when this command ends ' +
            '(set TENCENT_SDKAPPID and TENCENT_SECRET_KEY to change the real one).',
        );
      }
      return await run(parsed, tencent.api, token, io);
    } catch (error) {
      const sentence =
        error instanceof TencentError
          ? `Tencent: ${error.message}`
          : `unexpected failure: ${error instanceof Error ? error.message : String(error)}`;
      io.stderr(`callback: ${redactText(sentence)}`);
      return EXIT_FAILED;
    } finally {
      await tencent?.close();
    }
  };
}

interface TencentAccess {
  api: TencentCallRecordsClient;
  demo: boolean;
  close(): Promise<void>;
}

/**
 * Only the Tencent client: the callback setting needs no store and no sync. Demo mode: a demo server of its own,
 * which forgets the setting when the command ends.
 */
async function openTencent(config: Config, logger: Logger): Promise<TencentAccess> {
  const [{ TencentCallRecordsClient: Client }, { startDemoServer }] = await Promise.all([
    import('../tencent/client.js'),
    import('../demo/server.js'),
  ]);
  if (config.tencent.mode === 'live') {
    const t = config.tencent;
    const api = new Client({
      sdkAppId: t.sdkAppId,
      secretKey: t.secretKey.reveal(),
      adminUser: t.adminUser,
      region: t.region,
      ...(t.baseUrl === undefined ? {} : { baseUrl: t.baseUrl }),
      maxQps: config.maxQps,
      logger,
    });
    return { api, demo: false, close: () => api.close() };
  }
  const server = await startDemoServer({ records: [] });
  const api = new Client({
    sdkAppId: server.sdkAppId,
    secretKey: server.secretKey,
    adminUser: server.adminUser,
    baseUrl: server.url,
    maxQps: config.maxQps,
    logger,
  });
  return {
    api,
    demo: true,
    async close() {
      await api.close();
      await server.close();
    },
  };
}

async function run(
  parsed: Parsed,
  api: TencentCallRecordsClient,
  token: string | undefined,
  io: CliIo,
): Promise<number> {
  const current = await api.getCallback();
  const ours = parsed.baseUrl !== undefined && token !== undefined ? callbackUrl(parsed.baseUrl, token) : undefined;
  const isOurs = (url: string) =>
    ours !== undefined ? url === ours : token !== undefined && url.endsWith(`/tencent/callback/${token}`);

  if (parsed.action === 'show') {
    if (current === null) io.stdout('No callback URL is set for this SDKAppID.');
    else io.stdout(describe(current, isOurs(current.url) ? current.url : undefined, token !== undefined).join('\n'));
    return EXIT_OK;
  }

  if (parsed.action === 'delete') {
    if (current === null) {
      io.stdout('No callback URL is set for this SDKAppID: nothing to delete.');
      return EXIT_OK;
    }
    if (!isOurs(current.url) && !parsed.force) {
      io.stderr(
        [
          `callback: not deleted. The URL set is not this app's: ${redactText(maskCallbackUrl(current.url))}`,
          'Deleting it would stop whatever receives it (often your own backend) from hearing about calls.',
          'Run again with --force to delete it anyway.',
        ].join('\n'),
      );
      return EXIT_FAILED;
    }
    await api.deleteCallback();
    io.stdout(`Deleted the callback (${redactText(maskCallbackUrl(current.url))}).`);
    return EXIT_OK;
  }

  const url = ours as string;
  if (current !== null && current.url !== url && !parsed.force) {
    io.stderr(
      [
        `callback: not set. Tencent already sends this SDKAppID's callbacks to ${redactText(maskCallbackUrl(current.url))}`,
        'and keeps only one callback URL per SDKAppID: replacing it would cut off whatever receives it now',
        "(often your own backend). Instead, have that backend forward each callback's body, unchanged, to:",
        `  ${url}`,
        'or run again with --force to replace it.',
      ].join('\n'),
    );
    return EXIT_FAILED;
  }
  // Our own URL again: keep whatever else it subscribes. Another URL (forced) or none: only what this app needs.
  const wanted: readonly string[] = parsed.endOnly ? [END_CALL_COMMAND] : ALL_CALL_COMMANDS;
  const commands =
    current !== null && current.url === url ? [...new Set([...current.commands, ...wanted])] : [...wanted];
  if (current !== null && current.url === url && wanted.every((command) => current.commands.includes(command))) {
    io.stdout(`Already set: ${maskCallbackUrl(url)} receives ${current.commands.join(', ')}.`);
    return EXIT_OK;
  }
  await api.setCallback({ url, commands });
  const replaced =
    current !== null && current.url !== url ? ` (replaced ${redactText(maskCallbackUrl(current.url))})` : '';
  io.stdout(`Set: Tencent now sends ${commands.join(', ')} to ${maskCallbackUrl(url)}${replaced}.`);
  return EXIT_OK;
}

export const runCallbackCli: CliCommand = callbackCli();
