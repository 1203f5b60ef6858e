/**
 * A fake Slack Socket Mode endpoint on a loopback port, for driving the real app over Socket Mode.
 *
 * How Slack's Socket Mode goes (and what @slack/socket-mode 3.x, inside Bolt's SocketModeReceiver, does):
 * 1. the app calls the Web API method `apps.connections.open` with its app-level token (xapp-…) and gets
 *    `{ ok: true, url: 'wss://…?ticket=…' }`: here the fake Slack Web API answers it (through `slack.handle`)
 *    with `ws://127.0.0.1:<port>/link/?ticket=<n>`; each ticket opens one connection only;
 * 2. the app opens a WebSocket there (undici's WebSocket) and the server says `{"type":"hello",…}`: only then does
 *    `app.start()` resolve;
 * 3. the server sends envelopes `{ envelope_id, type, payload, accepts_response_payload }` with `type`
 *    `slash_commands` (payload: the command's fields), `interactive` (payload: block_actions, view_submission…) or
 *    `events_api` (payload: the event_callback envelope);
 * 4. the app acknowledges each with `{ envelope_id, payload }` (for a command, `payload` is what Slack shows at
 *    once: Bolt's `ack(body)`);
 * 5. `{"type":"disconnect","reason":…}` asks the app to reconnect (a new `apps.connections.open`, after a delay
 *    of the client's own: about 5 s).
 *
 * The `ws` package is not installed (socket-mode 3 uses undici's WebSocket client), so the server side is a
 * minimal RFC 6455 server on node:http's `upgrade` event: the handshake, masked client frames (text, ping, close,
 * fragments), unmasked server frames; pings are answered with pongs (the client drops a connection that stops
 * answering them), and a close frame is echoed before the TCP connection ends.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { FakeSlack } from './fake-slack.js';
import { listenLocal } from './http.js';
import { TEST_API_APP_ID } from './slack-requests.js';
import { waitFor } from './wait.js';

const HANDSHAKE_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

const OPCODE = { continuation: 0x0, text: 0x1, binary: 0x2, close: 0x8, ping: 0x9, pong: 0xa } as const;

export type EnvelopeType = 'slash_commands' | 'interactive' | 'events_api';

/** What the app sent back for one envelope. */
export interface SocketModeAck {
  envelopeId: string;
  /** `payload` of the ack (`{}` for a bare `ack()`). */
  payload: Record<string, unknown> | undefined;
  /** The connection it came on. */
  connectionId: number;
  /** Milliseconds from sending the envelope to receiving its ack. */
  elapsedMs: number;
}

export interface SocketConnection {
  id: number;
  /** The ticket of the `apps.connections.open` answer it used. */
  ticket: string;
  /** Every text message the app sent on it, parsed. */
  received: Array<Record<string, unknown>>;
  /** Pings from the app, each answered with a pong. */
  pings: number;
  /** The close code the app sent (1000: a normal close), once it sent one. */
  closeCodeFromApp?: number;
  /** True once the TCP connection has ended. */
  ended: boolean;
  /** Resolves when the TCP connection has ended. */
  whenEnded: Promise<void>;
  /** Sends one JSON text frame to the app. */
  send(message: unknown): void;
}

export interface FakeSocketMode {
  /** `ws://127.0.0.1:<port>` */
  origin: string;
  /** Every connection the app opened, oldest first. */
  connections: SocketConnection[];
  /** Tickets handed out by `apps.connections.open`. */
  ticketsIssued(): number;
  /** The latest connection that is still open (envelopes go there). */
  current(): SocketConnection | undefined;
  /** Waits until the `count`-th connection is open and has been sent its hello. */
  waitForConnection(count?: number, options?: { timeoutMs?: number }): Promise<SocketConnection>;
  /** Sends an envelope on the current connection; returns its envelope_id. */
  sendEnvelope(
    type: EnvelopeType,
    payload: Record<string, unknown>,
    options?: { acceptsResponsePayload?: boolean },
  ): string;
  /** A slash command envelope: `fields` are the form fields Slack would POST (as strings). */
  slashCommand(fields: Record<string, string>): string;
  /** An interactivity envelope (block_actions, view_submission…). */
  interactive(payload: Record<string, unknown>): string;
  /** An Events API envelope; `envelope` is the event_callback body. */
  eventsApi(envelope: Record<string, unknown>): string;
  /** Waits for the app's ack of `envelopeId`. */
  waitForAck(envelopeId: string, options?: { timeoutMs?: number }): Promise<SocketModeAck>;
  /** Every ack so far. */
  acks: SocketModeAck[];
  /** `{"type":"disconnect"}` on the current connection: Slack asking the app to reconnect. */
  askToReconnect(reason?: string): void;
  close(): Promise<void>;
}

/** Splits a buffer of client frames; returns the frames and the bytes left over (an incomplete frame). */
function parseFrames(buffer: Buffer): {
  frames: Array<{ fin: boolean; opcode: number; payload: Buffer }>;
  rest: Buffer;
  error?: string;
} {
  const frames: Array<{ fin: boolean; opcode: number; payload: Buffer }> = [];
  let offset = 0;
  while (buffer.length - offset >= 2) {
    const first = buffer[offset] as number;
    const second = buffer[offset + 1] as number;
    if ((first & 0x70) !== 0) return { frames, rest: Buffer.alloc(0), error: 'RSV bits set (no extension agreed)' };
    if ((second & 0x80) === 0) return { frames, rest: Buffer.alloc(0), error: 'unmasked client frame' };
    let length = second & 0x7f;
    let header = 2;
    if (length === 126) {
      if (buffer.length - offset < 4) break;
      length = buffer.readUInt16BE(offset + 2);
      header = 4;
    } else if (length === 127) {
      if (buffer.length - offset < 10) break;
      length = Number(buffer.readBigUInt64BE(offset + 2));
      header = 10;
    }
    if (buffer.length - offset < header + 4 + length) break;
    const mask = buffer.subarray(offset + header, offset + header + 4);
    const payload = Buffer.from(buffer.subarray(offset + header + 4, offset + header + 4 + length));
    for (let i = 0; i < payload.length; i++) payload[i] = (payload[i] as number) ^ (mask[i % 4] as number);
    frames.push({ fin: (first & 0x80) !== 0, opcode: first & 0x0f, payload });
    offset += header + 4 + length;
  }
  return { frames, rest: buffer.subarray(offset) };
}

/** One unmasked server frame. */
function frame(opcode: number, payload: Buffer): Buffer {
  const length = payload.length;
  let header: Buffer;
  if (length < 126) {
    header = Buffer.from([0x80 | opcode, length]);
  } else if (length < 65_536) {
    header = Buffer.alloc(4);
    header[0] = 0x80 | opcode;
    header[1] = 126;
    header.writeUInt16BE(length, 2);
  } else {
    header = Buffer.alloc(10);
    header[0] = 0x80 | opcode;
    header[1] = 127;
    header.writeBigUInt64BE(BigInt(length), 2);
  }
  return Buffer.concat([header, payload]);
}

function closePayload(code: number, reason = ''): Buffer {
  const payload = Buffer.alloc(2 + Buffer.byteLength(reason));
  payload.writeUInt16BE(code, 0);
  payload.write(reason, 2);
  return payload;
}

/**
 * Starts the fake Socket Mode server and makes `slack` answer `apps.connections.open` (app token only) with a fresh
 * ticket for it.
 */
export async function startFakeSocketMode(options: { slack: FakeSlack }): Promise<FakeSocketMode> {
  const { slack } = options;
  const connections: SocketConnection[] = [];
  const hellos = new Set<number>();
  const acks: SocketModeAck[] = [];
  const sentAt = new Map<string, number>();
  const tickets = new Set<string>();
  const sockets = new Set<Duplex>();
  let issued = 0;

  const local = await listenLocal((_req, res) => {
    // Only WebSocket upgrades are served here.
    res.writeHead(426, { 'content-type': 'text/plain' }).end('upgrade required');
  });
  const origin = local.origin.replace(/^http:/, 'ws:');

  slack.handle('apps.connections.open', () => {
    issued += 1;
    const ticket = `${issued}-${randomUUID()}`;
    tickets.add(ticket);
    return { url: `${origin}/link/?ticket=${ticket}&app_id=${TEST_API_APP_ID}` };
  });

  local.server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    const url = new URL(req.url ?? '/', 'http://socket.invalid');
    const ticket = url.searchParams.get('ticket') ?? '';
    const key = req.headers['sec-websocket-key'];
    const refuse = (status: string) => {
      socket.end(`HTTP/1.1 ${status}\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`);
    };
    if (url.pathname !== '/link/' || !tickets.delete(ticket)) return refuse('401 Unauthorized');
    if (req.headers.upgrade?.toLowerCase() !== 'websocket' || typeof key !== 'string') {
      return refuse('400 Bad Request');
    }
    if (req.headers['sec-websocket-version'] !== '13') return refuse('426 Upgrade Required');
    const accept = createHash('sha1').update(`${key}${HANDSHAKE_GUID}`).digest('base64');
    socket.write(
      [
        'HTTP/1.1 101 Switching Protocols',
        'Upgrade: websocket',
        'Connection: Upgrade',
        `Sec-WebSocket-Accept: ${accept}`,
        '',
        '',
      ].join('\r\n'),
    );

    let resolveEnded = () => {};
    const connection: SocketConnection = {
      id: connections.length + 1,
      ticket,
      received: [],
      pings: 0,
      ended: false,
      whenEnded: new Promise<void>((resolve) => (resolveEnded = resolve)),
      send(message) {
        if (!socket.writable) throw new Error(`socket connection ${connection.id} is closed`);
        socket.write(frame(OPCODE.text, Buffer.from(JSON.stringify(message))));
      },
    };
    connections.push(connection);
    socket.once('close', () => {
      connection.ended = true;
      resolveEnded();
    });

    let closeSent = false;
    const fail = (code: number, reason: string) => {
      if (!closeSent) socket.write(frame(OPCODE.close, closePayload(code, reason)));
      closeSent = true;
      socket.end();
    };
    let pending = Buffer.alloc(0);
    let fragments: Buffer[] | undefined;
    const onData = (chunk: Buffer) => {
      const parsed = parseFrames(pending.length === 0 ? chunk : Buffer.concat([pending, chunk]));
      pending = Buffer.from(parsed.rest);
      for (const { fin, opcode, payload } of parsed.frames) {
        if (opcode === OPCODE.ping) {
          connection.pings += 1;
          socket.write(frame(OPCODE.pong, payload));
        } else if (opcode === OPCODE.pong) {
          // an answer to a ping of ours: nothing to do
        } else if (opcode === OPCODE.close) {
          connection.closeCodeFromApp = payload.length >= 2 ? payload.readUInt16BE(0) : 1005;
          // Echo the close (the closing handshake), then end the TCP connection: the server closes it first.
          if (!closeSent) socket.write(frame(OPCODE.close, payload.subarray(0, 2)));
          closeSent = true;
          socket.end();
        } else if (opcode === OPCODE.text || opcode === OPCODE.continuation) {
          if (opcode === OPCODE.text) fragments = [];
          if (fragments === undefined) return fail(1002, 'continuation without a start');
          fragments.push(payload);
          if (fin) {
            const text = Buffer.concat(fragments).toString('utf8');
            fragments = undefined;
            onMessage(connection, text);
          }
        } else {
          return fail(1003, 'only text frames here');
        }
      }
      if (parsed.error) fail(1002, parsed.error);
    };
    socket.on('data', onData);
    if (head.length > 0) onData(head);

    connection.send({
      type: 'hello',
      num_connections: connections.filter((c) => !c.ended).length,
      debug_info: { host: 'applink-fake-1', approximate_connection_time: 18060 },
      connection_info: { app_id: TEST_API_APP_ID },
    });
    hellos.add(connection.id);
  });

  function onMessage(connection: SocketConnection, text: string): void {
    let message: Record<string, unknown>;
    try {
      message = JSON.parse(text) as Record<string, unknown>;
    } catch {
      message = { unparsable: text };
    }
    connection.received.push(message);
    if (typeof message.envelope_id === 'string') {
      const started = sentAt.get(message.envelope_id);
      acks.push({
        envelopeId: message.envelope_id,
        payload: message.payload as Record<string, unknown> | undefined,
        connectionId: connection.id,
        elapsedMs: started === undefined ? Number.NaN : performance.now() - started,
      });
    }
  }

  const current = () => [...connections].reverse().find((c) => !c.ended && hellos.has(c.id));

  const sendEnvelope: FakeSocketMode['sendEnvelope'] = (type, payload, { acceptsResponsePayload } = {}) => {
    const connection = current();
    if (!connection) throw new Error('the app has no open Socket Mode connection');
    const envelopeId = randomUUID();
    sentAt.set(envelopeId, performance.now());
    connection.send({
      envelope_id: envelopeId,
      type,
      payload,
      accepts_response_payload: acceptsResponsePayload ?? type === 'slash_commands',
      ...(type === 'events_api' ? { retry_attempt: 0, retry_reason: '' } : {}),
    });
    return envelopeId;
  };

  return {
    origin,
    connections,
    ticketsIssued: () => issued,
    current,
    waitForConnection(count = 1, { timeoutMs = 5_000 } = {}) {
      return waitFor(
        () => {
          const connection = connections[count - 1];
          return connection !== undefined && hellos.has(connection.id) ? connection : undefined;
        },
        { timeoutMs, what: `Socket Mode connection #${count}` },
      );
    },
    sendEnvelope,
    slashCommand: (fields) => sendEnvelope('slash_commands', fields),
    interactive: (payload) => sendEnvelope('interactive', payload),
    eventsApi: (envelope) => sendEnvelope('events_api', envelope),
    waitForAck(envelopeId, { timeoutMs = 5_000 } = {}) {
      return waitFor(() => acks.find((ack) => ack.envelopeId === envelopeId), {
        timeoutMs,
        what: `the ack of envelope ${envelopeId}`,
      });
    },
    acks,
    askToReconnect(reason = 'refresh_requested') {
      current()?.send({ type: 'disconnect', reason, debug_info: { host: 'applink-fake-1' } });
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await local.close();
    },
  };
}
