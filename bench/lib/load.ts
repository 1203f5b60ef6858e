/**
 * A lean HTTP load generator for the acknowledgement bench: node:http over keep-alive sockets, with every body
 * built and signed before a burst starts. (fetch() costs the sender 30–60 ms of its own for 40 requests at once on
 * a small machine, which would be counted against the app.)
 */
import { Agent, request } from 'node:http';
import { type SlackRequest, slackSignature } from '../../test/support/slack-requests.js';

export interface PreparedRequest {
  url: URL;
  body: string;
  headers: Record<string, string | number>;
}

export interface LoadClient {
  /** Signs now (the timestamp is part of the signature) and returns a request ready to go. */
  prepare(url: string, signingSecret: string, slack: SlackRequest): PreparedRequest;
  /** Sends it; resolves when the whole answer has arrived, with the time from the first byte sent. */
  send(prepared: PreparedRequest): Promise<{ status: number; elapsedMs: number }>;
  close(): void;
}

export function createLoadClient(maxSockets = 64): LoadClient {
  const agent = new Agent({ keepAlive: true, maxSockets });
  return {
    prepare(url, signingSecret, slack) {
      const timestamp = Math.floor(Date.now() / 1000);
      return {
        url: new URL(url),
        body: slack.body,
        headers: {
          'content-type': slack.contentType,
          'content-length': Buffer.byteLength(slack.body),
          'x-slack-request-timestamp': String(timestamp),
          'x-slack-signature': slackSignature(signingSecret, timestamp, slack.body),
        },
      };
    },
    send({ url, body, headers }) {
      return new Promise((resolve, reject) => {
        const started = performance.now();
        const req = request(
          { host: url.hostname, port: url.port, path: url.pathname, method: 'POST', agent, headers },
          (res) => {
            res.resume();
            res.once('end', () => resolve({ status: res.statusCode ?? 0, elapsedMs: performance.now() - started }));
            res.once('error', reject);
          },
        );
        req.setTimeout(30_000, () => req.destroy(new Error('no answer within 30 s')));
        req.once('error', reject);
        req.end(body);
      });
    },
    close() {
      agent.destroy();
    },
  };
}
