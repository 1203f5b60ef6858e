/** The parent side of bench/demo-server-child.ts: start it, query its stats, stop it. */
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { DemoServerStats } from '../../src/demo/server.js';
import type { DemoChildOptions, DemoChildReady } from '../demo-server-child.js';

const CHILD = fileURLToPath(new URL('../demo-server-child.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const START_TIMEOUT_MS = 60_000;
const COMMAND_TIMEOUT_MS = 10_000;

export interface DemoServerProcess {
  url: string;
  sdkAppId: number;
  secretKey: string;
  adminUser: string;
  records: number;
  pid: number;
  stats(): Promise<DemoServerStats>;
  resetStats(): Promise<void>;
  setLatency(ms: number): Promise<void>;
  close(): Promise<void>;
}

export async function startDemoServerProcess(options: DemoChildOptions): Promise<DemoServerProcess> {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', CHILD], {
    cwd: ROOT,
    env: { ...process.env, BENCH_DEMO_SERVER: JSON.stringify(options) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  let nextId = 1;
  const waiting = new Map<number, (message: Record<string, unknown>) => void>();

  const ready = await new Promise<DemoChildReady>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error('the demo server child did not start in time'));
    }, START_TIMEOUT_MS);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the demo server child exited with ${code} before it was ready`));
    });
    child.on('message', (raw) => {
      const message = raw as Record<string, unknown>;
      if (message.type === 'ready') {
        clearTimeout(timer);
        resolve(message as unknown as DemoChildReady);
        return;
      }
      const id = message.id as number;
      waiting.get(id)?.(message);
      waiting.delete(id);
    });
  });

  const command = (body: Record<string, unknown>) =>
    new Promise<Record<string, unknown>>((resolve, reject) => {
      const id = nextId++;
      const timer = setTimeout(() => {
        waiting.delete(id);
        reject(new Error(`the demo server child did not answer ${String(body.type)}`));
      }, COMMAND_TIMEOUT_MS);
      waiting.set(id, (message) => {
        clearTimeout(timer);
        resolve(message);
      });
      child.send({ id, ...body });
    });

  let closing: Promise<void> | undefined;
  return {
    ...ready,
    pid: child.pid as number,
    stats: async () => (await command({ type: 'stats' })).stats as DemoServerStats,
    resetStats: async () => void (await command({ type: 'reset' })),
    setLatency: async (ms) => void (await command({ type: 'latency', ms })),
    close() {
      closing ??= (async () => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
        try {
          await command({ type: 'close' });
        } catch {
          child.kill('SIGKILL');
        }
        const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
        await exited;
        clearTimeout(timer);
      })();
      return closing;
    },
  };
}
