/**
 * The response_urls of the requests still being worked on, so that a shutdown whose grace period runs out can
 * still tell each person that the app restarted and to run it again, instead of leaving them with no reply at all.
 * Once told, a response_url is closed: a late answer (or the error of a search cut short) is not sent after it.
 */
import type { AnyMiddlewareArgs, Middleware } from '@slack/bolt';

function responseUrlOf(body: unknown): string | undefined {
  const url = (body as { response_url?: unknown } | undefined)?.response_url;
  return typeof url === 'string' && url !== '' ? url : undefined;
}

/** The notice is the last thing a stopping app does: it may take this long, then the process goes on exiting. */
export const TELL_RESTARTED_TIMEOUT_MS = 2_500;

export class PendingReplies {
  /** response_url → requests using it, still running. */
  readonly #open = new Map<string, number>();
  readonly #closed = new Set<string>();

  /** Global middleware: counts the request's response_url while its listener runs (work after the ack included). */
  readonly middleware: Middleware<AnyMiddlewareArgs> = async ({ body, next }) => {
    const url = responseUrlOf(body);
    if (url === undefined) return next();
    this.#open.set(url, (this.#open.get(url) ?? 0) + 1);
    try {
      await next();
    } finally {
      const left = (this.#open.get(url) ?? 1) - 1;
      if (left > 0) this.#open.set(url, left);
      else this.#open.delete(url);
    }
  };

  get count(): number {
    return this.#open.size;
  }

  /** Wraps the fetch Bolt's respond() uses: a post to a closed response_url is dropped (answered 200, unsent). */
  guard(fetchFn: typeof fetch): typeof fetch {
    return ((input: string | URL | Request, init?: RequestInit) => {
      const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
      if (this.#closed.has(url)) return Promise.resolve(new Response('ok', { status: 200 }));
      return fetchFn(input, init);
    }) as typeof fetch;
  }

  /**
   * Closes every open response_url and posts `message` (ephemeral, next to what is there) to each through
   * `fetchFn`, within TELL_RESTARTED_TIMEOUT_MS in all; resolves with how many were told. Never throws.
   */
  async tellAll(fetchFn: typeof fetch, message: object): Promise<number> {
    const urls = [...this.#open.keys()];
    for (const url of urls) this.#closed.add(url);
    const body = JSON.stringify({ response_type: 'ephemeral', replace_original: false, ...message });
    const signal = AbortSignal.timeout(TELL_RESTARTED_TIMEOUT_MS);
    const sent = await Promise.allSettled(
      urls.map(async (url) => {
        const headers = { 'content-type': 'application/json' };
        const response = await fetchFn(url, { method: 'POST', headers, body, signal });
        if (!response.ok) throw new Error(`HTTP ${response.status}`);
      }),
    );
    return sent.filter((result) => result.status === 'fulfilled').length;
  }
}
