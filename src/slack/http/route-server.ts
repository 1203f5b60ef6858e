/**
 * Socket Mode binds no port, but a platform such as Heroku still expects one, and `/healthz` must answer: a tiny
 * node:http server that serves the app's own routes (the same `CustomRoute`s HTTPReceiver serves in HTTP mode),
 * 404 elsewhere. What the routes are is decided by the wiring (src/wiring/service.ts), not here.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { CustomRoute } from '@slack/bolt';
import { limitServer, SERVER_LIMITS, type ServerLimits, serverOptions } from '../../shared/server-limits.js';

/** A route whose path has a parameter (the Tencent callback's token): it says itself which paths it serves. */
export interface MatchingRoute extends CustomRoute {
  matches(pathname: string): boolean;
}

function serves(route: CustomRoute, path: string): boolean {
  return 'matches' in route && typeof route.matches === 'function' ? Boolean(route.matches(path)) : route.path === path;
}

export interface RouteServer {
  server: Server;
  port: number;
  close(): Promise<void>;
}

export async function startRouteServer(
  port: number,
  host: string | undefined,
  routes: readonly CustomRoute[],
  limits: ServerLimits = SERVER_LIMITS,
): Promise<RouteServer> {
  const server = createServer(serverOptions(limits), (req, res) => {
    const path = new URL(req.url ?? '/', 'http://routes.invalid').pathname;
    const route = routes.find(
      (r) => serves(r, path) && [r.method].flat().some((m) => m.toUpperCase() === (req.method ?? 'GET')),
    );
    if (route === undefined) {
      // Bolt's answer to a path it does not serve, so both modes answer a wrong callback token alike.
      res.writeHead(404).end();
      return;
    }
    Promise.resolve(route.handler(req as never, res)).catch(() => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ ok: false }));
    });
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
