/**
 * Bench 2: `/calls` acknowledgement latency with 40 signed commands at once, through the REAL app, measured from
 * sending the signed request to its HTTP 200 ack (node:http keep-alive sockets, requests signed beforehand: see
 * lib/load.ts). Each burst waits for every answer on its response_url before the next, so the searches run (and
 * compete for the event loop) while the acks are measured.
 *
 * Two set-ups:
 * - `in-process`: the e2e harness (`startTestApp`): the app, its demo Tencent server, the fake Slack Web API, the
 *   response_url server and this load generator share one event loop, so every fake's work delays the acks;
 * - `app process`: the app as `npm start` runs it (src/app.ts compiled, lib/compile.ts, in a child process with
 *   plain node, live mode against a demo server here), with the fakes and the load generator in this process: the
 *   app's event loop is its own, as in production where Slack and Tencent are remote.
 */
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { generateDataset } from '../src/demo/dataset.js';
import { startDemoServer } from '../src/demo/server.js';
import { spawnApp } from '../test/support/app-process.js';
import { startFakeSlack } from '../test/support/fake-slack.js';
import { type ResponseUrlServer, startResponseUrlServer } from '../test/support/response-urls.js';
import { slashCommand } from '../test/support/slack-requests.js';
import { startTestApp } from '../test/support/test-app.js';
import { compileEntry } from './lib/compile.js';
import { percentile, round } from './lib/format.js';
import { createLoadClient } from './lib/load.js';

export type AckSetup = 'in-process' | 'app process';

export interface AckLatencyResult {
  setup: AckSetup;
  /** How the app ran. */
  runtime: string;
  latencyMs: number;
  concurrency: number;
  bursts: number;
  samples: number;
  non200: number;
  ackP50Ms: number;
  ackP99Ms: number;
  ackMaxMs: number;
  /** Time until the answer reached the response_url (Tencent searches included). */
  answerP50Ms: number;
  answerP99Ms: number;
  /** Answers that never came within the wait. */
  unanswered: number;
}

interface Target {
  eventsUrl: string;
  signingSecret: string;
  responses: ResponseUrlServer;
  callIds: string[];
  runtime: string;
  close(): Promise<void>;
}

const DATASET = { seed: 11, callsPerDay: 150 };
const ANSWER_TIMEOUT_MS = 30_000;

/** What people type: direct pages, scans by user, several results, a CallId, help and mistakes. */
function commandTexts(callIds: readonly string[], count: number): string[] {
  const base = [
    'yesterday',
    'today',
    'last:24h',
    'user:147',
    'user:369 last:3d',
    'alice.w result:interrupted',
    'result:missed,busy last:2d',
    'type:group media:video',
    'help',
    'result:exploded',
    'from:2020-01-01 to:2020-01-02',
    'kai yesterday',
    'media:audio 3d',
  ];
  return Array.from({ length: count }, (_, i) =>
    i % 8 === 7 && callIds.length > 0 ? `id:${callIds[i % callIds.length]}` : (base[i % base.length] as string),
  );
}

async function inProcessTarget(latencyMs: number): Promise<Target> {
  const app = await startTestApp({
    dataset: DATASET,
    logLevel: 'info',
    slack: { users: { U0PERSON01: { tz: 'UTC' } } },
  });
  app.tencent.setLatency(latencyMs);
  return {
    eventsUrl: app.eventsUrl,
    signingSecret: app.signingSecret,
    responses: app.responses,
    callIds: app.records.slice(-50).map((record) => record.CallId),
    runtime: 'startTestApp in the bench process',
    close: () => app.close(),
  };
}

const APP_SOURCE = fileURLToPath(new URL('../src/app.ts', import.meta.url));

async function appProcessTarget(latencyMs: number): Promise<Target> {
  const closers: Array<() => Promise<void> | void> = [];
  const close = async () => {
    for (const closer of closers.splice(0).reverse()) await closer();
  };
  try {
    const slack = await startFakeSlack({ users: { U0PERSON01: { tz: 'UTC' } } });
    closers.push(() => slack.close());
    const responses = await startResponseUrlServer();
    closers.push(() => responses.close());
    const tencent = await startDemoServer({ records: generateDataset(DATASET), latencyMs });
    closers.push(() => tencent.close());
    const signingSecret = `bench-${randomBytes(8).toString('hex')}`;
    const compiledApp = await compileEntry(APP_SOURCE);
    const app = await spawnApp({
      ...(compiledApp === undefined ? {} : { compiledApp }),
      env: {
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
      },
    });
    closers.push(async () => {
      app.child.kill('SIGTERM');
      const timer = setTimeout(() => app.kill(), 10_000);
      await app.exited;
      clearTimeout(timer);
    });
    return {
      eventsUrl: app.eventsUrl,
      signingSecret,
      responses,
      callIds: tencent.records.slice(-50).map((record) => record.CallId),
      runtime: compiledApp === undefined ? 'node --import tsx src/app.ts' : 'node (compiled src/app.ts)',
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

export async function benchAckLatency(options: {
  setup: AckSetup;
  latencyMs: number;
  concurrency?: number;
  bursts?: number;
}): Promise<AckLatencyResult> {
  const concurrency = options.concurrency ?? 40;
  const bursts = options.bursts ?? 5;
  const target =
    options.setup === 'in-process'
      ? await inProcessTarget(options.latencyMs)
      : await appProcessTarget(options.latencyMs);
  const load = createLoadClient();
  try {
    const acks: number[] = [];
    const answers: number[] = [];
    let non200 = 0;
    let unanswered = 0;
    // Burst 0 warms up (JIT, keep-alive connections, the users.info cache) and is not counted.
    for (let burst = 0; burst <= bursts; burst++) {
      // Everything is built and signed first, then all requests leave in the same tick.
      const prepared = commandTexts(target.callIds, concurrency).map((text) => {
        const responseUrl = target.responses.create();
        const request = slashCommand({ text, response_url: responseUrl.url });
        return { responseId: responseUrl.id, request: load.prepare(target.eventsUrl, target.signingSecret, request) };
      });
      const results = await Promise.all(
        prepared.map(async ({ responseId, request }) => {
          const started = performance.now();
          const sent = await load.send(request);
          let answer: number | undefined;
          try {
            await target.responses.waitForPosts(responseId, { timeoutMs: ANSWER_TIMEOUT_MS });
            answer = performance.now() - started;
          } catch {
            answer = undefined;
          }
          return { status: sent.status, ack: sent.elapsedMs, answer };
        }),
      );
      if (burst === 0) continue;
      for (const result of results) {
        acks.push(result.ack);
        if (result.status !== 200) non200 += 1;
        if (result.answer === undefined) unanswered += 1;
        else answers.push(result.answer);
      }
    }
    return {
      setup: options.setup,
      runtime: target.runtime,
      latencyMs: options.latencyMs,
      concurrency,
      bursts,
      samples: acks.length,
      non200,
      ackP50Ms: round(percentile(acks, 50), 1),
      ackP99Ms: round(percentile(acks, 99), 1),
      ackMaxMs: round(Math.max(...acks), 1),
      answerP50Ms: round(percentile(answers, 50), 0),
      answerP99Ms: round(percentile(answers, 99), 0),
      unanswered,
    };
  } finally {
    load.close();
    await target.close();
  }
}
