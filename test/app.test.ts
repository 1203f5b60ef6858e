/**
 * `src/app.ts` as a process (plain node with tsx's loader, as `npm start` runs node, from an empty directory so no
 * `.env` is read): the start-up guide, configuration errors, and a real start → /healthz → SIGTERM → exit 0 against
 * the fake Slack Web API. Not through the tsx command: it relays a signal and SIGKILLs a child that has not
 * acknowledged it within 60 ms, which a busy machine and the sync's batch writes can exceed.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { DEMO_SDK_APP_ID } from '../src/demo/server.js';
import { startFakeSlack } from './support/fake-slack.js';
import { waitFor } from './support/wait.js';

const ROOT = resolve(import.meta.dirname, '..');
const TSX_LOADER = pathToFileURL(join(ROOT, 'node_modules/tsx/dist/loader.mjs')).href;
const APP = join(ROOT, 'src/app.ts');
/** A generous bound on the first start (process, demo data, first sync); only a hung start reaches it. */
const STARTUP_BOUND_MS = 120_000;
const emptyDir = mkdtempSync(join(tmpdir(), 'callkit-app-'));

afterAll(() => rmSync(emptyDir, { recursive: true, force: true }));

interface Run {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

function runApp(env: Record<string, string>): Run {
  const child = spawn(process.execPath, ['--import', TSX_LOADER, APP], {
    cwd: emptyDir,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? emptyDir, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  return { child, output: () => output, exited };
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as { port: number };
  await new Promise<void>((done) => server.close(() => done()));
  return port;
}

describe.concurrent('npm start (src/app.ts)', () => {
  it('without Slack credentials, exits non-zero with a short guide', async () => {
    const run = runApp({});
    expect(await run.exited).not.toBe(0);
    const guide = run.output();
    for (const needed of [
      'manifest.yml',
      'SLACK_BOT_TOKEN',
      'SLACK_SIGNING_SECRET',
      'SLACK_APP_TOKEN',
      'Socket Mode',
    ]) {
      expect(guide).toContain(needed);
    }
    expect(guide).toContain('npm run calls');
  });

  it('with invalid configuration, names every problem and exits non-zero', async () => {
    const run = runApp({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_APP_TOKEN: 'xapp-1', PORT: 'abc', TENCENT_REGION: 'mars' });
    expect(await run.exited).not.toBe(0);
    expect(run.output()).toContain('PORT');
    expect(run.output()).toContain('TENCENT_REGION');
  });

  it(
    'starts in HTTP mode, answers /healthz, and exits 0 on SIGTERM',
    async () => {
      const slack = await startFakeSlack();
      const port = await freePort();
      const run = runApp({
        SLACK_BOT_TOKEN: slack.token,
        SLACK_SIGNING_SECRET: 'smoke-test-signing-secret',
        SLACK_API_URL: slack.apiUrl,
        PORT: String(port),
        LOG_LEVEL: 'info',
        TENCENT_CALLBACK_TOKEN: 'smoke-test-callback-token',
      });
      try {
        // Waits on the event (health reporting the demo store's first sync done), not on a time: the sync's length
        // scales with the machine's load. The bound only keeps a hung start from hanging the suite; a process that
        // exits meanwhile fails at once.
        let exitCode: number | null | undefined;
        void run.exited.then((code) => {
          exitCode = code;
        });
        const health = await waitFor(
          async () => {
            if (exitCode !== undefined)
              throw new Error(`the app exited (${exitCode}) before its first sync:\n${run.output()}`);
            const response = await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => undefined);
            const body =
              response?.status === 200 ? ((await response.json()) as { store: { lastSyncAt: unknown } }) : undefined;
            return body?.store.lastSyncAt ? body : undefined;
          },
          { timeoutMs: STARTUP_BOUND_MS, intervalMs: 100, what: `/healthz on port ${port} to report the first sync` },
        );
        expect(health).toMatchObject({ ok: true, store: { engine: 'sqlite' } });
        // The Tencent callback on the same port, for the demo server's SDKAppID.
        const now = Math.floor(Date.now() / 1000);
        const callback = await fetch(
          `http://127.0.0.1:${port}/tencent/callback/smoke-test-callback-token?SdkAppid=${DEMO_SDK_APP_ID}&CallbackCommand=Call.CallbackAfterEndCall`,
          {
            method: 'POST',
            body: JSON.stringify({
              CallbackCommand: 'Call.CallbackAfterEndCall',
              CallRecord: {
                CallId: 'smoke-callback',
                Caller_Account: '1',
                MediaType: 'Audio',
                CallType: 'SingleCall',
                StartTime: now - 10,
                EndTime: now,
                AcceptTime: 0,
                CallResult: 'NotAnswer',
                CalleeList_Account: ['1', '2'],
                RoomId: 'r',
                RoomIdType: 2,
              },
            }),
          },
        );
        expect(await callback.json()).toEqual({ ActionStatus: 'OK', ErrorInfo: '', ErrorCode: 0 });
        run.child.kill('SIGTERM');
        expect(await run.exited).toBe(0);
        expect(run.output()).toContain('stopped');
        expect(run.output()).not.toContain(slack.token);
        expect(run.output()).not.toContain('smoke-test-signing-secret');
        expect(run.output()).not.toContain('smoke-test-callback-token');
      } finally {
        run.child.kill('SIGKILL');
        await slack.close();
      }
    },
    STARTUP_BOUND_MS + 30_000,
  );
});
