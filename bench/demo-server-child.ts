/**
 * The demo Tencent server in a process of its own, for the bench: its dataset, its JSON encoding and its timers
 * stay out of the process being measured (as Tencent is remote in real life). Started by
 * `bench/lib/demo-server-process.ts`; options come in BENCH_DEMO_SERVER (JSON), commands over the IPC channel.
 */
import { generateDataset } from '../src/demo/dataset.js';
import { startDemoServer } from '../src/demo/server.js';

export interface DemoChildOptions {
  dataset: { seed: number; now: number; days: number; callsPerDay: number };
  maxPageSize: number;
  rateLimit: number;
  latencyMs: number;
}

export type DemoChildCommand =
  | { id: number; type: 'stats' }
  | { id: number; type: 'reset' }
  | { id: number; type: 'latency'; ms: number }
  | { id: number; type: 'rate-limit'; perSecond: number }
  | { id: number; type: 'close' };

export interface DemoChildReady {
  type: 'ready';
  url: string;
  sdkAppId: number;
  secretKey: string;
  adminUser: string;
  records: number;
}

async function main(): Promise<void> {
  const options = JSON.parse(process.env.BENCH_DEMO_SERVER ?? '{}') as DemoChildOptions;
  const server = await startDemoServer({
    records: generateDataset(options.dataset),
    maxPageSize: options.maxPageSize,
    rateLimit: options.rateLimit,
    latencyMs: options.latencyMs,
  });
  const send = (message: object) => process.send?.(message);
  process.on('message', (raw) => {
    const command = raw as DemoChildCommand;
    switch (command.type) {
      case 'stats':
        send({ id: command.id, stats: { ...server.stats } });
        break;
      case 'reset':
        server.resetStats();
        send({ id: command.id });
        break;
      case 'latency':
        server.setLatency(command.ms);
        send({ id: command.id });
        break;
      case 'rate-limit':
        server.setRateLimit(command.perSecond);
        send({ id: command.id });
        break;
      case 'close':
        void server.close().then(() => {
          send({ id: command.id });
          process.disconnect?.();
          process.exit(0);
        });
        break;
    }
  });
  // The parent went away: do not linger.
  process.on('disconnect', () => process.exit(0));
  const ready: DemoChildReady = {
    type: 'ready',
    url: server.url,
    sdkAppId: server.sdkAppId,
    secretKey: server.secretKey,
    adminUser: server.adminUser,
    records: server.records.length,
  };
  send(ready);
}

main().catch((error: unknown) => {
  process.stderr.write(`demo server child failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
