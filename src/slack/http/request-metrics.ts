/**
 * The Slack side of `/metrics`: every request Slack sends (by kind, ok or error, and how long until its ack), every
 * Web API call that failed (by method and Slack's error code), and whether the Socket Mode connection is up (for
 * `/readyz`). Both receivers hand each request to `app.processEvent`, so wrapping it times both modes alike.
 */
import type { App, ReceiverEvent } from '@slack/bolt';
import type { Metrics, SlackRequestKind } from '../../shared/metrics.js';

type SlackMetrics = Pick<Metrics, 'slackRequest' | 'slackAck' | 'slackApiError'>;

/** The kind of a Slack request, from its body's shape. */
export function slackRequestKind(body: unknown): SlackRequestKind {
  if (typeof body !== 'object' || body === null) return 'other';
  const b = body as Record<string, unknown>;
  if (typeof b.command === 'string') return 'command';
  switch (b.type) {
    case 'block_actions':
    case 'interactive_message':
      return 'action';
    case 'event_callback':
      return 'event';
    case 'shortcut':
    case 'message_action':
      return 'shortcut';
    case 'view_submission':
    case 'view_closed':
      return 'view';
    case 'block_suggestion':
      return 'options';
    default:
      return 'other';
  }
}

/** Times every request from its arrival to its ack, and counts it once its listeners are done. */
export function meterSlackRequests(app: App, metrics: SlackMetrics): void {
  const process = app.processEvent.bind(app);
  app.processEvent = async (event: ReceiverEvent) => {
    const kind = slackRequestKind(event.body);
    const started = performance.now();
    const ack = event.ack;
    let acked = false;
    const timed: ReceiverEvent = {
      ...event,
      ack: (response) => {
        if (!acked) {
          acked = true;
          metrics.slackAck(kind, (performance.now() - started) / 1000);
        }
        return ack(response);
      },
    };
    try {
      await process(timed);
      metrics.slackRequest(kind, 'ok');
    } catch (error) {
      metrics.slackRequest(kind, 'error');
      throw error;
    }
  };
}

/**
 * A `fetch` that counts the Web API calls that failed: an answer `ok: false` (by its `error`), an HTTP error
 * status, or no answer at all. The answer is read from a clone, after it has been handed back.
 */
export function meterSlackApi(inner: typeof fetch, apiUrl: string, metrics: SlackMetrics): typeof fetch {
  return async (input, init) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    if (!url.startsWith(apiUrl)) return inner(input, init);
    const method = new URL(url).pathname.split('/').pop() ?? '';
    let response: Response;
    try {
      response = await inner(input, init);
    } catch (error) {
      metrics.slackApiError(method, 'network');
      throw error;
    }
    if (!response.ok) {
      metrics.slackApiError(method, `http_${response.status}`);
      return response;
    }
    if (response.headers.get('content-type')?.includes('json')) {
      response
        .clone()
        .json()
        .then(
          (body: unknown) => {
            const answer = body as { ok?: unknown; error?: unknown };
            if (answer.ok === false) metrics.slackApiError(method, String(answer.error ?? 'unknown'));
          },
          () => {},
        );
    }
    return response;
  };
}

/** Socket Mode: whether the WebSocket is connected now, from the client's own events (its internals, checked). */
export function trackSocketConnection(app: App): () => boolean {
  const client = (
    app as unknown as { receiver?: { client?: { on?: unknown; websocket?: { isActive?: () => boolean } } } }
  ).receiver?.client;
  if (typeof client?.on !== 'function') return () => false;
  let connected = false;
  const on = client.on.bind(client) as (event: string, listener: () => void) => void;
  on('connected', () => {
    connected = true;
  });
  for (const event of ['connecting', 'reconnecting', 'disconnecting', 'disconnected']) {
    on(event, () => {
      connected = false;
    });
  }
  // The WebSocket closed: the client says `reconnecting` only after a delay (seconds), so the close itself counts,
  // unless a newer socket is already up (a refresh Slack asked for).
  on('close', () => {
    if (client.websocket?.isActive?.() !== true) connected = false;
  });
  return () => connected;
}
