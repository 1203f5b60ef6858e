/**
 * The door in front of Bolt's HTTPReceiver for `POST /slack/events`: the body is read (bounded), the timestamp and
 * signature checked, and the body's shape checked, before Bolt sees the request. Bolt refuses only stale
 * timestamps, not future ones, and assumes Slack's shapes (see request-shape.ts); here a request fails closed, with
 * an answer at once, and reaches no listener (so nothing reaches Slack or Tencent).
 */
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { parse as parseForm } from 'node:querystring';
import { type HTTPReceiver, isValidSlackRequest } from '@slack/bolt';
import type { Logger } from '../../shared/logger.js';
import { checkRequestBody } from './request-shape.js';

/** Slack's verification guide: refuse any request stamped more than five minutes from now, either way. */
export const MAX_CLOCK_SKEW_SECONDS = 300;

/** Bolt's own limit for a request body; Slack's payloads are far smaller. */
export const MAX_BODY_BYTES = 4 * 1024 * 1024;

export interface RequestGateOptions {
  signingSecret: string;
  /** The paths Bolt receives Slack's requests on. */
  paths: readonly string[];
  logger: Logger;
  /** Milliseconds; default the real clock (signatures are stamped in real time). */
  nowMs?: () => number;
}

type Verdict = { ok: true; body: Buffer } | { ok: false; status: number; reason: string };

function readBounded(req: IncomingMessage, limit: number): Promise<Buffer | 'too-large'> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.removeAllListeners('data');
        req.resume();
        resolve('too-large');
        return;
      }
      chunks.push(chunk);
    });
    req.once('end', () => resolve(Buffer.concat(chunks, size)));
    req.once('error', reject);
  });
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return typeof value === 'string' ? value : undefined;
}

async function judge(req: IncomingMessage, options: RequestGateOptions): Promise<Verdict> {
  const body = await readBounded(req, MAX_BODY_BYTES);
  if (body === 'too-large') return { ok: false, status: 413, reason: 'body too large' };
  const text = body.toString('utf8');
  const contentType = header(req, 'content-type');
  // Slack's TLS check of a slash command URL is unsigned; Bolt answers it and strips anything else from it.
  if (contentType === 'application/x-www-form-urlencoded' && parseForm(text).ssl_check === '1')
    return { ok: true, body };

  const stamp = header(req, 'x-slack-request-timestamp') ?? '';
  const signature = header(req, 'x-slack-signature');
  if (!/^\d{1,12}$/.test(stamp) || signature === undefined) {
    return { ok: false, status: 401, reason: 'no valid timestamp or signature header' };
  }
  const nowMs = (options.nowMs ?? Date.now)();
  const timestamp = Number(stamp);
  if (Math.abs(nowMs / 1000 - timestamp) > MAX_CLOCK_SKEW_SECONDS) {
    return { ok: false, status: 401, reason: 'timestamp more than 5 minutes from now' };
  }
  const signed = isValidSlackRequest({
    signingSecret: options.signingSecret,
    body: text,
    headers: { 'x-slack-signature': signature, 'x-slack-request-timestamp': timestamp },
    nowMilliseconds: nowMs,
  });
  if (!signed) return { ok: false, status: 401, reason: 'signature does not match' };
  const shape = checkRequestBody(contentType, text);
  if (!shape.ok) return { ok: false, status: 400, reason: shape.reason };
  return { ok: true, body };
}

/**
 * Puts the gate in front of `receiver`'s request listener (before `app.start()`, which creates the server with
 * it). Requests to other paths (/healthz) go straight through.
 */
export function gateSlackRequests(receiver: HTTPReceiver, options: RequestGateOptions): void {
  const boltListener: RequestListener = receiver.requestListener;
  receiver.requestListener = (req: IncomingMessage, res: ServerResponse) => {
    const path = new URL(req.url ?? '/', 'http://gate.invalid').pathname;
    if (req.method !== 'POST' || !options.paths.includes(path)) {
      boltListener(req, res);
      return;
    }
    judge(req, options).then(
      (verdict) => {
        if (!verdict.ok) {
          options.logger.warn({ status: verdict.status, reason: verdict.reason }, 'refused a request to /slack/events');
          res.writeHead(verdict.status, { connection: 'close' }).end();
          return;
        }
        // Bolt reads a request it finds already buffered from `rawBody` (and verifies it again, cheaply).
        (req as IncomingMessage & { rawBody?: Buffer }).rawBody = verdict.body;
        try {
          boltListener(req, res);
        } catch (error) {
          options.logger.error({ err: error }, 'Bolt could not take a request');
          if (!res.headersSent) res.writeHead(500).end();
        }
      },
      (error: unknown) => {
        options.logger.warn({ err: error }, 'could not read a request to /slack/events');
        if (!res.headersSent) res.writeHead(400, { connection: 'close' }).end();
      },
    );
  };
}
