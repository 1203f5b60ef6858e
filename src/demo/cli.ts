import { randomInt } from 'node:crypto';
import { parseArgs } from 'node:util';
import { Api } from 'tls-sig-api-v2';
import { generateDataset } from './dataset.js';
import { type DemoServer, startDemoServer } from './server.js';

export interface DemoServerCliIo {
  /** Where the banner goes; default console.log. */
  print?: (line: string) => void;
  /** Close the server on SIGINT/SIGTERM; default true (tests turn it off). */
  handleSignals?: boolean;
}

export const DEMO_SERVER_USAGE =
  'usage: demo-server [--port N] [--seed N] [--latency MS] [--calls-per-day N]\n' +
  '  --port           port to listen on, on 127.0.0.1 (default: any free port)\n' +
  '  --seed           seed of the generated records (default 42)\n' +
  '  --latency        milliseconds added to every answer (default 0)\n' +
  '  --calls-per-day  generated calls per day over the last 7 days (default 400)';

/** Starts the demo server from command-line arguments and prints how to reach it. Resolves once it listens. */
export async function runDemoServerCli(argv: string[], io: DemoServerCliIo = {}): Promise<DemoServer> {
  const print = io.print ?? ((line: string) => console.log(line));
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string' },
      seed: { type: 'string' },
      latency: { type: 'string' },
      'calls-per-day': { type: 'string' },
    },
    strict: true,
  });
  const port = integerOption('--port', values.port, 0, 65535);
  const seed = integerOption('--seed', values.seed, 0, 2 ** 32 - 1) ?? 42;
  const latencyMs = integerOption('--latency', values.latency, 0, 60_000);
  const callsPerDay = integerOption('--calls-per-day', values['calls-per-day'], 0, 1_000_000);

  const now = Math.floor(Date.now() / 1000);
  const server = await startDemoServer({
    records: generateDataset({ seed, now, ...(callsPerDay === undefined ? {} : { callsPerDay }) }),
    ...(port === undefined ? {} : { port }),
    ...(latencyMs === undefined ? {} : { latencyMs }),
  });

  const userSig = new Api(server.sdkAppId, server.secretKey).genUserSig(server.adminUser, 86400);
  const query = `sdkappid=${server.sdkAppId}&identifier=${server.adminUser}&usersig=${userSig}&random=${randomUint32()}&contenttype=json`;
  // Printing the key is deliberate: it is the demo server's own fixed key, never a real one.
  print(`Demo Tencent call-record API listening on ${server.url}`);
  print(`  records:    ${server.records.length} generated calls (seed ${seed}) over the last 7 days`);
  print(`  SDKAppID:   ${server.sdkAppId}`);
  print(`  admin user: ${server.adminUser}`);
  print(`  secret key: ${server.secretKey}`);
  print(`  UserSig (valid 24 h): ${userSig}`);
  print('Use it from the app with:');
  print(
    `  TENCENT_API_BASE_URL=${server.url} TENCENT_SDKAPPID=${server.sdkAppId} TENCENT_SECRET_KEY=${server.secretKey}`,
  );
  print('Try it:');
  print(
    `  curl -s -X POST '${server.url}/v4/call_record_http_srv/get_record_by_filter?${query}' ` +
      `-H 'Content-Type: application/json' -d '{"NumberPerPage":2,"Page":1}'`,
  );

  if (io.handleSignals ?? true) {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      void server.close();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  }
  return server;
}

function integerOption(name: string, raw: string | undefined, min: number, max: number): number | undefined {
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || value < min || value > max) {
    throw new Error(`${name} must be an integer from ${min} to ${max}, not "${raw}"\n${DEMO_SERVER_USAGE}`);
  }
  return value;
}

/** The `random` nonce of the printed example request: Tencent's protocol asks for one per request; no data hangs on it. */
function randomUint32(): number {
  return randomInt(0, 4294967296);
}
