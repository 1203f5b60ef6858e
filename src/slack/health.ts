/**
 * `GET /healthz` → 200 `{"ok":true}`: a Bolt custom route in HTTP mode, and a tiny node:http server of its own in
 * Socket Mode (where Bolt binds no port, but a platform such as Heroku still expects one).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { CustomRoute } from '@slack/bolt';

export const HEALTH_PATH = '/healthz';
const HEALTHY = JSON.stringify({ ok: true });

function answerHealth(_req: IncomingMessage, res: ServerResponse): void {
  res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(HEALTHY);
}

export const healthRoute: CustomRoute = { path: HEALTH_PATH, method: ['GET', 'HEAD'], handler: answerHealth };

/** A route app.ts mounts beside Slack's (the Tencent callback): a Bolt custom route, and `matches` for Socket Mode. */
export interface ExtraRoute extends CustomRoute {
  matches(pathname: string): boolean;
}

export interface HealthServer {
  server: Server;
  port: number;
  close(): Promise<void>;
}

/** Socket Mode: a server that answers only `/healthz` and the `routes` given (404 elsewhere). */
export async function startHealthServer(
  port: number,
  host?: string,
  routes: readonly ExtraRoute[] = [],
): Promise<HealthServer> {
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://health.invalid').pathname;
    const route = routes.find((candidate) => candidate.matches(path));
    if (route) route.handler(Object.assign(req, { params: {} }), res);
    else if (path === HEALTH_PATH && (req.method === 'GET' || req.method === 'HEAD')) answerHealth(req, res);
    else res.writeHead(404).end();
  });
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
