import { afterEach, describe, expect, it } from 'vitest';
import { type DemoServer, startDemoServer } from '../../src/demo/server.js';
import { TencentCallRecordsClient } from '../../src/tencent/client.js';
import { wireCall } from '../sync/sync-fixture.js';

const NOW = 1_790_000_000;
const DAY = 86_400;

describe('demo server: retention and records that arrive late', () => {
  let server: DemoServer | undefined;
  let client: TencentCallRecordsClient | undefined;
  afterEach(async () => {
    await client?.close();
    await server?.close();
  });

  async function start(options: { retentionSeconds?: number }) {
    server = await startDemoServer({
      records: [wireCall('old', NOW - 3 * DAY, NOW - 3 * DAY + 60), wireCall('recent', NOW - 3600, NOW - 3500)],
      now: () => NOW,
      ...options,
    });
    client = new TencentCallRecordsClient({
      sdkAppId: server.sdkAppId,
      secretKey: server.secretKey,
      adminUser: server.adminUser,
      baseUrl: server.url,
    });
    return { server, client };
  }

  it('forgets records older than a shorter retention, in counts, lists and CallId lookups', async () => {
    const { client } = await start({ retentionSeconds: 2 * DAY });
    expect(await client.countRecords({ startTime: NOW - 7 * DAY, endTime: NOW })).toBe(1);
    expect(await client.getRecordByCallId('old')).toBeNull();
    expect(await client.getRecordByCallId('recent')).not.toBeNull();
  });

  it('keeps 7 days by default', async () => {
    const { client } = await start({});
    expect(await client.countRecords({ startTime: NOW - 7 * DAY, endTime: NOW })).toBe(2);
  });

  it('lists a record added later at its (old) start time, and replaces one with the same CallId', async () => {
    const { server, client } = await start({});
    server.addRecords([wireCall('late', NOW - 5 * 3600, NOW - 10), wireCall('recent', NOW - 3600, NOW - 3000)]);
    const listed = [];
    for await (const record of client.scan({ startTime: NOW - 6 * 3600, endTime: NOW })) listed.push(record);
    expect(listed.map((record) => [record.callId, record.endTime])).toEqual([
      ['late', NOW - 10],
      ['recent', NOW - 3000],
    ]);
    expect(server.records).toHaveLength(3);
  });
});
