/**
 * The operator's routes, on PORT in both Slack modes: `GET /metrics` (Prometheus text; with METRICS_TOKEN it needs
 * `Authorization: Bearer <token>`), `GET /livez` (the process can serve: asks nothing else) and `GET /readyz` (the
 * store answers and, in Socket Mode, Slack is connected; 503 with the reason otherwise). `/healthz` stays as it is.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CustomRoute } from '@slack/bolt';
import type { Metrics } from '../shared/metrics.js';

export const METRICS_PATH = '/metrics';
export const LIVEZ_PATH = '/livez';
export const READYZ_PATH = '/readyz';

const NO_STORE = { 'cache-control': 'no-store' };

/** Equal in constant time whatever the lengths (both sides are hashed first). */
function tokenEquals(expected: string, given: string): boolean {
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(expected), digest(given));
}

function bearer(req: IncomingMessage): string | undefined {
  const header = req.headers.authorization;
  const match = typeof header === 'string' ? /^Bearer (\S+)$/i.exec(header) : null;
  return match?.[1];
}

export function metricsRoute(metrics: Pick<Metrics, 'text' | 'contentType'>, token?: string): CustomRoute {
  return {
    path: METRICS_PATH,
    method: ['GET'],
    handler: async (req: IncomingMessage, res: ServerResponse) => {
      if (token !== undefined) {
        const given = bearer(req);
        if (given === undefined || !tokenEquals(token, given)) {
          res
            .writeHead(401, { 'content-type': 'text/plain', 'www-authenticate': 'Bearer', ...NO_STORE })
            .end('METRICS_TOKEN is set: send Authorization: Bearer <token>\n');
          return;
        }
      }
      const body = await metrics.text();
      res.writeHead(200, { 'content-type': metrics.contentType, ...NO_STORE }).end(body);
    },
  };
}

export function livezRoute(): CustomRoute {
  return {
    path: LIVEZ_PATH,
    method: ['GET', 'HEAD'],
    handler: (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', ...NO_STORE }).end('{"ok":true}');
    },
  };
}

/** One thing `/readyz` needs: resolves with null when fine, or the reason it is not. */
export type ReadinessCheck = () => Promise<string | null>;

export interface ReadinessChecks {
  /** The store answers a query (it was migrated when it opened, before the server started). */
  store: ReadinessCheck;
  /** Socket Mode: the WebSocket to Slack is connected. */
  slack: ReadinessCheck;
}

export function readyzRoute(checks: ReadinessChecks): CustomRoute {
  return {
    path: READYZ_PATH,
    method: ['GET', 'HEAD'],
    handler: async (_req, res) => {
      const entries = Object.entries(checks) as Array<[keyof ReadinessChecks, ReadinessCheck]>;
      const results = await Promise.all(
        entries.map(async ([name, check]) => [name, await check().catch(() => 'the check failed')] as const),
      );
      const problems = Object.fromEntries(results.filter(([, problem]) => problem !== null));
      const ok = Object.keys(problems).length === 0;
      res
        .writeHead(ok ? 200 : 503, { 'content-type': 'application/json', ...NO_STORE })
        .end(JSON.stringify(ok ? { ok } : { ok, problems }));
    },
  };
}
