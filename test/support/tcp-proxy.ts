/**
 * A TCP proxy on a loopback port in front of a real server (PostgreSQL at 127.0.0.1:5432), that a test can cut and
 * restore: an outage of the database for the processes behind it, without touching the machine's PostgreSQL (other
 * test files use it at the same time).
 *
 *   const proxy = await startTcpProxy({ port: 5432 });
 *   const url = proxy.rewrite(databaseUrl);   // the same database, reached through the proxy
 *   await proxy.cut();                         // every connection dropped; new ones refused (ECONNREFUSED)
 *   await proxy.restore();                     // listening again on the same port
 *
 * `cut({ mode: 'reset' })` accepts new connections and resets them at once instead (a server that is starting).
 */
import { type AddressInfo, connect, createServer, type Server, type Socket } from 'node:net';

export interface TcpProxy {
  /** The proxy's own port on 127.0.0.1 (the same after a restore). */
  readonly port: number;
  /** Connections through the proxy right now. */
  openConnections(): number;
  /** Connections accepted since the start (those reset while cut included). */
  accepted(): number;
  /** `url` with its host and port replaced by the proxy's. */
  rewrite(url: string): string;
  isCut(): boolean;
  cut(options?: { mode?: 'refuse' | 'reset' }): Promise<void>;
  restore(): Promise<void>;
  close(): Promise<void>;
}

export async function startTcpProxy(target: { host?: string; port: number }): Promise<TcpProxy> {
  const host = target.host ?? '127.0.0.1';
  const pairs = new Set<[Socket, Socket]>();
  let mode: 'open' | 'refuse' | 'reset' = 'open';
  let accepted = 0;

  const onConnection = (client: Socket) => {
    accepted += 1;
    if (mode !== 'open') {
      client.destroy();
      return;
    }
    const upstream = connect({ host, port: target.port });
    const pair: [Socket, Socket] = [client, upstream];
    pairs.add(pair);
    const drop = () => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    for (const socket of pair) {
      socket.setNoDelay(true);
      socket.once('error', drop);
      socket.once('close', drop);
    }
    client.pipe(upstream);
    upstream.pipe(client);
  };

  let server: Server = createServer(onConnection);
  const listen = (port: number) =>
    new Promise<number>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve((server.address() as AddressInfo).port);
      });
    });
  const stopListening = () => new Promise<void>((resolve) => server.close(() => resolve()));
  const dropAll = () => {
    for (const [client, upstream] of pairs) {
      client.destroy();
      upstream.destroy();
    }
    pairs.clear();
  };

  const port = await listen(0);
  return {
    port,
    openConnections: () => pairs.size,
    accepted: () => accepted,
    rewrite(url) {
      const rewritten = new URL(url);
      rewritten.hostname = '127.0.0.1';
      rewritten.port = String(port);
      return rewritten.toString();
    },
    isCut: () => mode !== 'open',
    async cut(options = {}) {
      if (mode !== 'open') return;
      mode = options.mode ?? 'refuse';
      if (mode === 'refuse') await Promise.all([stopListening(), Promise.resolve(dropAll())]);
      else dropAll();
    },
    async restore() {
      if (mode === 'open') return;
      if (mode === 'refuse') {
        server = createServer(onConnection);
        await listen(port);
      }
      mode = 'open';
    },
    async close() {
      mode = 'refuse';
      dropAll();
      if (server.listening) await stopListening();
    },
  };
}
