import { afterEach, describe, expect, it } from 'vitest';
import { TencentError } from '../../src/calls/source-errors.js';
import { demoNickname, portraitGet } from '../../src/demo/profiles.js';
import {
  cleanNickname,
  MAX_NAME_LENGTH,
  MAX_PORTRAIT_ACCOUNTS,
  portraitResponseSchema,
  readPortraitAnswer,
} from '../../src/tencent/profile-names.js';
import { Resources } from './helpers.js';

const resources = new Resources();
afterEach(() => resources.closeAll());

describe('getNicknames (v4/profile/portrait_get) over HTTP', () => {
  it('gives the demo names, accents and all, and no name for an account without a profile', async () => {
    const server = await resources.server();
    const client = resources.client(server);
    const result = await client.getNicknames(['147', '3423', '10001', 'bob_k', 'user2', '147']);
    expect(Object.fromEntries(result.names)).toEqual({
      '147': 'Alice Wong',
      '3423': 'José Núñez',
      '10001': 'Zoë Ångström',
      bob_k: '<!channel> Bob',
      user2: null,
    });
    expect(result.failed).toEqual([]);
    // One request, on the profile service's own path, signed like the others (the server checked the UserSig).
    expect(server.stats.byCommand).toEqual({ portrait_get: 1 });
    expect(client.stats.requests).toBe(1);
  });

  it('reads a request where no account exists (40003 for the whole request) as no names', async () => {
    const server = await resources.server();
    const client = resources.client(server);
    const result = await client.getNicknames(['user2', '2048']);
    expect(Object.fromEntries(result.names)).toEqual({ user2: null, '2048': null });
    expect(result.failed).toEqual([]);
  });

  it('asks nothing for no accounts, and refuses more than 100 at once', async () => {
    const server = await resources.server();
    const client = resources.client(server);
    expect((await client.getNicknames([])).names.size).toBe(0);
    const many = Array.from({ length: MAX_PORTRAIT_ACCOUNTS + 1 }, (_, i) => `u${i}`);
    await expect(client.getNicknames(many)).rejects.toThrow(RangeError);
    expect(server.stats.requests).toBe(0);
    const hundred = await client.getNicknames(many.slice(0, MAX_PORTRAIT_ACCOUNTS));
    expect(hundred.names.size).toBe(MAX_PORTRAIT_ACCOUNTS);
  });

  it('fails as a typed error when the profile service keeps failing, after retries', async () => {
    const server = await resources.server({ faults: { profileErrorRate: 1 } });
    const client = resources.client(server);
    const error = await client.getNicknames(['147']).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TencentError);
    expect((error as TencentError).kind).toBe('transient');
    expect(server.stats.byCommand.portrait_get).toBe(3);
  });

  it('is refused with a key of another app, like every other request', async () => {
    const server = await resources.server();
    const client = resources.client(server, { secretKey: 'not-the-demo-key-at-all-0123456789' });
    const error = await client.getNicknames(['147']).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TencentError);
    expect((error as TencentError).kind).toBe('auth');
  });

  it('uses the nickname source the demo server is given', async () => {
    const server = await resources.server({ nicknames: (id) => (id === 'gone' ? null : `Name of ${id}`) });
    const client = resources.client(server);
    const result = await client.getNicknames(['a', 'gone']);
    expect(Object.fromEntries(result.names)).toEqual({ a: 'Name of a', gone: null });
  });
});

describe('nicknames', () => {
  it('of accounts Tencent left out or could not answer are failed, to be asked again later', () => {
    const answer = portraitResponseSchema.parse({
      UserProfileItem: [
        { To_Account: 'a', ProfileItem: [{ Tag: 'Tag_Profile_IM_Nick', Value: 'Ann' }], ResultCode: 0 },
        { To_Account: 'b', ResultCode: 40003 },
        { To_Account: 'c', ResultCode: 40006 },
        { To_Account: 'not-asked', ProfileItem: [{ Tag: 'Tag_Profile_IM_Nick', Value: 'X' }] },
        { To_Account: 7, ProfileItem: [], ResultCode: '0' },
      ],
    });
    const result = readPortraitAnswer(['a', 'b', 'c', 'd', '7'], answer);
    expect(Object.fromEntries(result.names)).toEqual({ a: 'Ann', b: null, '7': null });
    expect(result.failed).toEqual(['c', 'd']);
  });

  it('are trimmed, cut to a label length, and empty ones are no name', () => {
    expect(cleanNickname('  Alice  ')).toBe('Alice');
    expect(cleanNickname('')).toBeNull();
    expect(cleanNickname(42)).toBeNull();
    expect(Array.from(cleanNickname('é'.repeat(500)) ?? '')).toHaveLength(MAX_NAME_LENGTH);
  });

  it('of the demo are stable, and some demo users have none', () => {
    expect(demoNickname('u1234')).toBe(demoNickname('u1234'));
    const generated = Array.from({ length: 200 }, (_, i) => demoNickname(`u${i}`));
    expect(generated.filter((n) => n === null).length).toBeGreaterThan(0);
    expect(generated.filter((n) => n !== null).length).toBeGreaterThan(150);
  });
});

describe('the demo server’s portrait_get', () => {
  it('refuses a request without accounts or with more than 100', () => {
    const nick = () => 'N';
    expect(portraitGet({ To_Account: [], TagList: [] }, nick)).toMatchObject({ ok: false, code: 40001 });
    const many = Array.from({ length: 101 }, (_, i) => `u${i}`);
    expect(portraitGet({ To_Account: many, TagList: [] }, nick)).toMatchObject({ ok: false, code: 40001 });
    expect(portraitGet({ To_Account: ['a'], TagList: 'x' }, nick)).toMatchObject({ ok: false, code: 40001 });
  });
});
