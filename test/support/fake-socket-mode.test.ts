/**
 * The fake Socket Mode server itself, driven by undici's WebSocket (the client @slack/socket-mode uses): the
 * ticket from apps.connections.open, the hello, frames of every length encoding both ways, ping/pong, the closing
 * handshake, and the token rules of the fake Web API.
 */
import { channel } from 'node:diagnostics_channel';
import { webApi } from '@slack/bolt';
import { ping, WebSocket } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeSlack, startFakeSlack } from './fake-slack.js';
import { type FakeSocketMode, startFakeSocketMode } from './fake-socket-mode.js';
import { waitFor } from './wait.js';

describe('the fake Socket Mode server', () => {
  let slack: FakeSlack;
  let socket: FakeSocketMode;
  let appClient: webApi.WebClient;

  beforeAll(async () => {
    slack = await startFakeSlack();
    socket = await startFakeSocketMode({ slack });
    appClient = new webApi.WebClient(slack.appToken, { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 } });
  });
  afterAll(async () => {
    await socket?.close();
    await slack?.close();
  });

  /** Opens a WebSocket on a fresh ticket; resolves with it and every message it receives. */
  async function connect(): Promise<{ ws: WebSocket; messages: Array<Record<string, unknown>> }> {
    const { url } = await appClient.apps.connections.open({});
    const ws = new WebSocket(url as string);
    const messages: Array<Record<string, unknown>> = [];
    ws.addEventListener('message', (event) => messages.push(JSON.parse(String(event.data))));
    await new Promise((resolve, reject) => {
      ws.addEventListener('open', resolve);
      ws.addEventListener('error', reject);
    });
    return { ws, messages };
  }

  it('takes only the app token for apps.connections.open, and only the bot token elsewhere', async () => {
    const bot = new webApi.WebClient(slack.token, { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 } });
    await expect(bot.apps.connections.open({})).rejects.toMatchObject({ data: { error: 'not_allowed_token_type' } });
    await expect(appClient.auth.test()).rejects.toMatchObject({ data: { error: 'not_allowed_token_type' } });
    const { url } = await appClient.apps.connections.open({});
    expect(url).toMatch(new RegExp(`^${socket.origin}/link/\\?ticket=`));
  });

  it('says hello, carries envelopes and acks of any length both ways, and answers pings', async () => {
    const before = socket.connections.length;
    const { ws, messages } = await connect();
    await waitFor(() => messages.length >= 1);
    expect(messages[0]).toMatchObject({ type: 'hello', connection_info: { app_id: 'A0TESTAPP1' } });
    const connection = await socket.waitForConnection(before + 1);
    expect(socket.current()).toBe(connection);

    for (const size of [10, 300, 70_000]) {
      const id = socket.slashCommand({ command: '/calls', text: 'x'.repeat(size) });
      const envelope = await waitFor(() => messages.find((message) => message.envelope_id === id));
      expect(envelope).toMatchObject({ type: 'slash_commands', accepts_response_payload: true });
      expect((envelope.payload as { text: string }).text).toHaveLength(size);
      ws.send(JSON.stringify({ envelope_id: id, payload: { text: 'y'.repeat(size) } }));
      const ack = await socket.waitForAck(id);
      expect(ack.connectionId).toBe(connection.id);
      expect(ack.payload?.text).toHaveLength(size);
      expect(ack.elapsedMs).toBeGreaterThanOrEqual(0);
    }

    const pongs: unknown[] = [];
    const pongChannel = channel('undici:websocket:pong');
    const onPong = (message: unknown) => {
      if ((message as { websocket?: unknown }).websocket === ws) pongs.push(message);
    };
    pongChannel.subscribe(onPong);
    try {
      ping(ws, Buffer.from('are you there'));
      await waitFor(() => pongs.length === 1);
      expect((pongs[0] as { payload: Buffer }).payload.toString()).toBe('are you there');
      expect(connection.pings).toBe(1);
    } finally {
      pongChannel.unsubscribe(onPong);
    }

    // The closing handshake: the close is echoed, then the server ends the connection.
    const closed = new Promise<{ code: number; wasClean: boolean }>((resolve) =>
      ws.addEventListener('close', (event) => resolve({ code: event.code, wasClean: event.wasClean })),
    );
    ws.close(1000);
    expect(await closed).toEqual({ code: 1000, wasClean: true });
    await connection.whenEnded;
    expect(connection.closeCodeFromApp).toBe(1000);
    expect(socket.current()).toBeUndefined();
  });

  it('asks the client to reconnect, and refuses a ticket used twice', async () => {
    const { url } = await appClient.apps.connections.open({});
    const first = new WebSocket(url as string);
    const messages: Array<Record<string, unknown>> = [];
    first.addEventListener('message', (event) => messages.push(JSON.parse(String(event.data))));
    await waitFor(() => messages.length >= 1);
    socket.askToReconnect('warning');
    await waitFor(() => messages.find((message) => message.type === 'disconnect'));
    expect(messages.at(-1)).toMatchObject({ type: 'disconnect', reason: 'warning' });

    const again = new WebSocket(url as string);
    const refused = await new Promise<string>((resolve) => {
      again.addEventListener('open', () => resolve('open'));
      again.addEventListener('error', () => resolve('error'));
    });
    expect(refused).toBe('error');
    first.close(1000);
  });

  it('fails a Web API method at the HTTP level on demand (an outage)', async () => {
    slack.failWith('apps.connections.open', 'service_unavailable', { times: 1, status: 503 });
    await expect(appClient.apps.connections.open({})).rejects.toMatchObject({
      code: webApi.ErrorCode.HTTPError,
      statusCode: 503,
    });
    await expect(appClient.apps.connections.open({})).resolves.toMatchObject({ ok: true });
  });
});
