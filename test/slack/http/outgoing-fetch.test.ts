import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOutgoingFetch, retryAfterMs } from '../../../src/slack/http/outgoing-fetch.js';
import { type LocalServer, listenLocal } from '../../support/http.js';

let server: LocalServer;
const hits: string[] = [];
beforeAll(async () => {
  server = await listenLocal((req, res) => {
    hits.push(req.url ?? '');
    if (req.url?.includes('/hang')) return;
    res.writeHead(500).end('down');
  });
});
afterAll(() => server.close());

describe('createOutgoingFetch', () => {
  it('leaves the Web API to the WebClient: no retries of its own, but a timeout', async () => {
    const fetchOut = createOutgoingFetch({ apiUrl: `${server.origin}/api/`, timeoutMs: 300, baseDelayMs: 1 });
    hits.length = 0;
    expect((await fetchOut(`${server.origin}/api/chat.postMessage`, { method: 'POST', body: '{}' })).status).toBe(500);
    expect(hits).toEqual(['/api/chat.postMessage']);
    await expect(fetchOut(`${server.origin}/api/hang`, { method: 'POST' })).rejects.toMatchObject({
      name: 'TimeoutError',
    });
  });

  it('a timeout is not retried (the post may have arrived)', async () => {
    const fetchOut = createOutgoingFetch({ apiUrl: `${server.origin}/api/`, timeoutMs: 300, baseDelayMs: 1 });
    hits.length = 0;
    await expect(fetchOut(`${server.origin}/hang/r1`, { method: 'POST', body: '{}' })).rejects.toMatchObject({
      name: 'TimeoutError',
    });
    expect(hits).toEqual(['/hang/r1']);
  });

  it('reads Retry-After in seconds or as a date', () => {
    expect(retryAfterMs('2')).toBe(2_000);
    expect(retryAfterMs(new Date(10_000).toUTCString(), 4_000)).toBe(6_000);
    expect(retryAfterMs('soon')).toBeUndefined();
    expect(retryAfterMs(null)).toBeUndefined();
  });
});
