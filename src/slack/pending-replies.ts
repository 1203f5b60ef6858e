/**
 * The response_urls (and Home tabs) of the requests still being worked on, so that a shutdown whose grace period
 * runs out can still tell each person that the app restarted and to run it again, instead of leaving them with no
 * reply at all. Once told, a response_url or Home tab is closed: a late answer (or the error of a search cut short)
 * is not sent after it.
 */
import type { AnyMiddlewareArgs, Middleware } from '@slack/bolt';

/** The person whose Home tab the request is about: a click in the Home tab, or the tab being opened. */
function homeViewerOf(body: unknown): string | undefined {
  const b = body as {
    type?: unknown;
    user?: { id?: unknown };
    view?: { type?: unknown };
    event?: { type?: unknown; user?: unknown; tab?: unknown };
  } | null;
  if (b?.type === 'block_actions' && b.view?.type === 'home' && typeof b.user?.id === 'string') return b.user.id;
  if (b?.type === 'event_callback' && b.event?.type === 'app_home_opened' && typeof b.event.user === 'string') {
    return b.event.user;
  }
  return undefined;
}

function count(map: Map<string, number>, key: string, by: number): void {
  const next = (map.get(key) ?? 0) + by;
  if (next > 0) map.set(key, next);
  else map.delete(key);
}

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
  /** user ID → requests about their Home tab, still running. */
  readonly #homes = new Map<string, number>();
  readonly #closedHomes = new Set<string>();

  /**
   * Global middleware: counts the request's response_url (or Home tab) while its listener runs, the work after
   * the ack included.
   */
  readonly middleware: Middleware<AnyMiddlewareArgs> = async ({ body, next }) => {
    const url = responseUrlOf(body);
    const home = url === undefined ? homeViewerOf(body) : undefined;
    if (url === undefined && home === undefined) return next();
    const [map, key] = url === undefined ? [this.#homes, home as string] : [this.#open, url];
    count(map, key, 1);
    try {
      await next();
    } finally {
      count(map, key, -1);
    }
  };

  get count(): number {
    return this.#open.size + this.#homes.size;
  }

  /**
   * Wraps the fetch Bolt's respond() and the WebClient use: a post to a closed response_url, or a views.publish of
   * a closed Home tab, is dropped (answered as a success, unsent).
   */
  guard(fetchFn: typeof fetch): typeof fetch {
    return ((input: string | URL | Request, init?: RequestInit) => {
      const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
      if (this.#closed.has(url)) return Promise.resolve(new Response('ok', { status: 200 }));
      if (url.endsWith('/views.publish') && typeof init?.body === 'string') {
        const userId = new URLSearchParams(init.body).get('user_id');
        if (userId !== null && this.#closedHomes.has(userId)) {
          const headers = { 'content-type': 'application/json' };
          return Promise.resolve(new Response(JSON.stringify({ ok: true }), { status: 200, headers }));
        }
      }
      return fetchFn(input, init);
    }) as typeof fetch;
  }

  /**
   * Closes every open response_url and posts `message` (ephemeral, next to what is there) to each through
   * `fetchFn`, and publishes `publishHome` to each open Home tab (closed once published), within
   * TELL_RESTARTED_TIMEOUT_MS in all; resolves with how many were told. Never throws.
   */
  async tellAll(
    fetchFn: typeof fetch,
    message: object,
    publishHome?: (userId: string) => Promise<unknown>,
  ): Promise<number> {
    const signal = AbortSignal.timeout(TELL_RESTARTED_TIMEOUT_MS);
    const timedOut = new Promise<never>((_resolve, reject) => {
      signal.addEventListener('abort', () => reject(signal.reason), { once: true });
    });
    timedOut.catch(() => {});
    const homes = [...this.#homes.keys()];
    const told = Promise.allSettled(
      homes.map(async (userId) => {
        await Promise.race([publishHome?.(userId), timedOut]);
        this.#closedHomes.add(userId);
      }),
    );
    const urls = [...this.#open.keys()];
    for (const url of urls) this.#closed.add(url);
    const body = JSON.stringify({ response_type: 'ephemeral', replace_original: false, ...message });
    const sent = Promise.allSettled(
      urls.map(async (url) => {
        const headers = { 'content-type': 'application/json' };
        const response = await fetchFn(url, { method: 'POST', headers, body, signal });
        if (!response.ok) throw new Error(`HTTP ${response.status}`);
      }),
    );
    const results = [...(await told), ...(await sent)];
    // A Home tab whose notice did not go out is closed all the same: nothing later may land there either.
    for (const userId of homes) this.#closedHomes.add(userId);
    return results.filter((result) => result.status === 'fulfilled').length;
  }
}
