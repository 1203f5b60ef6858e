import { inspect } from 'node:util';
import type { WireCallRecord } from '../../src/calls/records.js';
import { generateDataset } from '../../src/demo/dataset.js';
import { type DemoServer, type DemoServerOptions, startDemoServer } from '../../src/demo/server.js';
import type { LogSink } from '../../src/shared/log-sink.js';
import { TencentCallRecordsClient, type TencentClientOptions } from '../../src/tencent/client.js';
import { PacedRateLimiter } from '../../src/tencent/rate-limiter.js';

export const NOW_S = Math.floor(Date.now() / 1000);

export interface LogLine {
  level: string;
  obj: object;
  msg: string | undefined;
}

/** A pino-like logger that keeps every line, so tests can look for secrets in what was logged. */
export function captureLogger(onLine?: (line: LogLine) => void): LogSink & { lines: LogLine[] } {
  const lines: LogLine[] = [];
  const at =
    (level: string) =>
    (obj: object, msg?: string): void => {
      const line = { level, obj, msg };
      lines.push(line);
      onLine?.(line);
    };
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

/** Things a test closes at the end. */
export class Resources {
  #closers: (() => Promise<void>)[] = [];

  async server(options: DemoServerOptions = {}): Promise<DemoServer> {
    const server = await startDemoServer({
      records: generateDataset({ seed: 7, now: NOW_S, days: 7, callsPerDay: 200 }),
      ...options,
    });
    this.#closers.push(() => server.close());
    return server;
  }

  /**
   * A client of `server`, with its own limiter (so tests do not share the process-wide one) and fast retries.
   */
  client(server: DemoServer, options: Partial<TencentClientOptions> = {}): TencentCallRecordsClient {
    const { retry, ...rest } = options;
    const client = new TencentCallRecordsClient({
      sdkAppId: server.sdkAppId,
      secretKey: server.secretKey,
      adminUser: server.adminUser,
      baseUrl: server.url,
      limiter: new PacedRateLimiter(options.maxQps ?? 1000),
      retry: { baseDelayMs: 5, maxDelayMs: 50, maxAttempts: 3, deadlineMs: 10_000, ...retry },
      ...rest,
    });
    this.#closers.push(() => client.close());
    return client;
  }

  async closeAll(): Promise<void> {
    const closers = this.#closers.splice(0).reverse();
    for (const close of closers) await close().catch(() => {});
  }
}

/** The records a query for [start, end] must return, by the demo server's rule (StartTime inclusive). */
export function expectedIds(
  records: WireCallRecord[],
  start: number,
  end: number,
  where: (r: WireCallRecord) => boolean = () => true,
): string[] {
  return records.filter((r) => r.StartTime >= start && r.StartTime <= end && where(r)).map((r) => r.CallId);
}

/** Every string a leaked secret could hide in: message, stack, JSON and the inspected cause chain. */
export function everythingSaidBy(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; depth < 6 && current !== undefined && current !== null; depth++) {
    if (current instanceof Error) parts.push(current.message, current.stack ?? '');
    parts.push(JSON.stringify(current) ?? '');
    current = (current as { cause?: unknown }).cause;
  }
  parts.push(inspect(error, { depth: 10, showHidden: true }));
  return parts.join('\n');
}

/** A zlib-deflated base64 UserSig looks like `eJw…` / `eJy…`; nothing we print should contain one. */
export const USERSIG_SHAPE = /eJ[wxyz][A-Za-z0-9*_-]{20,}/;
