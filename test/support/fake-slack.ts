/**
 * A fake Slack Web API on a loopback port. Point the app's WebClient at `apiUrl` (SLACK_API_URL) and every call
 * is answered like Slack would and recorded, with its arguments decoded (`blocks`, `view`, `files`… are parsed
 * back from the JSON strings the WebClient sends).
 *
 * Methods answered: auth.test, users.info (with `tz`), chat.postMessage, chat.postEphemeral, chat.update,
 * views.publish, views.update, views.open, chat.unfurl, functions.completeSuccess / completeError (with the
 * function token of a `function_executed` event, FAKE_FUNCTION_TOKEN, or the bot token), conversations.open (a DM with one user: `D` + the user ID),
 * files.getUploadURLExternal, files.completeUploadExternal (plus the upload URL it hands out), and `apps.connections.open` once a fake Socket Mode server is attached (`fake-socket-mode.ts`).
 * Anything else answers `unknown_method`. Like Slack, `apps.connections.*` takes only the app-level token (xapp-)
 * and every other method only the bot token; the wrong kind answers `not_allowed_token_type`. Make a method fail with `failWith`, or replace it with
 * `handle`, or keep its answers waiting with `hold` (a slow Slack, without timers). Like Slack, it refuses blocks and views that break a Block Kit limit (`invalid_blocks`), and keeps what
 * was wrong in `blockKitErrors`, so every end-to-end test also checks the limits of what the app sent.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { LIMITS } from '../../src/slack/views/limits.js';
import { blockKitProblems } from './block-kit.js';
import { listenLocal, readBody } from './http.js';
import { waitFor } from './wait.js';

export const FAKE_TEAM_ID = 'T0TEST0001';
export const FAKE_BOT_USER_ID = 'U0BOT00001';
export const FAKE_BOT_ID = 'B0BOT00001';
export const FAKE_BOT_TOKEN = 'xoxb-0000-test-bot-token';
export const FAKE_APP_TOKEN = 'xapp-1-A0TESTAPP1-0000-test-app-token';
/** The token a `function_executed` event hands the app (`bot_access_token`); good for `functions.*` only here. */
export const FAKE_FUNCTION_TOKEN = 'xwfp-0000-test-function-token';

export interface FakeSlackUser {
  /** IANA zone Slack reports as `user.tz`; leave out to send a user with no zone. */
  tz?: string;
  name?: string;
  /** Default: the fake's team. */
  teamId?: string;
}

export interface FakeSlackOptions {
  teamId?: string;
  teamName?: string;
  botUserId?: string;
  botId?: string;
  /** The only bot token accepted; any other gets `invalid_auth`. */
  token?: string;
  /** The only app-level token (Socket Mode) accepted by `apps.connections.*`. */
  appToken?: string;
  /** users.info answers for these; any other ID gets `user_not_found`. */
  users?: Record<string, FakeSlackUser>;
}

export interface RecordedCall {
  method: string;
  /** Decoded arguments (JSON fields parsed back into objects). */
  args: Record<string, unknown>;
  /** The bearer token sent, if any. */
  token?: string;
  /** What the fake answered. */
  result: Record<string, unknown>;
  at: number;
}

export interface RecordedUpload {
  fileId: string;
  bytes: Buffer;
  filename?: string;
}

/** A method whose answers wait (see `FakeSlack.hold`). */
export interface HeldMethod {
  /** Arguments of every call that arrived since the hold began (answered or still waiting), in order. */
  readonly arrived: Record<string, unknown>[];
  /** Waits until `count` calls have arrived (the app is then waiting for the answer); returns their arguments. */
  waitForArrivals(count?: number, options?: { timeoutMs?: number }): Promise<Record<string, unknown>[]>;
  /** Answers the waiting calls, and later calls at once. */
  release(): void;
}

type Handler = (args: Record<string, unknown>) => Record<string, unknown> | Promise<Record<string, unknown>>;

export interface FakeSlack {
  /** `http://127.0.0.1:<port>/api/`: what SLACK_API_URL takes. */
  apiUrl: string;
  origin: string;
  teamId: string;
  botUserId: string;
  botId: string;
  token: string;
  /** The app-level token (xapp-) that `apps.connections.open` accepts. */
  appToken: string;
  /** Every Web API call, in arrival order. */
  calls: RecordedCall[];
  /** Every file body posted to an upload URL. */
  uploads: RecordedUpload[];
  /** What broke a Block Kit limit, per refused call (`chat.postMessage: blocks[3]: text 3100 > 3000`). */
  blockKitErrors: string[];
  callsTo(method: string): RecordedCall[];
  /** Waits until `count` calls to `method` (matching `where`, if given) have arrived; returns them. */
  waitForCalls(
    method: string,
    options?: { count?: number; where?: (call: RecordedCall) => boolean; timeoutMs?: number },
  ): Promise<RecordedCall[]>;
  /**
   * Answers `{ok:false, error}` to `method` (the next `times` calls, default every call until `clearFailures`).
   * With `status` (e.g. 503), answers that HTTP status instead, with `error` as a plain-text body: what an outage
   * looks like (the WebClient throws `WebAPIHTTPError` and retries per its retryConfig).
   */
  failWith(method: string, error: string, options?: { times?: number; status?: number }): void;
  clearFailures(): void;
  /** Replaces the answer of `method` (after the token check and failures). */
  handle(method: string, handler: Handler): void;
  setUser(id: string, user: FakeSlackUser): void;
  /**
   * Holds the answers of `method` until `release()`: each call arrives (in `arrived`) and then waits, as behind a
   * slow Slack, so a test can act while the app is waiting for it. `close()` releases every hold.
   */
  hold(method: string): HeldMethod;
  /** Forgets recorded calls and uploads (failures and handlers stay). */
  reset(): void;
  close(): Promise<void>;
}

/** Decodes a WebClient request body: form fields whose value is JSON (blocks, view, files…) are parsed. */
async function decodeArgs(req: IncomingMessage, raw: Buffer): Promise<Record<string, unknown>> {
  const type = req.headers['content-type'] ?? '';
  const args: Record<string, unknown> = {};
  if (type.startsWith('application/json')) {
    const parsed = raw.length > 0 ? JSON.parse(raw.toString('utf8')) : {};
    return typeof parsed === 'object' && parsed !== null ? parsed : {};
  }
  let entries: Iterable<[string, unknown]>;
  if (type.startsWith('multipart/form-data')) {
    const form = await new Response(new Uint8Array(raw), { headers: { 'content-type': type } }).formData();
    entries = form.entries();
  } else {
    entries = new URLSearchParams(raw.toString('utf8')).entries();
  }
  for (const [key, value] of entries) {
    if (typeof value === 'string' && /^[[{]/.test(value)) {
      try {
        args[key] = JSON.parse(value);
        continue;
      } catch {
        // not JSON after all: keep the string
      }
    }
    args[key] = value;
  }
  return args;
}

/** What Slack refuses in `chat.unfurl`'s `unfurls`: each unfurl's blocks, as a message's. */
function unfurlProblems(unfurls: unknown): string[] {
  if (typeof unfurls !== 'object' || unfurls === null) return ['unfurls is not an object'];
  return Object.entries(unfurls).flatMap(([url, unfurl]) =>
    blockKitProblems(unfurl, LIMITS.messageBlocks).map((problem) => `unfurls[${url}]: ${problem}`),
  );
}

export async function startFakeSlack(options: FakeSlackOptions = {}): Promise<FakeSlack> {
  const teamId = options.teamId ?? FAKE_TEAM_ID;
  const botUserId = options.botUserId ?? FAKE_BOT_USER_ID;
  const botId = options.botId ?? FAKE_BOT_ID;
  const token = options.token ?? FAKE_BOT_TOKEN;
  const appToken = options.appToken ?? FAKE_APP_TOKEN;
  const users = new Map(Object.entries(options.users ?? {}));
  const calls: RecordedCall[] = [];
  const uploads: RecordedUpload[] = [];
  const blockKitErrors: string[] = [];
  const failures = new Map<string, { error: string; remaining: number; status?: number }>();
  const handlers = new Map<string, Handler>();
  const holds = new Map<string, { arrived: Record<string, unknown>[]; released: Promise<void>; release(): void }>();
  let sequence = 0;
  let origin = '';

  const nextTs = () => {
    sequence += 1;
    return `1700000000.${String(sequence).padStart(6, '0')}`;
  };

  const builtIn: Record<string, Handler> = {
    'auth.test': () => ({
      url: 'https://fake-workspace.slack.com/',
      team: options.teamName ?? 'Fake Workspace',
      user: 'callkit',
      team_id: teamId,
      user_id: botUserId,
      bot_id: botId,
      is_enterprise_install: false,
    }),
    'users.info': (args) => {
      const id = String(args.user ?? '');
      const user = users.get(id);
      if (!user) return { ok: false, error: 'user_not_found' };
      return {
        user: {
          id,
          team_id: user.teamId ?? teamId,
          name: user.name ?? id.toLowerCase(),
          ...(user.tz === undefined ? {} : { tz: user.tz, tz_label: user.tz, tz_offset: 0 }),
        },
      };
    },
    'chat.postMessage': (args) => {
      const ts = nextTs();
      return { channel: args.channel, ts, message: { type: 'message', text: args.text, blocks: args.blocks, ts } };
    },
    'chat.postEphemeral': () => ({ message_ts: nextTs() }),
    'chat.update': (args) => ({ channel: args.channel, ts: args.ts, text: args.text }),
    'views.publish': (args) => ({
      view: { id: `V${nextTs().replace('.', '')}`, hash: nextTs(), ...(args.view as object) },
    }),
    'views.update': (args) => ({ view: { id: args.view_id ?? 'V0', hash: nextTs(), ...(args.view as object) } }),
    'views.open': (args) =>
      typeof args.trigger_id === 'string' && args.trigger_id !== ''
        ? { view: { id: `V${nextTs().replace('.', '')}`, hash: nextTs(), ...(args.view as object) } }
        : { ok: false, error: 'invalid_trigger_id' },
    'chat.unfurl': (args) =>
      (typeof args.channel === 'string' && typeof args.ts === 'string') ||
      (typeof args.unfurl_id === 'string' && typeof args.source === 'string')
        ? {}
        : { ok: false, error: 'invalid_arguments' },
    'functions.completeSuccess': (args) =>
      typeof args.function_execution_id === 'string' && typeof args.outputs === 'object'
        ? {}
        : { ok: false, error: 'invalid_arguments' },
    'functions.completeError': (args) =>
      typeof args.function_execution_id === 'string' && typeof args.error === 'string'
        ? {}
        : { ok: false, error: 'invalid_arguments' },
    'conversations.open': (args) => {
      const ids = String(args.users ?? '')
        .split(',')
        .filter((id) => id !== '');
      if (ids.length !== 1)
        return { ok: false, error: ids.length === 0 ? 'users_list_not_supplied' : 'not_implemented' };
      if (!/^[UW][A-Z0-9]+$/.test(ids[0] as string)) return { ok: false, error: 'user_not_found' };
      return { channel: { id: `D${ids[0]}` }, already_open: true };
    },
    'files.getUploadURLExternal': () => {
      const fileId = `F${nextTs().replace('.', '')}`;
      return { upload_url: `${origin}/upload/${fileId}`, file_id: fileId };
    },
    'files.completeUploadExternal': (args) => ({
      files: (Array.isArray(args.files) ? args.files : []).map((file: { id?: string; title?: string }) => ({
        id: file.id,
        title: file.title,
      })),
    }),
  };

  async function onApi(req: IncomingMessage, res: ServerResponse, method: string): Promise<void> {
    const raw = await readBody(req);
    const args = await decodeArgs(req, raw);
    const held = holds.get(method);
    if (held) {
      held.arrived.push(args);
      await held.released;
    }
    const auth = req.headers.authorization;
    const sentToken = auth?.startsWith('Bearer ')
      ? auth.slice(7)
      : typeof args.token === 'string'
        ? args.token
        : undefined;
    let result: Record<string, unknown>;
    let status = 200;
    const failure = failures.get(method);
    const expectedToken = method.startsWith('apps.connections.') ? appToken : token;
    const otherToken = expectedToken === token ? appToken : token;
    const invalid =
      method === 'chat.unfurl'
        ? unfurlProblems(args.unfurls)
        : blockKitProblems(
            method.startsWith('views.') ? args.view : args,
            method.startsWith('views.') ? LIMITS.viewBlocks : LIMITS.messageBlocks,
          );
    const functionToken = method.startsWith('functions.') && sentToken === FAKE_FUNCTION_TOKEN;
    if (sentToken !== expectedToken && !functionToken) {
      result = {
        ok: false,
        error: sentToken === otherToken ? 'not_allowed_token_type' : sentToken ? 'invalid_auth' : 'not_authed',
      };
    } else if (invalid.length > 0) {
      blockKitErrors.push(...invalid.map((problem) => `${method}: ${problem}`));
      result = { ok: false, error: 'invalid_blocks', errors: invalid };
    } else if (failure) {
      failure.remaining -= 1;
      if (failure.remaining <= 0) failures.delete(method);
      result = { ok: false, error: failure.error };
      if (failure.status !== undefined) status = failure.status;
    } else {
      const handler = handlers.get(method) ?? builtIn[method];
      result = handler ? { ok: true, ...(await handler(args)) } : { ok: false, error: 'unknown_method' };
    }
    const call: RecordedCall = { method, args, token: sentToken, result, at: Date.now() };
    calls.push(call);
    if (status !== 200) {
      res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' }).end(String(result.error));
      return;
    }
    const json = JSON.stringify(result);
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' }).end(json);
  }

  async function onUpload(req: IncomingMessage, res: ServerResponse, fileId: string): Promise<void> {
    const raw = await readBody(req);
    const type = req.headers['content-type'] ?? '';
    let bytes = raw;
    let filename: string | undefined;
    if (type.startsWith('multipart/form-data')) {
      const form = await new Response(new Uint8Array(raw), { headers: { 'content-type': type } }).formData();
      for (const [, value] of form.entries()) {
        if (typeof value !== 'string') {
          bytes = Buffer.from(await value.arrayBuffer());
          filename = (value as File).name;
        }
      }
    }
    uploads.push({ fileId, bytes, filename });
    res.writeHead(200, { 'content-type': 'text/plain' }).end(`OK - ${bytes.length}`);
  }

  const local = await listenLocal((req, res) => {
    const path = new URL(req.url ?? '/', 'http://fake.invalid').pathname;
    const work = path.startsWith('/api/')
      ? onApi(req, res, path.slice('/api/'.length))
      : path.startsWith('/upload/') && req.method === 'POST'
        ? onUpload(req, res, path.slice('/upload/'.length))
        : Promise.resolve(void res.writeHead(404).end('not found'));
    work.catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500).end(String(error));
    });
  });
  origin = local.origin;

  const callsTo = (method: string) => calls.filter((call) => call.method === method);

  return {
    apiUrl: `${local.origin}/api/`,
    origin: local.origin,
    teamId,
    botUserId,
    botId,
    token,
    appToken,
    calls,
    uploads,
    blockKitErrors,
    callsTo,
    waitForCalls(method, { count = 1, where, timeoutMs = 5_000 } = {}) {
      return waitFor(
        () => {
          const matching = callsTo(method).filter((call) => (where ? where(call) : true));
          return matching.length >= count ? matching : undefined;
        },
        { timeoutMs, what: `${count} call(s) to ${method}` },
      );
    },
    failWith(method, error, { times = Number.POSITIVE_INFINITY, status } = {}) {
      failures.set(method, { error, remaining: times, ...(status === undefined ? {} : { status }) });
    },
    clearFailures() {
      failures.clear();
    },
    handle(method, handler) {
      handlers.set(method, handler);
    },
    setUser(id, user) {
      users.set(id, user);
    },
    hold(method) {
      let release = () => {};
      const released = new Promise<void>((resolve) => {
        release = resolve;
      });
      const held = { arrived: [] as Record<string, unknown>[], released, release };
      holds.get(method)?.release();
      holds.set(method, held);
      return {
        arrived: held.arrived,
        waitForArrivals: (count = 1, { timeoutMs = 5_000 } = {}) =>
          waitFor(() => held.arrived.length >= count && [...held.arrived], {
            timeoutMs,
            what: `${count} call(s) to ${method} to arrive`,
          }),
        release() {
          if (holds.get(method) === held) holds.delete(method);
          held.release();
        },
      };
    },
    reset() {
      calls.length = 0;
      uploads.length = 0;
    },
    close() {
      for (const held of holds.values()) held.release();
      holds.clear();
      return local.close();
    },
  };
}
