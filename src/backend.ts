import type { WireCallRecord } from './calls/records.js';
import { CallSearch, type CallSearchOptions } from './calls/search-calls.js';
import type { Config } from './config.js';
import { generateDataset } from './demo/dataset.js';
import { type DemoServer, startDemoServer } from './demo/server.js';
import type { Logger } from './logger.js';
import { TencentCallRecordsClient } from './tencent/client.js';

export interface CallRecordsBackend {
  /** The real Tencent client: pointed at Tencent, or at the embedded demo server over HTTP. */
  api: TencentCallRecordsClient;
  search: CallSearch;
  /** True when the records are generated demo data (no TENCENT_SDKAPPID configured). */
  demo: boolean;
  demoServer?: DemoServer;
  /** Closes the client's connections and the demo server, if any. Safe to call more than once. */
  close(): Promise<void>;
}

export interface BackendOptions {
  logger?: Logger;
  demo?: {
    /** Default: generated calls for the last 7 days. */
    records?: WireCallRecord[];
    /** Added to every demo answer, to feel like a real network. */
    latencyMs?: number;
  };
  search?: CallSearchOptions;
}

/**
 * The Tencent side of the app, shared by the Slack app and the CLI. Live mode talks to Tencent; demo mode
 * (no TENCENT_SDKAPPID) starts the demo API server on a loopback port and talks to it through the same client,
 * over HTTP, so demo mode exercises everything a real deployment does.
 */
export async function createCallRecordsBackend(
  config: Config,
  options: BackendOptions = {},
): Promise<CallRecordsBackend> {
  const logger = options.logger;
  if (config.tencent.mode === 'live') {
    const tencent = config.tencent;
    const api = new TencentCallRecordsClient({
      sdkAppId: tencent.sdkAppId,
      secretKey: tencent.secretKey.reveal(),
      adminUser: tencent.adminUser,
      region: tencent.region,
      ...(tencent.baseUrl === undefined ? {} : { baseUrl: tencent.baseUrl }),
      maxQps: config.maxQps,
      ...(logger === undefined ? {} : { logger }),
    });
    return backend(api, new CallSearch(api, options.search), false, undefined);
  }

  const demoServer = await startDemoServer({
    records: options.demo?.records ?? generateDataset({ seed: 42, now: Math.floor(Date.now() / 1000) }),
    ...(options.demo?.latencyMs === undefined ? {} : { latencyMs: options.demo.latencyMs }),
  });
  let api: TencentCallRecordsClient;
  try {
    api = new TencentCallRecordsClient({
      sdkAppId: demoServer.sdkAppId,
      secretKey: demoServer.secretKey,
      adminUser: demoServer.adminUser,
      baseUrl: demoServer.url,
      maxQps: config.maxQps,
      ...(logger === undefined ? {} : { logger }),
    });
  } catch (error) {
    await demoServer.close();
    throw error;
  }
  logger?.info({ url: demoServer.url, records: demoServer.records.length }, 'demo mode: embedded demo API server');
  return backend(api, new CallSearch(api, options.search), true, demoServer);
}

function backend(
  api: TencentCallRecordsClient,
  search: CallSearch,
  demo: boolean,
  demoServer: DemoServer | undefined,
): CallRecordsBackend {
  let closing: Promise<void> | undefined;
  return {
    api,
    search,
    demo,
    ...(demoServer === undefined ? {} : { demoServer }),
    close() {
      closing ??= (async () => {
        try {
          await api.close();
        } finally {
          await demoServer?.close();
        }
      })();
      return closing;
    },
  };
}
