import { Api } from 'tls-sig-api-v2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DemoServer, startDemoServer } from '../../src/demo/server.js';
import { filter, post, queryFor, userSigFor } from './helpers.js';

let server: DemoServer;
beforeAll(async () => {
  server = await startDemoServer();
});
afterAll(async () => {
  await server.close();
});

describe('demo server: authentication and request shape', () => {
  it('accepts a UserSig made by tls-sig-api-v2', async () => {
    const answer = await filter(server, {});
    expect(answer.status).toBe(200);
    expect(answer.json).toMatchObject({ ActionStatus: 'OK', ErrorCode: 0, ErrorInfo: '' });
    expect(answer.json.RequestId).toMatch(/^Id-[0-9a-f]+-O-Seq-\d+$/);
    expect(answer.json.Response.CallRecordList).toHaveLength(10);
  });

  it.each([
    ['a key of another app', { key: 'not-the-demo-key' }, 70009],
    ['another SDKAppID in the UserSig', { sdkAppId: 1400000002 }, 70014],
    ['another user in the UserSig', { user: 'someone-else' }, 70013],
    ['an expired UserSig', { expire: -10 }, 70001],
  ])('refuses %s', async (_label, sigOptions, code) => {
    const answer = await filter(server, {}, queryFor(server, { usersig: userSigFor(server, sigOptions) }));
    expect(answer.status).toBe(200);
    expect(answer.json).toMatchObject({ ActionStatus: 'FAIL', ErrorCode: code });
    expect(answer.json.Response).toBeUndefined();
  });

  it('refuses an expired UserSig by the server clock, too', async () => {
    const later = await startDemoServer({ records: [], now: () => Math.floor(Date.now() / 1000) + 3600 });
    try {
      const answer = await filter(later, {}, queryFor(later, { usersig: userSigFor(later, { expire: 600 }) }));
      expect(answer.json.ErrorCode).toBe(70001);
    } finally {
      await later.close();
    }
  });

  it('answers 60010 for a correctly signed user who is not the administrator', async () => {
    const query = queryFor(server, { identifier: 'alice.w', usersig: userSigFor(server, { user: 'alice.w' }) });
    expect((await filter(server, {}, query)).json.ErrorCode).toBe(60010);
  });

  it.each([
    ['garbage', 'not-a-usersig', 70003],
    ['bad characters', 'abc+/=', 70003],
    ['not zlib', Buffer.from('hello').toString('base64').replaceAll('=', '_'), 70003],
    ['empty', '', 70002],
  ])('refuses a UserSig that is %s', async (_label, usersig, code) => {
    expect((await filter(server, {}, queryFor(server, { usersig }))).json.ErrorCode).toBe(code);
  });

  it.each([
    ['no sdkappid', { sdkappid: null }, 60012],
    ['an unknown sdkappid', { sdkappid: '1400000002' }, 60006],
    ['a non-numeric sdkappid', { sdkappid: 'abc' }, 60006],
    ['no identifier', { identifier: null }, 60004],
    ['no usersig', { usersig: null }, 60004],
    ['no random', { random: null }, 60002],
    ['a negative random', { random: '-1' }, 60002],
    ['a random above uint32', { random: '4294967296' }, 60002],
    ['a non-numeric random', { random: '12ab' }, 60002],
    ['no contenttype', { contenttype: null }, 60002],
    ['contenttype other than json', { contenttype: 'xml' }, 60002],
  ])('refuses a query with %s', async (_label, overrides, code) => {
    const answer = await filter(server, {}, queryFor(server, overrides));
    expect(answer.status).toBe(200);
    expect(answer.json.ErrorCode).toBe(code);
  });

  it('accepts the bounds of random', async () => {
    for (const random of ['0', '4294967295']) {
      expect((await filter(server, {}, queryFor(server, { random }))).json.ErrorCode).toBe(0);
    }
  });

  it('answers 60003 for an empty, invalid or non-object body', async () => {
    for (const raw of ['', '   ', '{', 'null', '[]', '42']) {
      const answer = await post(server, 'get_record_by_filter', undefined, { raw });
      expect(answer.json, raw).toMatchObject({ ActionStatus: 'FAIL', ErrorCode: 60003 });
    }
  });

  it('answers 60002 to anything but POST and 60009 to an unknown command', async () => {
    expect((await post(server, 'get_record_by_filter', undefined, { method: 'GET' })).json.ErrorCode).toBe(60002);
    expect((await post(server, 'get_records_by_filter', {})).json.ErrorCode).toBe(60009);
    expect((await post(server, 'get_record_by_callId', {})).json.ErrorCode).toBe(60009);
  });

  it('answers 60003 to a body over the size cap', async () => {
    const raw = JSON.stringify({ pad: 'x'.repeat(100_000) });
    expect((await post(server, 'get_record_by_filter', undefined, { raw })).json.ErrorCode).toBe(60003);
  });

  it('verifies a UserSig that carries a userbuf line', async () => {
    const sig = new Api(server.sdkAppId, server.secretKey).genSig(server.adminUser, 600, Buffer.from('buf'));
    expect((await filter(server, {}, queryFor(server, { usersig: sig }))).json.ErrorCode).toBe(0);
  });
});
