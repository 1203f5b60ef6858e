/**
 * `npm run callback` as a real process (tsx src/cli.ts callback …) against a demo API server that keeps its callback
 * setting between runs, as Tencent keeps one per SDKAppID.
 */
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DemoServer, startDemoServer } from '../../src/demo/server.js';
import { runCli } from '../support/cli.js';

const TOKEN = 'cbTOKEN0123456789abcdef';
let server: DemoServer;

beforeAll(async () => {
  server = await startDemoServer({ records: [] });
});
afterAll(() => server.close());

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

const liveEnv = (env: Record<string, string> = {}) => ({
  TENCENT_SDKAPPID: String(server.sdkAppId),
  TENCENT_SECRET_KEY: server.secretKey,
  TENCENT_API_BASE_URL: server.url,
  TENCENT_CALLBACK_TOKEN: TOKEN,
  ...env,
});

/**
 * The same command in-process (still over real HTTP to the demo server), for the steps between the real runs: two
 * real processes (a set that succeeds, one that is refused) prove the exit codes and streams; the rest is the same code.
 */
async function inProcess(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return runCli(['callback', ...args], { env: liveEnv(env) });
}

/** `tsx src/cli.ts callback …` as its own process, as `npm run callback -- …` runs it. */
function callback(args: string[], env: Record<string, string> = {}): Promise<Run> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'callback', ...args], {
    env: { PATH: process.env.PATH ?? '', ...liveEnv(env) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, stdout, stderr })));
}

describe('npm run callback (a real process against the demo server)', () => {
  it('shows, sets, refuses to replace another URL, replaces with --force, and deletes', async () => {
    const none = await inProcess(['show']);
    expect(none).toMatchObject({ code: 0 });
    expect(none.stdout).toContain('No callback URL is set');

    const set = await callback(['set', 'https://calls.example.com/']);
    expect(set.code).toBe(0);
    // All three call callbacks by default: the events behind timelines, causes and /calls live.
    const all = 'Call.CallbackAfterStartCall, Call.CallbackAfterMemberChanged, Call.CallbackAfterEndCall';
    expect(set.stdout).toContain(`Set: Tencent now sends ${all} to https://calls.example.com/tencent/callback/cbTO…`);
    expect(server.callbackSetting()).toEqual({
      Url: `https://calls.example.com/tencent/callback/${TOKEN}`,
      CallbackCommandList: [
        'Call.CallbackAfterStartCall',
        'Call.CallbackAfterMemberChanged',
        'Call.CallbackAfterEndCall',
      ],
    });

    const shown = await inProcess(['show']);
    expect(shown.stdout).toContain("https://calls.example.com/tencent/callback/cbTO…  (this app's endpoint)");
    expect(shown.stdout).toContain(`Commands:     ${all}`);
    expect(shown.stdout).toContain('on   Call.CallbackAfterMemberChanged');
    expect(shown.stdout).toContain('Timelines, causes and /calls live: on.');

    const again = await inProcess(['set', 'https://calls.example.com']);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('Already set');

    // The customer's own backend takes the callback (as its own set_callback would).
    await inProcess(['set', 'https://their-backend.example.com', '--force'], {
      TENCENT_CALLBACK_TOKEN: 'otherTOKEN0123456789',
    });
    const refused = await callback(['set', 'https://calls.example.com']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('keeps only one callback URL per SDKAppID');
    expect(refused.stderr).toContain('https://their-backend.example.com/tencent/callback/othe…');
    // The person needs the full URL to forward to: given there, and only there.
    expect(refused.stderr).toContain(`https://calls.example.com/tencent/callback/${TOKEN}`);
    expect(refused.stderr).toContain('--force');
    expect(server.callbackSetting()?.Url).toBe(
      'https://their-backend.example.com/tencent/callback/otherTOKEN0123456789',
    );

    const notOurs = await inProcess(['delete']);
    expect(notOurs.code).toBe(1);
    expect(notOurs.stderr).toContain("not this app's");
    expect(server.callbackSetting()).toBeDefined();

    const forced = await inProcess(['set', 'https://calls.example.com', '--force']);
    expect(forced.code).toBe(0);
    expect(forced.stdout).toContain('(replaced https://their-backend.example.com/tencent/callback/othe…)');
    expect(server.callbackSetting()?.Url).toBe(`https://calls.example.com/tencent/callback/${TOKEN}`);

    const deleted = await inProcess(['delete']);
    expect(deleted.code).toBe(0);
    expect(server.callbackSetting()).toBeUndefined();

    // --end-only keeps the old set, and show says the events are off.
    const endOnly = await inProcess(['set', 'https://calls.example.com', '--end-only']);
    expect(endOnly.code).toBe(0);
    expect(server.callbackSetting()?.CallbackCommandList).toEqual(['Call.CallbackAfterEndCall']);
    const shownEndOnly = await inProcess(['show']);
    expect(shownEndOnly.stdout).toContain('off  Call.CallbackAfterStartCall');
    expect(shownEndOnly.stdout).toContain('Timelines, causes and /calls live: off');
    await inProcess(['delete']);

    for (const run of [none, set, shown, again, notOurs, forced, deleted]) {
      expect(run.stdout + run.stderr).not.toContain(TOKEN);
    }
  }, 120_000);
});

describe('callback arguments and settings (in-process)', () => {
  it.each([
    [[], 'say show, set or delete'],
    [['set'], 'set takes one argument'],
    [['set', 'calls.example.com'], 'must be a full URL'],
    [['set', 'ftp://calls.example.com'], 'must start with https://'],
    [['set', 'https://calls.example.com/?a=1'], 'must not have a query'],
    [['show', 'extra'], 'show takes no argument'],
    [['frobnicate'], 'unknown action'],
  ])('%o is refused with exit 2', async (args, message) => {
    const { code, stderr } = await runCli(['callback', ...args]);
    expect(code).toBe(2);
    expect(stderr).toContain(message);
  });

  it('set without TENCENT_CALLBACK_TOKEN says what to set', async () => {
    const { code, stderr } = await runCli(['callback', 'set', 'https://calls.example.com']);
    expect(code).toBe(1);
    expect(stderr).toContain('set TENCENT_CALLBACK_TOKEN first');
  });

  it('in demo mode it works and says the demo server forgets the setting', async () => {
    const { code, stdout, stderr } = await runCli(['callback', 'show']);
    expect(code).toBe(0);
    expect(stderr).toMatch(/^Demo mode/);
    expect(stdout).toContain('No callback URL is set');
  });
});
