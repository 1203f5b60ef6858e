/**
 * Bench: a drop wave under sustained load, the soak that found issue 23. The app runs as `npm start` runs it (a
 * compiled src/app.ts in its own process, so its CPU and RSS are its own), live against a demo Tencent server, with
 * ALERT_CHANNEL set and an incident open for the whole run. This process sends, at a steady pace:
 * - Tencent end-of-call callbacks at `--rate` a second (default 100), one in five dropped (20 %, over the 10 %
 *   threshold), each ending in the second it is sent;
 * - `--searches` signed `/calls user:<id> last:1h` commands a second (default 5), timed until the answer reaches
 *   its response_url;
 * - a `GET /healthz` a second.
 * It reports, per period (`--period`, default 60 s): callback p50 / p99, callbacks refused (not 200, or no
 * answer), searches answered and their p50 / p99, /healthz p99, and the app's CPU (share of one core, from
 * /proc/<pid>/stat) and RSS. Then a peak run: `--peak-rate` (1,000) callbacks a second for `--peak-seconds` (30).
 * On SQLite, and on PostgreSQL when BENCH_DATABASE_URL or TEST_DATABASE_URL is set (a fresh database).
 *
 *   npx tsx bench/drop-wave.ts --seconds 300               # the full soak (5 minutes per engine)
 *   npx tsx bench/drop-wave.ts --seconds 90 --peak-seconds 15 --engines sqlite
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { fileURLToPath } from 'node:url';
import { generateDataset } from '../src/demo/dataset.js';
import { startDemoServer } from '../src/demo/server.js';
import { END_CALL_COMMAND } from '../src/tencent/callback-request.js';
import { type AppProcess, spawnApp } from '../test/support/app-process.js';
import { startFakeSlack } from '../test/support/fake-slack.js';
import { startResponseUrlServer } from '../test/support/response-urls.js';
import { slashCommand } from '../test/support/slack-requests.js';
import { compileEntry } from './lib/compile.js';
import { mb, percentile, round, sleep, table } from './lib/format.js';
import { createLoadClient } from './lib/load.js';
import { describeMachine, machineFacts } from './lib/machine.js';
import { withBenchDatabase } from './lib/pg-admin.js';
import { runMain } from './lib/run-main.js';

const TOKEN = 'BenchDropWaveToken_0123456789';
const ALERT_CHANNEL = 'C0ALERTS1';
const USERS = 500;
const ANSWER_TIMEOUT_MS = 30_000;
const APP_SOURCE = fileURLToPath(new URL('../src/app.ts', import.meta.url));

export interface DropWaveOptions {
  rate: number;
  seconds: number;
  searchesPerSecond: number;
  periodSeconds: number;
  peakRate: number;
  peakSeconds: number;
}

export interface DropWavePeriod {
  /** Seconds since the start of the run, at the period's end. */
  until: number;
  callbacks: number;
  refused: number;
  callbackP50Ms: number;
  callbackP99Ms: number;
  searches: number;
  unanswered: number;
  searchP50Ms: number;
  searchP99Ms: number;
  healthzP99Ms: number;
  /** The app's CPU time over the period ÷ its length (1 = one core). */
  cpu: number;
  rssMb: number;
}

export interface DropWaveRun {
  rate: number;
  seconds: number;
  periods: DropWavePeriod[];
  total: { callbacks: number; refused: number; p50Ms: number; p99Ms: number; searches: number; unanswered: number };
}

export interface DropWaveResult {
  engine: 'sqlite' | 'postgres';
  sustained: DropWaveRun;
  peak: DropWaveRun;
  /** Incident messages the app posted in ALERT_CHANNEL (1: one incident, opened and kept open). */
  incidentPosts: number;
  /** The app's warnings and errors over the whole run, by message. */
  appProblems: Record<string, number>;
}

function callbackBody(index: number, now: number): string {
  const caller = String(100 + (index % USERS));
  const callee = String(100 + ((index * 7 + 3) % USERS));
  return JSON.stringify({
    CallbackCommand: END_CALL_COMMAND,
    CallRecord: {
      CallId: `wave-${now}-${index}-${randomBytes(4).toString('hex')}`,
      Caller_Account: caller,
      MediaType: index % 3 === 0 ? 'Audio' : 'Video',
      CallType: 'SingleCall',
      StartTime: now - 90,
      EndTime: now,
      AcceptTime: now - 85,
      CallResult: index % 5 === 0 ? (index % 10 === 0 ? 'Offline' : 'Interrupt') : 'NormalEnd',
      CalleeList_Account: [callee],
      RoomId: `room-${index}`,
      RoomIdType: 2,
    },
    EventTime: now * 1000,
  });
}

/** The app's CPU time (seconds) and RSS (bytes) from /proc (Linux); null elsewhere. */
function processUsage(pid: number): { cpuSeconds: number; rssBytes: number } | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]); // utime + stime, in clock ticks (100 a second)
    const rssPages = Number(fields[21]);
    return { cpuSeconds: ticks / 100, rssBytes: rssPages * 4096 };
  } catch {
    return null;
  }
}

interface Target {
  app: AppProcess;
  callbackPath: string;
  sdkAppId: number;
  signingSecret: string;
  responses: Awaited<ReturnType<typeof startResponseUrlServer>>;
  incidentPosts(): number;
  close(): Promise<void>;
}

async function startTarget(databaseUrl: string | undefined): Promise<Target> {
  const closers: Array<() => Promise<void> | void> = [];
  const close = async () => {
    for (const closer of closers.splice(0).reverse()) await closer();
  };
  try {
    const slack = await startFakeSlack({ users: { U0PERSON01: { tz: 'UTC' } } });
    closers.push(() => slack.close());
    const responses = await startResponseUrlServer();
    closers.push(() => responses.close());
    const tencent = await startDemoServer({ records: generateDataset({ seed: 5, callsPerDay: 200 }) });
    closers.push(() => tencent.close());
    const signingSecret = `bench-${randomBytes(8).toString('hex')}`;
    const compiledApp = await compileEntry(APP_SOURCE);
    const app = await spawnApp({
      ...(compiledApp === undefined ? {} : { compiledApp }),
      startTimeoutMs: 60_000,
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
        TENCENT_CALLBACK_TOKEN: TOKEN,
        ALERT_CHANNEL,
        ...(databaseUrl === undefined ? {} : { DATABASE_URL: databaseUrl }),
      },
    });
    closers.push(async () => {
      app.child.kill('SIGTERM');
      const timer = setTimeout(() => app.kill(), 15_000);
      await app.exited;
      clearTimeout(timer);
    });
    return {
      app,
      callbackPath: `/tencent/callback/${TOKEN}?SdkAppid=${tencent.sdkAppId}&CallbackCommand=${END_CALL_COMMAND}&contenttype=json`,
      sdkAppId: tencent.sdkAppId,
      signingSecret,
      responses,
      incidentPosts: () =>
        slack
          .callsTo('chat.postMessage')
          .filter((call) => call.args.channel === ALERT_CHANNEL && call.args.thread_ts === undefined).length,
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

/** One run at `rate` callbacks a second for `seconds`, with searches and /healthz, measured per period. */
async function drive(target: Target, options: DropWaveOptions, rate: number, seconds: number): Promise<DropWaveRun> {
  const agent = new Agent({ keepAlive: true, maxSockets: 256 });
  const load = createLoadClient(32);
  const url = new URL(target.app.url);
  type Sample = { at: number; ms: number; ok: boolean };
  const callbacks: Sample[] = [];
  const searches: Sample[] = [];
  const healthz: Sample[] = [];
  const pending: Promise<void>[] = [];

  const post = (path: string, body: string, into: Sample[], method = 'POST') =>
    new Promise<void>((resolve) => {
      const started = performance.now();
      const done = (ok: boolean) => {
        into.push({ at: (started - t0) / 1000, ms: performance.now() - started, ok });
        resolve();
      };
      const req = request(
        {
          host: url.hostname,
          port: url.port,
          path,
          method,
          agent,
          headers:
            method === 'POST' ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } : {},
        },
        (res) => {
          res.resume();
          res.once('end', () => done(res.statusCode === 200));
        },
      );
      req.setTimeout(30_000, () => req.destroy(new Error('no answer')));
      req.once('error', () => done(false));
      req.end(method === 'POST' ? body : undefined);
    });

  const search = async (index: number) => {
    const target_ = target.responses.create();
    const text = `user:${100 + ((index * 13) % USERS)} last:1h`;
    const prepared = load.prepare(
      `${target.app.url}/slack/events`,
      target.signingSecret,
      slashCommand({ text, response_url: target_.url }),
    );
    const started = performance.now();
    try {
      const sent = await load.send(prepared);
      if (sent.status !== 200) throw new Error(`ack ${sent.status}`);
      await target.responses.waitForPosts(target_.id, { timeoutMs: ANSWER_TIMEOUT_MS });
      searches.push({ at: (started - t0) / 1000, ms: performance.now() - started, ok: true });
    } catch {
      searches.push({ at: (started - t0) / 1000, ms: performance.now() - started, ok: false });
    }
  };

  const usage: { at: number; cpuSeconds: number; rssBytes: number }[] = [];
  const t0 = performance.now();
  const sampleUsage = () => {
    const now = processUsage(target.app.pid);
    if (now !== null) usage.push({ at: (performance.now() - t0) / 1000, ...now });
  };
  sampleUsage();
  let sentCallbacks = 0;
  let sentSearches = 0;
  let sentProbes = 0;
  let nextUsage = 1;
  while (performance.now() - t0 < seconds * 1000) {
    const elapsed = (performance.now() - t0) / 1000;
    const now = Math.floor(Date.now() / 1000);
    const dueCallbacks = Math.floor(elapsed * rate) + 1;
    while (sentCallbacks < dueCallbacks) {
      pending.push(post(target.callbackPath, callbackBody(sentCallbacks, now), callbacks));
      sentCallbacks += 1;
    }
    const dueSearches = Math.floor(elapsed * options.searchesPerSecond) + 1;
    while (sentSearches < dueSearches) pending.push(search(sentSearches++));
    if (sentProbes < Math.floor(elapsed) + 1) {
      sentProbes += 1;
      pending.push(post('/healthz', '', healthz, 'GET'));
    }
    if (elapsed >= nextUsage) {
      sampleUsage();
      nextUsage += 1;
    }
    await sleep(2);
  }
  sampleUsage();
  await Promise.all(pending);
  agent.destroy();
  load.close();

  const periods: DropWavePeriod[] = [];
  for (let start = 0; start < seconds; start += options.periodSeconds) {
    const end = Math.min(seconds, start + options.periodSeconds);
    const inPeriod = (s: Sample) => s.at >= start && s.at < end;
    const cbs = callbacks.filter(inPeriod);
    const ss = searches.filter(inPeriod);
    const hs = healthz.filter(inPeriod);
    const first = usage.find((u) => u.at >= start);
    const last = [...usage].reverse().find((u) => u.at <= end);
    const cpu =
      first !== undefined && last !== undefined && last.at > first.at
        ? (last.cpuSeconds - first.cpuSeconds) / (last.at - first.at)
        : Number.NaN;
    periods.push({
      until: end,
      callbacks: cbs.length,
      refused: cbs.filter((s) => !s.ok).length,
      callbackP50Ms: round(
        percentile(
          cbs.map((s) => s.ms),
          50,
        ),
        1,
      ),
      callbackP99Ms: round(
        percentile(
          cbs.map((s) => s.ms),
          99,
        ),
        1,
      ),
      searches: ss.length,
      unanswered: ss.filter((s) => !s.ok).length,
      searchP50Ms: round(
        percentile(
          ss.filter((s) => s.ok).map((s) => s.ms),
          50,
        ),
        0,
      ),
      searchP99Ms: round(
        percentile(
          ss.filter((s) => s.ok).map((s) => s.ms),
          99,
        ),
        0,
      ),
      healthzP99Ms: round(
        percentile(
          hs.map((s) => s.ms),
          99,
        ),
        1,
      ),
      cpu: round(cpu, 2),
      rssMb: last === undefined ? Number.NaN : mb(last.rssBytes),
    });
  }
  return {
    rate,
    seconds,
    periods,
    total: {
      callbacks: callbacks.length,
      refused: callbacks.filter((s) => !s.ok).length,
      p50Ms: round(
        percentile(
          callbacks.map((s) => s.ms),
          50,
        ),
        1,
      ),
      p99Ms: round(
        percentile(
          callbacks.map((s) => s.ms),
          99,
        ),
        1,
      ),
      searches: searches.length,
      unanswered: searches.filter((s) => !s.ok).length,
    },
  };
}

export async function benchDropWave(
  engine: 'sqlite' | 'postgres',
  options: DropWaveOptions,
  databaseUrl?: string,
): Promise<DropWaveResult> {
  const target = await startTarget(databaseUrl);
  try {
    // Warm-up (JIT, connections), and the wave opens the incident before the measured run.
    await drive(target, options, options.rate, 5);
    const sustained = await drive(target, options, options.rate, options.seconds);
    const peak = await drive(target, options, options.peakRate, options.peakSeconds);
    const appProblems: Record<string, number> = {};
    for (const line of target.app.logs) {
      if (typeof line.level !== 'number' || line.level < 40) continue;
      const msg = String(line.msg ?? line.raw ?? '?');
      appProblems[msg] = (appProblems[msg] ?? 0) + 1;
    }
    return { engine, sustained, peak, incidentPosts: target.incidentPosts(), appProblems };
  } finally {
    await target.close();
  }
}

export function dropWaveTable(result: DropWaveResult): string {
  const rows = (run: DropWaveRun) =>
    run.periods.map((p) => [
      `${run.rate}/s ≤${p.until}s`,
      p.callbacks,
      p.refused,
      p.callbackP50Ms,
      p.callbackP99Ms,
      p.searches,
      p.unanswered,
      p.searchP50Ms,
      p.searchP99Ms,
      p.healthzP99Ms,
      p.cpu,
      p.rssMb,
    ]);
  const problems = Object.entries(result.appProblems).map(([msg, n]) => `\n   app logged ${n}× "${msg}"`);
  return `${table(
    `Drop wave on ${result.engine} (incident open; incident messages posted: ${result.incidentPosts})`,
    [
      'period',
      'callbacks',
      'refused',
      'cb p50 ms',
      'cb p99 ms',
      'searches',
      'unanswered',
      'search p50',
      'search p99',
      'healthz p99',
      'CPU',
      'RSS MB',
    ],
    [...rows(result.sustained), ...rows(result.peak)],
  )}${problems.join('')}`;
}

function flag(args: readonly string[], name: string, fallback: number): number {
  const at = args.indexOf(`--${name}`);
  if (at === -1) return fallback;
  const value = Number(args[at + 1]);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name} needs a positive number`);
  return value;
}

export function dropWaveOptions(args: readonly string[]): DropWaveOptions {
  return {
    rate: flag(args, 'rate', 100),
    seconds: flag(args, 'seconds', 300),
    searchesPerSecond: flag(args, 'searches', 5),
    periodSeconds: flag(args, 'period', 60),
    peakRate: flag(args, 'peak-rate', 1000),
    peakSeconds: flag(args, 'peak-seconds', 30),
  };
}

/** Each engine the machine has: SQLite, and PostgreSQL in a fresh database when a URL is set. */
export async function benchDropWaves(options: DropWaveOptions, engines?: readonly string[]): Promise<DropWaveResult[]> {
  const results: DropWaveResult[] = [];
  if (engines === undefined || engines.includes('sqlite')) results.push(await benchDropWave('sqlite', options));
  const base = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL;
  if (base !== undefined && (engines === undefined || engines.includes('postgres'))) {
    results.push(await withBenchDatabase(base, (url) => benchDropWave('postgres', options, url)));
  }
  return results;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  runMain('drop-wave bench', async () => {
    const args = process.argv.slice(2);
    const at = args.indexOf('--engines');
    const engines = at === -1 ? undefined : (args[at + 1] ?? '').split(',');
    const options = dropWaveOptions(args);
    process.stdout.write(`${describeMachine(machineFacts())}\n`);
    const results = await benchDropWaves(options, engines);
    for (const result of results) process.stdout.write(`\n${dropWaveTable(result)}\n`);
    process.stdout.write(`\n${JSON.stringify({ dropWave: results })}\n`);
  });
}
