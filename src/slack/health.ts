/**
 * `GET /healthz` → 200 `{"ok":true}`: a Bolt custom route in HTTP mode, and a tiny node:http server of its own in
 * Socket Mode (where Bolt binds no port, but a platform such as Heroku still expects one).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { CustomRoute } from '@slack/bolt';
import { limitServer, SERVER_LIMITS, type ServerLimits, serverOptions } from '../server-limits.js';

export const HEALTH_PATH = '/healthz';
const HEALTHY = JSON.stringify({ ok: true });

function answerHealth(_req: IncomingMessage, res: ServerResponse): void {
  res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(HEALTHY);
}

export const healthRoute: CustomRoute = { path: HEALTH_PATH, method: ['GET', 'HEAD'], handler: answerHealth };

export interface HealthServer {
  server: Server;
  port: number;
  close(): Promise<void>;
}

/** Socket Mode: a server that answers only `/healthz` (404 elsewhere). */
export async function startHealthServer(
  port: number,
  host?: string,
  limits: ServerLimits = SERVER_LIMITS,
): Promise<HealthServer> {
  const server = createServer(serverOptions(limits), (req, res) => {
    const path = new URL(req.url ?? '/', 'http://health.invalid').pathname;
    if (path === HEALTH_PATH && (req.method === 'GET' || req.method === 'HEAD')) answerHealth(req, res);
    else res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: false }));
  });
  limitServer(server, limits);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return {
    server,
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      }),
  };
}
