/**
 * Limits on the app's HTTP servers (Bolt's HTTPReceiver, the Socket Mode /healthz server, any server of ours).
 * Node's defaults let a client send a body one byte at a time for as long as it likes and hold any number of
 * half-sent requests; Slack sends small requests at once and gives up on an answer after 3 seconds, so a slow or
 * idle client is not Slack.
 */
import type { Server, ServerOptions } from 'node:http';

export interface ServerLimits {
  /** The whole header block must arrive within this (from the connection's start or the previous request's end). */
  headersTimeoutMs: number;
  /** The whole request, body included: a Slack payload is a few kilobytes sent at once. */
  requestTimeoutMs: number;
  /** An idle kept-alive connection is closed after this. */
  keepAliveTimeoutMs: number;
  /** Connections open at once; more are closed as they arrive. */
  maxConnections: number;
  /** How often Node checks the two timeouts above (they are enforced to this granularity). */
  checkIntervalMs: number;
}

export const SERVER_LIMITS: ServerLimits = {
  // Slack's answer deadline is 3 s: 10 s for headers and 15 s for a whole request leave a slow network room.
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 15_000,
  // Node's default: long enough to reuse a connection for a burst of requests, short enough not to hoard sockets.
  keepAliveTimeoutMs: 5_000,
  // Far above what Slack needs (a burst of commands is tens of requests), far below what exhausts file descriptors.
  maxConnections: 256,
  // Node checks every 30 s by default, which would let a slow client hold on up to 30 s past the timeouts.
  checkIntervalMs: 1_000,
};

/** `http.createServer` options for `limits` (the timeouts, and how often they are checked). */
export function serverOptions(limits: ServerLimits): ServerOptions {
  return {
    headersTimeout: limits.headersTimeoutMs,
    requestTimeout: limits.requestTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    connectionsCheckingInterval: limits.checkIntervalMs,
  };
}

/** Applies `limits` to a server already created (the cap, and the timeouts again should the options be ignored). */
export function limitServer(server: Server, limits: ServerLimits): void {
  server.headersTimeout = limits.headersTimeoutMs;
  server.requestTimeout = limits.requestTimeoutMs;
  server.keepAliveTimeout = limits.keepAliveTimeoutMs;
  server.maxConnections = limits.maxConnections;
}
