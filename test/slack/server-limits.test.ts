/**
 * The app's HTTP server (HTTP mode: Bolt's receiver; Socket Mode: the /healthz server) cuts off a body sent one
 * byte every 500 ms, and holds no more connections than its cap, while normal requests work again once slots free.
 * Short limits are injected so that the test is quick; loopback only.
 */
import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { ServerLimits } from '../../src/shared/server-limits.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { waitFor } from '../support/wait.js';

const SHORT: Partial<ServerLimits> = {
  headersTimeoutMs: 1_000,
  requestTimeoutMs: 1_500,
  keepAliveTimeoutMs: 1_000,
  maxConnections: 5,
  checkIntervalMs: 200,
};

interface RawConnection {
  socket: Socket;
  /** Everything the server sent. */
  received(): string;
  /** Resolves when the server (or the network) ended the connection. */
  closed: Promise<void>;
  isClosed(): boolean;
}

function open(url: string): Promise<RawConnection> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect({ host: hostname, port: Number(port) }, () => {
      let data = '';
      let ended = false;
      socket.setEncoding('utf8').on('data', (chunk: string) => {
        data += chunk;
      });
      const closed = new Promise<void>((done) => socket.once('close', () => done()));
      void closed.then(() => {
        ended = true;
      });
      resolve({ socket, received: () => data, closed, isClosed: () => ended });
    });
    socket.once('error', reject);
  });
}

/**
 * A POST sent one byte every 500 ms: its body (headers at once), or its headers too (`slowHeaders`). Sent whole, it
 * would take far longer than the test's timeout.
 */
async function drip(
  url: string,
  path: string,
  { slowHeaders }: { slowHeaders: boolean },
): Promise<{ connection: RawConnection; sent: () => number; length: number }> {
  const connection = await open(url);
  connection.socket.on('error', () => {});
  const head = `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 200\r\n\r\n`;
  const body = 'x'.repeat(200);
  const rest = slowHeaders ? head + body : body;
  if (!slowHeaders) connection.socket.write(head);
  let sent = 0;
  const timer = setInterval(() => {
    if (connection.isClosed() || sent >= rest.length) {
      clearInterval(timer);
      return;
    }
    connection.socket.write(rest.charAt(sent));
    sent += 1;
  }, 500);
  void connection.closed.then(() => clearInterval(timer));
  return { connection, sent: () => sent, length: rest.length };
}

async function get(url: string): Promise<number> {
  const response = await fetch(url, { signal: AbortSignal.timeout(5_000), headers: { connection: 'close' } });
  await response.text();
  return response.status;
}

for (const mode of ['http', 'socket'] as const) {
  describe(`${mode === 'http' ? 'HTTP mode (Bolt receiver)' : 'Socket Mode (/healthz server)'}: server limits`, () => {
    let app: TestApp | undefined;
    afterEach(async () => {
      await app?.close();
      app = undefined;
    });
    const path = mode === 'http' ? '/slack/events' : '/healthz';

    it.each([
      ['a body', false],
      ['headers', true],
    ])(
      'cuts off %s sent one byte every 500 ms before it is complete',
      async (_what, slowHeaders) => {
        app = await startTestApp({ socketMode: mode === 'socket', serverLimits: SHORT });
        const slow = await drip(app.url, path, { slowHeaders });
        await slow.connection.closed;
        expect(slow.sent()).toBeLessThan(slow.length);
        // Timed out (408, or closed without a word); the /healthz server answers a POST 404 without reading it.
        const answer = slow.connection.received();
        if (answer !== '')
          expect(answer).toMatch(mode === 'http' || slowHeaders ? /^HTTP\/1\.1 408/ : /^HTTP\/1\.1 404/);
        expect(await get(`${app.url}/healthz`)).toBe(200);
      },
      20_000,
    );

    it('refuses connections beyond the cap; normal requests work again once slots free', async () => {
      app = await startTestApp({
        socketMode: mode === 'socket',
        serverLimits: { ...SHORT, requestTimeoutMs: 60_000, headersTimeoutMs: 60_000 },
      });
      const url = app.url;
      // Five half-sent requests take every slot.
      const hogs = await Promise.all(
        Array.from({ length: 5 }, async () => {
          const connection = await open(url);
          connection.socket.on('error', () => {});
          connection.socket.write(`POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100\r\n\r\n{`);
          return connection;
        }),
      );
      // The server has taken all five before the next one arrives.
      await waitFor(
        () =>
          new Promise<boolean>((resolve) => app?.running.server.getConnections((_error, count) => resolve(count >= 5))),
        { what: 'five connections held' },
      );
      // The sixth is closed at once without an answer.
      const extra = await open(url);
      extra.socket.on('error', () => {});
      extra.socket.write('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
      await extra.closed;
      expect(extra.received()).toBe('');
      expect(hogs.every((hog) => !hog.isClosed())).toBe(true);

      for (const hog of hogs) hog.socket.destroy();
      await Promise.all(hogs.map((hog) => hog.closed));
      expect(await waitFor(async () => (await get(`${url}/healthz`).catch(() => 0)) === 200)).toBe(true);
    }, 20_000);
  });
}
