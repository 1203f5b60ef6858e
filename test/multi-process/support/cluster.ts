/**
 * Several real app processes (the built entry `npm start` runs) sharing one fresh PostgreSQL database, reached
 * through a TCP proxy the test can cut, with one fake Slack Web API, one response_url server and one Tencent demo
 * API server (live mode: TENCENT_API_BASE_URL…) for all of them, as a load balancer in front of several dynos
 * would see it. Each process listens on its own port (PORT=0, read from its log).
 */
import { spawn as spawnChild } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { generateDataset } from '../../../src/demo/dataset.js';
import { type DemoServer, startDemoServer } from '../../../src/demo/server.js';
import { type AppProcess, spawnApp } from '../../support/app-process.js';
import { type FakeSlack, startFakeSlack } from '../../support/fake-slack.js';
import { type ResponseUrlServer, startResponseUrlServer } from '../../support/response-urls.js';
import { blockAction, type SlackRequest, slackSignature, slashCommand } from '../../support/slack-requests.js';
import { testDatabaseUrl } from '../../support/store-engines.js';
import { startTcpProxy, type TcpProxy } from '../../support/tcp-proxy.js';
import { waitFor } from '../../support/wait.js';
import { builtApp } from './build-app.js';

export const PERSON = 'U0PERSON01';
export const SUMMARY_CHANNEL = 'C0SUMMARY1';
export const CALLBACK_TOKEN = 'multi-process-callback-token';
/** The shortest SYNC_INTERVAL the configuration allows. */
export const SYNC_INTERVAL_SECONDS = 10;

export interface ClusterOptions {
  processes: number;
  /** Added to every process's environment. */
  env?: Record<string, string>;
  /** Demo calls per day (7 days ending now). */
  callsPerDay?: number;
}

export interface Cluster {
  apps: AppProcess[];
  slack: FakeSlack;
  responses: ResponseUrlServer;
  tencent: DemoServer;
  proxy: TcpProxy;
  /** The cluster's database, straight (not through the proxy): for the test's own checks. */
  directUrl: string;
  signingSecret: string;
  /** A query on the cluster's database straight (not through the proxy, which a test may have cut). */
  query(text: string, values?: unknown[]): Promise<Array<Record<string, unknown>>>;
  /** Resolves once the first sync's backfill is done (the processes start on an empty store). */
  backfilled(): Promise<void>;
  /** Starts one more process like the others (a replacement after a kill). */
  spawn(): Promise<AppProcess>;
  /** Runs the command line (`npm run <command>`'s code, built) with the processes' environment; resolves on exit. */
  runCli(args: string[]): Promise<CliResult>;
  /** Any signed request (an event, a Home tab click) sent to `app`'s `/slack/events`; resolves with the ack. */
  send(app: AppProcess, request: SlackRequest): Promise<{ status: number; text: string }>;
  /** `/calls <text>` sent to `app`; resolves with the reply posted to its response_url. */
  command(app: AppProcess, text: string): Promise<unknown>;
  /** A button click (`actionId`, `value`) on a message, sent to `app`; resolves with the reply. */
  click(app: AppProcess, actionId: string, value: string): Promise<unknown>;
  /** Every process is killed and every server closed; the database is dropped. */
  close(): Promise<void>;
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export async function startCluster(options: ClusterOptions): Promise<Cluster> {
  const base = testDatabaseUrl();
  if (base === null) throw new Error('the multi-process tests need TEST_DATABASE_URL');
  const cleanups: Array<() => Promise<void> | void> = [];
  const close = async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  };
  try {
    const entry = await builtApp();
    const slack = await startFakeSlack({ users: { [PERSON]: { tz: 'UTC' } } });
    cleanups.push(() => slack.close());
    const responses = await startResponseUrlServer();
    cleanups.push(() => responses.close());
    const tencent = await startDemoServer({
      records: generateDataset({ seed: 11, callsPerDay: options.callsPerDay ?? 40 }),
    });
    cleanups.push(() => tencent.close());

    const directUrl = await createDatabase(base);
    cleanups.push(() => dropDatabase(base, directUrl));
    const target = new URL(directUrl);
    const proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
    cleanups.push(() => proxy.close());
    const dataDir = mkdtempSync(path.join(tmpdir(), 'callkit-multi-'));
    cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));

    const signingSecret = `multi-${randomBytes(8).toString('hex')}`;
    const env = {
      SLACK_BOT_TOKEN: slack.token,
      SLACK_SIGNING_SECRET: signingSecret,
      SLACK_API_URL: slack.apiUrl,
      PORT: '0',
      LOG_LEVEL: 'info',
      DEFAULT_TIMEZONE: 'UTC',
      TENCENT_SDKAPPID: String(tencent.sdkAppId),
      TENCENT_SECRET_KEY: tencent.secretKey,
      TENCENT_ADMIN_USER: tencent.adminUser,
      TENCENT_API_BASE_URL: tencent.url,
      DATABASE_URL: proxy.rewrite(directUrl),
      DATA_DIR: dataDir,
      SYNC_INTERVAL: `${SYNC_INTERVAL_SECONDS}s`,
      SUMMARY_CHANNEL,
      TENCENT_CALLBACK_TOKEN: CALLBACK_TOKEN,
      ...options.env,
    };
    const apps: AppProcess[] = [];
    const spawn = async () => {
      const app = await spawnApp({ env, compiledApp: entry });
      cleanups.push(() => app.kill());
      apps.push(app);
      return app;
    };
    await Promise.all(Array.from({ length: options.processes }, spawn));

    const reply = async (app: AppProcess, request: (responseUrl: string) => { body: string; contentType: string }) => {
      const target = responses.create();
      try {
        const ack = await postSigned(app.eventsUrl, signingSecret, request(target.url));
        if (ack.status !== 200) throw new Error(`the app answered ${ack.status}: ${ack.text}`);
        const [posted] = await responses.waitForPosts(target.id, { count: 1, timeoutMs: 15_000 });
        return posted?.body;
      } catch (error) {
        throw new Error(`${(error as Error).message} (process ${app.pid}: ${describeProcess(app)})`, { cause: error });
      }
    };
    const query = (text: string, values: unknown[] = []) =>
      admin(directUrl, async (client) => (await client.query(text, values)).rows as Array<Record<string, unknown>>);
    return {
      apps,
      query,
      backfilled: async () => {
        await waitFor(async () => (await query('select backfill_done from sync_state'))[0]?.backfill_done === 1, {
          timeoutMs: 30_000,
          intervalMs: 250,
          what: 'the first backfill',
        });
      },
      slack,
      responses,
      tencent,
      proxy,
      directUrl,
      signingSecret,
      spawn,
      runCli: (args) => runBuiltCli(path.join(path.dirname(entry), 'cli.js'), args, env),
      send: (app, request) => postSigned(app.eventsUrl, signingSecret, request),
      command: (app, text) => reply(app, (url) => slashCommand({ text, response_url: url, user_id: PERSON })),
      click: (app, actionId, value) =>
        reply(app, (url) =>
          blockAction({ actionId, value, response_url: url, userId: PERSON, channelId: 'C0SUPPORT1' }),
        ),
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

/** Whether a process still runs, and if not how it ended and the end of its stderr and logs. */
export function describeProcess(app: AppProcess): string {
  const { exitCode, signalCode } = app.child;
  if (exitCode === null && signalCode === null) return 'running';
  const lastLogs = app.logs
    .slice(-5)
    .map((line) => JSON.stringify(line).slice(0, 400))
    .join('\n');
  return `exited (${exitCode ?? signalCode}); stderr: ${app.stderr().slice(-1500)}; last logs: ${lastLogs}`;
}

/** A signed request to `/slack/events`, as Slack sends it. */
function postSigned(url: string, secret: string, request: SlackRequest): Promise<{ status: number; text: string }> {
  const timestamp = Math.floor(Date.now() / 1000);
  return postFresh(url, request.body, {
    'content-type': request.contentType,
    'x-slack-request-timestamp': String(timestamp),
    'x-slack-signature': slackSignature(secret, timestamp, request.body),
  });
}

/**
 * A POST on a connection of its own, as Slack's and Tencent's many senders do: a reused keep-alive connection to a
 * process could be closed by that process's idle timeout just as the test reuses it (ECONNRESET, a test artefact).
 */
export function postFresh(
  url: string,
  body: string,
  headers: Record<string, string>,
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: 'POST', agent: false, timeout: 15_000, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (chunk: string) => {
        text += chunk;
      });
      res.once('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.once('timeout', () => req.destroy(new Error(`no answer from ${new URL(url).origin} within 15 s`)));
    req.once('error', reject);
    req.end(body);
  });
}

function runBuiltCli(cli: string, args: string[], env: Record<string, string>): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawnChild(process.execPath, [cli, ...args], {
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

async function admin<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** A new, empty database beside the run's own. */
async function createDatabase(base: string): Promise<string> {
  const url = new URL(base);
  const name = `${url.pathname.slice(1)}_m${randomBytes(3).toString('hex')}`;
  await admin(base, (client) => client.query(`create database ${name}`));
  url.pathname = `/${name}`;
  return url.toString();
}

async function dropDatabase(base: string, url: string): Promise<void> {
  const name = new URL(url).pathname.slice(1);
  await admin(base, (client) => client.query(`drop database if exists ${name} with (force)`));
}
