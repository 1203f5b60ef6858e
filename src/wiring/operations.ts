/**
 * The operations side of one app process, wired: the `/metrics`, `/livez` and `/readyz` routes, this process's
 * heartbeat in the store, and what `/calls status` gathers. wiring/service.ts creates it before the Slack app (the
 * routes go to startApp), then tells it how to ask whether Slack is connected once the app exists.
 */
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import type { CustomRoute } from '@slack/bolt';
import { operationsStatus, type ProcessInfo } from '../calls/operations-status.js';
import type { Config } from '../config/index.js';
import { type ProcessHeartbeat, startProcessHeartbeat } from '../jobs/process-heartbeat.js';
import { SYNC_LEASE } from '../jobs/sync-job.js';
import type { Logger } from '../shared/logger.js';
import type { OperationsServices } from '../slack/services.js';
import { readLease } from '../store/leases.js';
import { createProcessRegistry } from '../store/processes.js';
import type { CallRecordsBackend } from './backend.js';
import { livezRoute, metricsRoute, readyzRoute } from './operations-routes.js';

/** The app's version from package.json (npm sets it for `npm start`; read from the file otherwise). */
function appVersion(): string {
  if (process.env.npm_package_version) return process.env.npm_package_version;
  try {
    const text = readFileSync(new URL('../../package.json', import.meta.url), 'utf8');
    return String((JSON.parse(text) as { version?: unknown }).version ?? 'unknown');
  } catch {
    return 'unknown';
  }
}

export interface Operations {
  routes: CustomRoute[];
  services: OperationsServices;
  /** Once the Slack app exists: how `/readyz` learns whether Slack is connected. */
  attachSlack(slack: { mode: 'http' | 'socket'; slackConnected(): boolean }): void;
  /** Starts the heartbeat (after the app is up). */
  start(): ProcessHeartbeat;
}

export function createOperations(
  config: Config,
  backend: CallRecordsBackend,
  options: { logger: Logger; now?: () => number; heartbeatEveryMs?: number },
): Operations {
  const now = options.now ?? (() => Math.floor(Date.now() / 1000));
  const registry = createProcessRegistry(backend.store.db);
  const startedAt = now();
  const id = `${hostname()}/${process.pid}/${startedAt}/${Math.random().toString(36).slice(2, 8)}`;
  const version = appVersion();
  const self = (): ProcessInfo => {
    const at = now();
    return {
      id,
      host: hostname(),
      pid: process.pid,
      version,
      startedAt,
      heartbeatAt: at,
      syncHolder: backend.sync?.status.holderId ?? null,
      stats: {
        callbacks: backend.metrics?.recent.callbacks.lastHour(at) ?? {},
        tencent: backend.metrics?.recent.tencent.lastHour(at) ?? {},
      },
    };
  };
  let slack: { mode: 'http' | 'socket'; slackConnected(): boolean } | undefined;
  const routes: CustomRoute[] = [
    livezRoute(),
    readyzRoute({
      store: async () => {
        try {
          await backend.store.coverage();
          return null;
        } catch {
          return 'the call-record store is unavailable';
        }
      },
      slack: async () => {
        if (slack === undefined) return 'the Slack app is starting';
        return slack.slackConnected() ? null : 'Socket Mode is not connected to Slack';
      },
    }),
  ];
  if (backend.metrics !== undefined)
    routes.push(metricsRoute(backend.metrics, config.operations.metricsToken?.reveal()));

  const services: OperationsServices = {
    admins: config.operations.admins,
    async status() {
      const at = now();
      const optional = <T>(work: Promise<T>) => work.catch(() => null);
      const [coverage, openIncidents, processes, lease] = await Promise.all([
        optional(backend.store.coverage()),
        optional(backend.figures.incidentsOpen()),
        optional(registry.live(at)),
        optional(readLease(backend.store.db, SYNC_LEASE)),
      ]);
      return operationsStatus({
        now: at,
        coverage,
        openIncidents,
        processes: processes ?? [],
        self: self(),
        syncLeaseHolder: lease !== null && lease.expiresAt > at ? lease.holder : null,
      });
    },
  };

  return {
    routes,
    services,
    attachSlack(next) {
      slack = next;
    },
    start: () =>
      startProcessHeartbeat({
        registry,
        self,
        logger: options.logger.child({ component: 'heartbeat' }),
        ...(options.heartbeatEveryMs === undefined ? {} : { everyMs: options.heartbeatEveryMs }),
      }),
  };
}
