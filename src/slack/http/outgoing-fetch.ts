/**
 * The `fetch` Bolt is given (App `clientOptions.fetch`): Bolt's `respond()` posts to response_urls with it and the
 * WebClient calls the Web API with it. Every request gets a real timeout, so a response_url that never answers
 * cannot hold a request (and shutdown) for ever. Posts to a response_url are also retried a few times when Slack
 * answers 5xx or 429 (after its Retry-After) or the connection is reset, since one hiccup must not lose a reply;
 * the Web API keeps the WebClient's own retry policy.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { backoffDelay, type RetryPolicy } from '../../shared/backoff.js';

export interface OutgoingFetchOptions {
  /** Requests under this URL are the Web API's (retried by the WebClient, not here). */
  apiUrl: string;
  /** Per attempt. */
  timeoutMs?: number;
  /** Attempts at a response_url in all, the first included. */
  maxAttempts?: number;
  baseDelayMs?: number;
  /** No wait (Retry-After included) is longer than this: a reply is worth little a minute later. */
  maxDelayMs?: number;
  fetch?: typeof fetch;
}

/** A response_url answer within this, or the request is given up (a reply that late helps nobody). */
export const OUTGOING_TIMEOUT_MS = 10_000;
export const RESPONSE_URL_ATTEMPTS = 3;

/** Errors of a connection that failed before an answer came: worth one more try. */
const RESET_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'UND_ERR_SOCKET', 'ETIMEDOUT', 'EAI_AGAIN']);

function networkCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current instanceof Error; depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && RESET_CODES.has(code)) return code;
    current = current.cause;
  }
  return undefined;
}

/** Retry-After in seconds (or an HTTP date), as milliseconds; undefined when absent or unreadable. */
export function retryAfterMs(header: string | null, nowMs = Date.now()): number | undefined {
  if (header === null || header.trim() === '') return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - nowMs);
}

export function createOutgoingFetch(options: OutgoingFetchOptions): typeof fetch {
  const base = options.fetch ?? globalThis.fetch;
  const timeoutMs = options.timeoutMs ?? OUTGOING_TIMEOUT_MS;
  const policy: RetryPolicy = {
    maxAttempts: options.maxAttempts ?? RESPONSE_URL_ATTEMPTS,
    baseDelayMs: options.baseDelayMs ?? 500,
    maxDelayMs: options.maxDelayMs ?? 5_000,
    deadlineMs: Number.POSITIVE_INFINITY,
  };
  const withTimeout = (init: RequestInit | undefined): RequestInit => {
    const timeout = AbortSignal.timeout(timeoutMs);
    return { ...init, signal: init?.signal ? AbortSignal.any([init.signal, timeout]) : timeout };
  };

  return (async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    // Only a body that can be sent again (respond() posts a JSON string) is retried; uploads and the Web API are not.
    const replayable = typeof input === 'string' && (init?.body === undefined || typeof init.body === 'string');
    if (url.startsWith(options.apiUrl) || !replayable) return base(input, withTimeout(init));
    for (let attempt = 1; ; attempt += 1) {
      const last = attempt >= policy.maxAttempts;
      let response: Response;
      try {
        response = await base(input, withTimeout(init));
      } catch (error) {
        if (last || networkCode(error) === undefined) throw error;
        await sleep(backoffDelay(attempt, policy));
        continue;
      }
      const transient = response.status >= 500 || response.status === 429;
      if (!transient || last) return response;
      const asked = response.status === 429 ? retryAfterMs(response.headers.get('retry-after')) : undefined;
      if (asked !== undefined && asked > policy.maxDelayMs) return response;
      await response.body?.cancel().catch(() => {});
      await sleep(asked ?? backoffDelay(attempt, policy));
    }
  }) as typeof fetch;
}
