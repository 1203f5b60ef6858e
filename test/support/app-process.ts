/**
 * The real app (`src/app.ts`) as a child process, the way `npm start` runs it: configuration from the
 * environment, JSON logs on stdout, signal handlers installed. Used by the SIGTERM test and by `npm run bench`
 * (so the app's event loop is not shared with the load generator and the fakes).
 *
 * The child learns nothing from the parent but its environment. Give it a fake Slack (SLACK_API_URL) and,
 * for live mode, a demo Tencent server (TENCENT_API_BASE_URL…); its port is read from its "listening" log line,
 * so LOG_LEVEL must be `info` or lower.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const APP = fileURLToPath(new URL('../../src/app.ts', import.meta.url));

export interface AppProcess {
  child: ChildProcess;
  pid: number;
  port: number;
  /** `http://127.0.0.1:<port>` */
  url: string;
  eventsUrl: string;
  /** Every JSON log line so far, parsed (non-JSON lines are kept as `{ raw }`). */
  logs: Array<Record<string, unknown>>;
  stderr(): string;
  /** Resolves with the first log line (past or future) that matches. */
  waitForLog(match: (line: Record<string, unknown>) => boolean, timeoutMs?: number): Promise<Record<string, unknown>>;
  /** Resolves when the child has exited. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGKILL if still running (cleanup of a failed test). */
  kill(): void;
}

export interface SpawnAppOptions {
  /** The child's whole environment on top of PATH/HOME (nothing else of the parent's leaks in). */
  env: Record<string, string>;
  /** How long to wait for the "listening" line; default 30 s (start-up loads TypeScript through tsx). */
  startTimeoutMs?: number;
  /** Extra node options (e.g. `--cpu-prof`). */
  nodeArgs?: string[];
  /**
   * A compiled build of src/app.ts to run with plain node (as `npm start` runs dist/app.js); default: the
   * TypeScript source through tsx.
   */
  compiledApp?: string;
}

/** Variables the app reads that must not come from a stray `.env` or the parent's environment. */
const BLANK_ENV = {
  SLACK_APP_TOKEN: '',
  TENCENT_SDKAPPID: '',
  TENCENT_SECRET_KEY: '',
  TENCENT_API_BASE_URL: '',
  SUMMARY_CHANNEL: '',
  SUMMARY_TIME: '',
  ALLOWED_SLACK_USERS: '',
  ALLOWED_SLACK_CHANNELS: '',
};

export async function spawnApp(options: SpawnAppOptions): Promise<AppProcess> {
  // Its own embedded store, removed once it has exited (never the repository's ./data).
  const dataDir = mkdtempSync(path.join(tmpdir(), 'callkit-process-'));
  const child = spawn(
    process.execPath,
    [
      ...(options.nodeArgs ?? []),
      ...(options.compiledApp === undefined ? ['--import', 'tsx', APP] : [options.compiledApp]),
    ],
    {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '',
        NODE_ENV: 'production',
        ...BLANK_ENV,
        DATA_DIR: dataDir,
        ...options.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const logs: Array<Record<string, unknown>> = [];
  const watchers = new Set<() => void>();
  let stderr = '';
  let pending = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    pending += chunk;
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) {
      if (line.trim() === '') continue;
      try {
        logs.push(JSON.parse(line) as Record<string, unknown>);
      } catch {
        logs.push({ raw: line });
      }
    }
    for (const watcher of watchers) watcher();
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => {
      rmSync(dataDir, { recursive: true, force: true });
      resolve({ code, signal });
      for (const watcher of watchers) watcher();
    });
  });

  const waitForLog = (match: (line: Record<string, unknown>) => boolean, timeoutMs = 10_000) =>
    new Promise<Record<string, unknown>>((resolve, reject) => {
      const check = () => {
        const found = logs.find(match);
        if (found !== undefined) {
          done();
          resolve(found);
        } else if (child.exitCode !== null || child.signalCode !== null) {
          done();
          reject(
            new Error(`the app exited (${child.exitCode ?? child.signalCode}) first; stderr: ${stderr.slice(-1000)}`),
          );
        }
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`no matching log line within ${timeoutMs} ms; stderr: ${stderr.slice(-1000)}`));
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        watchers.delete(check);
      };
      watchers.add(check);
      check();
    });

  const kill = () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  };

  let listening: Record<string, unknown>;
  try {
    listening = await waitForLog(
      (line) => typeof line.port === 'number' && String(line.msg ?? '').startsWith('listening'),
      options.startTimeoutMs ?? 30_000,
    );
  } catch (error) {
    kill();
    throw error;
  }
  const port = listening.port as number;
  const url = `http://127.0.0.1:${port}`;
  return {
    child,
    pid: child.pid as number,
    port,
    url,
    eventsUrl: `${url}/slack/events`,
    logs,
    stderr: () => stderr,
    waitForLog,
    exited,
    kill,
  };
}
