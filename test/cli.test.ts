import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StoreUnavailableError } from '../src/calls/call-store.js';
import type { SearchPage } from '../src/calls/search-page.js';
import type { CliIo } from '../src/cli/io.js';
import { CLI_COMMANDS } from '../src/cli/main.js';
import { generateDataset } from '../src/demo/dataset.js';
import { type DemoServer, startDemoServer } from '../src/demo/server.js';
import { openCallStore } from '../src/store/open-call-store.js';
import { normalizeRecord } from '../src/tencent/normalize-record.js';
import { runCli } from './support/cli.js';

/** main() in-process with captured output; demo mode unless `env` says otherwise. */
const run = (argv: string[], overrides: Partial<CliIo> = {}) => runCli(argv, overrides);

describe('calls in demo mode (no configuration at all)', () => {
  it('prints a table, the page, the count and the query in words, and says it is demo data', async () => {
    const { code, stdout, stderr } = await run(['calls', 'last:24h']);
    expect(code).toBe(0);
    expect(stderr).toMatch(/^Demo mode/);
    expect(stdout).toMatch(/Start \(UTC\)\s+Result\s+Media\s+Type\s+Caller → callees\s+Talk\s+Cause\s+CallId/);
    expect(stdout).toMatch(/page 1 of \d+, \d+ calls: all calls, /);
    expect(stdout.split('\n').filter((line) => /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} /.test(line))).toHaveLength(10);
  });

  it('--json prints the SearchPage as valid JSON on stdout (the demo notice goes to stderr)', async () => {
    const { code, stdout, stderr } = await run(['calls', 'user:147', 'yesterday', '--json', '--page', '2']);
    expect(code).toBe(0);
    expect(stderr).toMatch(/Demo mode/);
    const page = JSON.parse(stdout) as SearchPage;
    expect(page.page).toBe(2);
    expect(page.pageSize).toBe(10);
    expect(page.query.users).toEqual(['147']);
    expect(Array.isArray(page.records)).toBe(true);
    expect(page.total).toBeGreaterThan(10);
  });

  it('--tz shows times and the day in that zone', async () => {
    const { code, stdout } = await run(['calls', 'today', '--tz', 'Asia/Shanghai']);
    expect(code).toBe(0);
    expect(stdout).toContain('Start (Asia/Shanghai)');
    expect(stdout).toContain('(Asia/Shanghai)');
  });

  it('uses DEFAULT_TIMEZONE when there is no --tz', async () => {
    const { stdout } = await run(['calls', 'last:2h'], { env: { DEFAULT_TIMEZONE: 'Europe/Berlin' } });
    expect(stdout).toContain('Start (Europe/Berlin)');
  });

  it('id: shows one call in detail; an unknown CallId fails with exit 1', async () => {
    // One clock for both runs: a fresh demo backend at the same time regenerates the same seeded records, so the
    // CallId exists there too (the dataset's hourly rhythm reads the time of day: a second later, other calls).
    const at = Math.floor(Date.now() / 1000);
    const listed = JSON.parse((await run(['calls', 'last:24h', '--json'], { now: () => at })).stdout) as SearchPage;
    const callId = listed.records[0]?.callId as string;
    const found = await run(['calls', `id:${callId}`], { now: () => at });
    expect(found.code).toBe(0);
    expect(found.stdout).toMatch(new RegExp(`^CallId\\s+${callId}$`, 'm'));
    expect(found.stdout).toMatch(/^Talk time /m);
    const missing = await run(['calls', 'id:00000000-0000-4000-8000-000000000000']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/No call with CallId 00000000-0000-4000-8000-000000000000/);
  });

  it('help prints the usage and the grammar', async () => {
    const { code, stdout } = await run(['calls', 'help']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^usage: npm run calls -- "<query>"/);
    expect(stdout).toContain('result:<r>');
  });

  it('a store that does not answer fails with one line on stderr and exit 1', async () => {
    const { code, stdout, stderr } = await run(['calls', 'user:147'], {
      createBackend: async () => Promise.reject(new StoreUnavailableError('SQLITE_CANTOPEN: unable to open')),
    });
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/^calls: The call-record store is unavailable right now/);
    expect(stderr).not.toContain('SQLITE');
  });
});

describe('calls against a configured server (live mode)', () => {
  let server: DemoServer;
  let dataDir: string;
  const env = () => ({
    TENCENT_SDKAPPID: String(server.sdkAppId),
    TENCENT_SECRET_KEY: server.secretKey,
    TENCENT_API_BASE_URL: server.url,
    DATA_DIR: dataDir,
  });
  beforeAll(async () => {
    const now = Math.floor(Date.now() / 1000);
    server = await startDemoServer({ records: generateDataset({ seed: 9, now, callsPerDay: 80 }) });
    // The store the app's sync keeps: the CLI reads it as it is.
    dataDir = mkdtempSync(path.join(tmpdir(), 'callkit-cli-test-'));
    const store = await openCallStore({ dataDir, retentionDays: 90 });
    await store.upsertCalls(
      server.records.flatMap((wire) => {
        const normalized = normalizeRecord(wire, now);
        return normalized.ok ? [normalized.record] : [];
      }),
    );
    await store.writeSyncState({ coveredFrom: now - 7 * 86_400, backfillDone: true, lastSyncAt: now });
    await store.close();
  });
  afterAll(async () => {
    await server.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it.each([
    { argv: ['calls', 'resut:missed'], token: 'resut:' },
    { argv: ['calls', 'result:misssed'], token: 'misssed' },
    { argv: ['calls', 'user:147', 'media:hologram'], token: 'hologram' },
    { argv: ['calls', 'from:2026-13-45'], token: '2026-13-45' },
  ])('bad input $argv exits 2, names $token on stderr, and sends nothing', async ({ argv, token }) => {
    server.resetStats();
    const { code, stdout, stderr } = await run(argv, { env: env() });
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain(token);
    expect(server.stats.requests).toBe(0);
  });

  it.each([
    [['calls', 'last:24h', '--page', 'two']],
    [['calls', 'last:24h', '--page', '0']],
    [['calls', 'last:24h', '--tz', 'Mars/Olympus']],
    [['calls', 'last:24h', '--colour']],
  ])('bad options %j exit 2 and send nothing', async (argv) => {
    server.resetStats();
    const { code, stderr } = await run(argv, { env: env() });
    expect(code).toBe(2);
    expect(stderr).not.toBe('');
    expect(server.stats.requests).toBe(0);
  });

  it('a good query reads the store the app keeps, with no Tencent request and no demo notice', async () => {
    server.resetStats();
    const { code, stdout, stderr } = await run(['calls', 'result:interrupted', 'last:3d'], { env: env() });
    expect(code).toBe(0);
    expect(stderr).toBe('');
    expect(stdout).toMatch(/page 1 of \d+, \d+ calls: interrupted calls, /);
    expect(server.stats.requests).toBe(0);
  });

  it('a Tencent failure (wrong key) on an id: lookup the store cannot answer is one line on stderr and exit 1', async () => {
    const { code, stderr } = await run(['calls', 'id:00000000-0000-4000-8000-000000000000'], {
      env: { ...env(), TENCENT_SECRET_KEY: 'wrong-key-wrong-key' },
    });
    expect(code).toBe(1);
    expect(stderr.split('\n')).toHaveLength(1);
    expect(stderr).toMatch(/^calls: Tencent: /);
    expect(stderr).not.toContain('wrong-key-wrong-key');
  });

  it('invalid configuration names the problem and exits 1', async () => {
    const { code, stderr } = await run(['calls', 'last:24h'], { env: { TENCENT_SDKAPPID: '1400000001' } });
    expect(code).toBe(1);
    expect(stderr).toContain('TENCENT_SECRET_KEY');
  });
});

describe('subcommands', () => {
  it('dispatches through a table: calls, summary, demo-server', () => {
    expect(Object.keys(CLI_COMMANDS)).toEqual(expect.arrayContaining(['calls', 'summary', 'demo-server']));
  });

  it('an unknown command exits 2 with the usage', async () => {
    const { code, stderr } = await run(['callz']);
    expect(code).toBe(2);
    expect(stderr).toMatch(/unknown command "callz"/);
    expect(stderr).toMatch(/calls/);
  });

  it('demo-server with a bad option exits 2', async () => {
    const { code, stderr } = await run(['demo-server', '--port', 'x']);
    expect(code).toBe(2);
    expect(stderr).toMatch(/--port/);
  });
});

describe('the real process (smoke test)', () => {
  it('npx tsx src/cli.ts calls works with no configuration, prints the table and exits promptly', async () => {
    const env = { ...process.env, TENCENT_SDKAPPID: '', TENCENT_SECRET_KEY: '', TENCENT_API_BASE_URL: '' };
    const child = spawn('npx', ['tsx', 'src/cli.ts', 'calls', 'last:24h'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
    expect(stderr).toMatch(/Demo mode/);
    expect(stdout).toMatch(/page 1 of \d+, \d+ calls/);
    expect(code).toBe(0);
  }, 60_000);
});
