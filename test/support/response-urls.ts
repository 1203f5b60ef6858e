/**
 * Local stand-ins for Slack's `response_url`s. `create()` hands out a fresh URL; every JSON body the app posts
 * there is recorded under that URL's id. `expire(id)` makes a URL answer 404 (or any status) like an expired one,
 * and `maxUses` (default: no limit) emulates Slack's 5-uses rule. Like Slack, a message that breaks a Block Kit
 * limit is refused (400 `invalid_blocks`), and what was wrong is kept in `blockKitErrors`.
 */
import { LIMITS } from '../../src/slack/views/limits.js';
import { blockKitProblems } from './block-kit.js';
import { listenLocal, readBody } from './http.js';
import { waitFor } from './wait.js';

export interface ResponsePost {
  id: string;
  /** The parsed JSON body (`text`, `blocks`, `response_type`, `replace_original`…). */
  body: Record<string, unknown>;
  /** The HTTP status the server answered with. */
  status: number;
  at: number;
}

export interface ResponseUrlServer {
  origin: string;
  /** A fresh response_url and its id. */
  create(): { id: string; url: string };
  /** Posts accepted (2xx) and refused, in arrival order. */
  posts: ResponsePost[];
  /** What broke a Block Kit limit, per refused post. */
  blockKitErrors: string[];
  /** Accepted posts to one URL. */
  postsTo(id: string): ResponsePost[];
  /** Waits until `count` accepted posts have reached `id`; returns them. */
  waitForPosts(id: string, options?: { count?: number; timeoutMs?: number }): Promise<ResponsePost[]>;
  /** From now on, `id` answers `status` (default 404, what Slack answers for an expired URL). */
  expire(id: string, status?: number): void;
  /** From now on, `id` refuses public (`in_channel`) posts with 403 and still takes ephemeral ones. */
  refuseInChannel(id: string): void;
  /**
   * The next `times` posts to `id` fail: answered `status` (with `headers`), or, with `status: 'reset'`, the
   * connection is destroyed without an answer. Posts after them are handled as usual.
   */
  failNext(id: string, failure: { status: number | 'reset'; times?: number; headers?: Record<string, string> }): void;
  /** From now on, `id` never answers (the request stays open until the client gives up). */
  neverAnswer(id: string): void;
  /** Every request that reached `id`, answered or not, with when it arrived (ms). */
  attemptsAt(id: string): number[];
  reset(): void;
  close(): Promise<void>;
}

export async function startResponseUrlServer(options: { maxUses?: number } = {}): Promise<ResponseUrlServer> {
  const maxUses = options.maxUses ?? Number.POSITIVE_INFINITY;
  const posts: ResponsePost[] = [];
  const blockKitErrors: string[] = [];
  const expired = new Map<string, number>();
  const privateOnly = new Set<string>();
  const failures = new Map<string, Array<{ status: number | 'reset'; headers?: Record<string, string> }>>();
  const silent = new Set<string>();
  const attempts = new Map<string, number[]>();
  let counter = 0;

  const accepted = (id: string) => posts.filter((post) => post.id === id && post.status < 300);

  const local = await listenLocal((req, res) => {
    const match = /^\/respond\/([\w-]+)$/.exec(new URL(req.url ?? '/', 'http://r.invalid').pathname);
    if (!match || req.method !== 'POST') {
      res.writeHead(404).end('not found');
      return;
    }
    const id = match[1] as string;
    attempts.set(id, [...(attempts.get(id) ?? []), Date.now()]);
    if (silent.has(id)) return;
    const failure = failures.get(id)?.shift();
    if (failure?.status === 'reset') {
      req.socket.destroy();
      return;
    }
    if (failure !== undefined) {
      res.writeHead(failure.status, { 'content-type': 'text/plain', ...failure.headers }).end('failed');
      return;
    }
    readBody(req)
      .then((raw) => {
        let body: Record<string, unknown>;
        try {
          body = JSON.parse(raw.toString('utf8'));
        } catch {
          res.writeHead(400).end('invalid_payload');
          return;
        }
        const invalid = blockKitProblems(body, LIMITS.messageBlocks);
        blockKitErrors.push(...invalid.map((problem) => `response_url ${id}: ${problem}`));
        const refusedInChannel = privateOnly.has(id) && body.response_type === 'in_channel' ? 403 : undefined;
        const status =
          expired.get(id) ??
          refusedInChannel ??
          (invalid.length > 0 ? 400 : accepted(id).length >= maxUses ? 404 : 200);
        posts.push({ id, body, status, at: Date.now() });
        const answer = status < 300 ? 'ok' : invalid.length > 0 ? 'invalid_blocks' : 'expired_url';
        res.writeHead(status, { 'content-type': 'text/plain' }).end(answer);
      })
      .catch(() => res.writeHead(500).end());
  });

  return {
    origin: local.origin,
    create() {
      counter += 1;
      const id = `r${counter}`;
      return { id, url: `${local.origin}/respond/${id}` };
    },
    posts,
    blockKitErrors,
    postsTo: accepted,
    waitForPosts(id, { count = 1, timeoutMs = 5_000 } = {}) {
      return waitFor(() => (accepted(id).length >= count ? accepted(id) : undefined), {
        timeoutMs,
        what: `${count} post(s) to response_url ${id}`,
      });
    },
    expire(id, status = 404) {
      expired.set(id, status);
    },
    refuseInChannel(id) {
      privateOnly.add(id);
    },
    failNext(id, { status, times = 1, headers }) {
      const queue = failures.get(id) ?? [];
      for (let i = 0; i < times; i += 1) queue.push({ status, ...(headers === undefined ? {} : { headers }) });
      failures.set(id, queue);
    },
    neverAnswer(id) {
      silent.add(id);
    },
    attemptsAt: (id) => attempts.get(id) ?? [],
    reset() {
      posts.length = 0;
    },
    close: local.close,
  };
}
