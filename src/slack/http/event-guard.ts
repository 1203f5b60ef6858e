/**
 * The last check before Bolt dispatches anything, in both modes: a body whose shape the app cannot handle is
 * acknowledged and dropped (Bolt would throw on a `null` payload, or never ack another shape, and Slack would then
 * deliver it again). Over HTTP the request gate has answered 400 before; in Socket Mode this is the only check.
 */
import type { App } from '@slack/bolt';
import type { Logger } from '../../shared/logger.js';
import { checkParsedBody } from './request-shape.js';

export function guardEvents(app: App, logger: Logger): void {
  const dispatch = app.processEvent.bind(app);
  app.processEvent = async (event) => {
    const shape = checkParsedBody(event.body);
    if (shape.ok) return dispatch(event);
    logger.warn({ reason: shape.reason }, 'dropped a request Slack would not send');
    await event.ack();
  };
}

/** The parts of @slack/socket-mode's client this guard relies on (checked at run time: none are public API). */
interface SocketClientInternals {
  on(event: 'ws_message', listener: (data: unknown, isBinary: boolean) => void): unknown;
  removeAllListeners(event: 'ws_message'): unknown;
  onWebSocketMessage(data: unknown, isBinary: boolean): Promise<void>;
  send(envelopeId: string, body?: object): Promise<void>;
}

/** The envelope_id of an events_api envelope without an event the client can read, else undefined. */
function unreadableEventsEnvelope(data: unknown, isBinary: boolean): string | undefined {
  if (isBinary) return undefined;
  let envelope: unknown;
  try {
    envelope = JSON.parse(typeof data === 'string' ? data : new TextDecoder().decode(data as ArrayBuffer));
  } catch {
    return undefined;
  }
  const e = envelope as { type?: unknown; envelope_id?: unknown; payload?: { event?: unknown } | null } | null;
  if (e?.type !== 'events_api' || typeof e.envelope_id !== 'string') return undefined;
  const event = e.payload?.event as { type?: unknown } | null | undefined;
  return event !== null && typeof event === 'object' && typeof event.type === 'string' ? undefined : e.envelope_id;
}

/**
 * Socket Mode only: the client reads `payload.event.type` of an events_api envelope before Bolt sees it, so an
 * envelope without one throws there (never acked; Slack would deliver it again). Such an envelope is acked and
 * dropped here first. Relies on the client's internals, checked at run time: if they change, nothing is guarded
 * (and the Socket Mode tests say so).
 */
export function guardSocketEnvelopes(app: App, logger: Logger): void {
  const client = (app as unknown as { receiver?: { client?: Partial<SocketClientInternals> } }).receiver?.client;
  if (
    typeof client?.onWebSocketMessage !== 'function' ||
    typeof client.send !== 'function' ||
    typeof client.removeAllListeners !== 'function'
  ) {
    return;
  }
  const socket = client as SocketClientInternals;
  socket.removeAllListeners('ws_message');
  socket.on('ws_message', (data, isBinary) => {
    const envelopeId = unreadableEventsEnvelope(data, isBinary);
    if (envelopeId === undefined) {
      void socket.onWebSocketMessage(data, isBinary);
      return;
    }
    logger.warn({ envelopeId }, 'dropped an events_api envelope without an event');
    socket.send(envelopeId, {}).catch((error: unknown) => logger.warn({ err: error }, 'could not ack an envelope'));
  });
}
