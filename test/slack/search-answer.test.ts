import { RespondError, type RespondFn, type webApi } from '@slack/bolt';
import { describe, expect, it, vi } from 'vitest';
import { StoreUnavailableError } from '../../src/calls/call-store.js';
import { SearchError } from '../../src/calls/search-errors.js';
import type { SearchPage } from '../../src/calls/search-page.js';
import { TencentError } from '../../src/calls/source-errors.js';
import { deliver } from '../../src/slack/listeners/deliver.js';
import { answerQuery } from '../../src/slack/search-answer.js';
import type { SlackServices } from '../../src/slack/services.js';
import { captureLogs } from '../support/logs.js';
import { textOf } from '../support/test-app.js';

function services(search: Partial<SlackServices['search']>, logs = captureLogs()): SlackServices {
  return {
    search: {
      searchCalls: vi.fn(async () => {
        throw new Error('not expected');
      }),
      getCall: vi.fn(async () => null),
      ...search,
    } as SlackServices['search'],
    demo: false,
    timeZones: { get: async () => 'UTC' },
    identity: { teamId: 'T1', botUserId: 'UBOT', botId: 'BBOT', botName: 'callkit' },
    access: { teamId: 'T1', users: [], channels: [] },
    defaultTimeZone: 'UTC',
    logger: logs.logger,
    now: () => 1_795_000_000,
    retentionDays: 90,
  };
}

const who = { userId: 'U1', teamId: 'T1', channelId: 'C1' };

describe('answerQuery', () => {
  it('maps each failure to one sentence and writes one audit line', async () => {
    const cases: Array<[unknown, RegExp, string]> = [
      [
        new TencentError('rate-limit', 'too many requests'),
        /busy or slow right now; try again in a minute/,
        'tencent-busy',
      ],
      [new TencentError('deadline', 'took too long'), /busy or slow/, 'tencent-busy'],
      [
        new TencentError('auth', 'UserSig expired at https://console.tim.qq.com/v4/x?usersig=abc&sdkappid=1.'),
        /cannot sign in to Tencent: signature expired at the Tencent API\. Ask whoever runs/,
        'tencent-auth',
      ],
      [
        new SearchError('out-of-range', 'Stored history starts Nov 1, 00:00 (UTC): the range is older.'),
        /Stored history starts Nov 1/,
        'search-out-of-range',
      ],
      [
        new StoreUnavailableError('SQLITE_BUSY: database is locked'),
        /^The call-record store is unavailable right now/,
        'store-unavailable',
      ],
      [
        new TypeError('x is undefined\n    at secret.ts:1:1'),
        /Something went wrong; it has been logged as `[0-9a-f]{8}`/,
        'error',
      ],
    ];
    for (const [error, sentence, outcome] of cases) {
      const logs = captureLogs();
      const message = await answerQuery(
        services({ searchCalls: async () => Promise.reject(error) as Promise<SearchPage> }, logs),
        'last:1d',
        who,
      );
      expect(textOf(message)).toMatch(sentence);
      expect(textOf(message)).not.toMatch(/usersig|secret\.ts|https?:/i);
      const audits = logs.audits();
      expect(audits).toHaveLength(1);
      expect(audits[0]).toMatchObject({ outcome, user: 'U1', channel: 'C1', text: 'last:1d' });
      if (outcome === 'error') expect(textOf(message)).toContain(String(audits[0]?.ref));
    }
  });

  it('answers help, bad input and overlong input without searching', async () => {
    const search = vi.fn();
    const s = services({ searchCalls: search });
    expect(textOf(await answerQuery(s, '', who))).toContain('/calls');
    expect(textOf(await answerQuery(s, 'media:hologram', who))).toContain('hologram');
    expect(textOf(await answerQuery(s, 'y'.repeat(50_000), who))).toMatch(/50000 characters/);
    expect(search).not.toHaveBeenCalled();
  });
});

describe('deliver', () => {
  const message = { text: 'hello' };

  function client() {
    const postEphemeral = vi.fn(async () => ({ ok: true }));
    return { client: { chat: { postEphemeral } } as unknown as webApi.WebClient, postEphemeral };
  }

  it('sends ephemeral through the response_url, replacing only when asked', async () => {
    const respond = vi.fn(async () => new Response('ok')) as unknown as RespondFn;
    const { client: c } = client();
    await deliver({ respond, client: c, logger: captureLogs().logger, demo: false }, who, message, {
      replaceOriginal: true,
    });
    expect(respond).toHaveBeenCalledWith({ response_type: 'ephemeral', replace_original: true, text: 'hello' });
  });

  it('on an expired response_url, tells the person with chat.postEphemeral', async () => {
    const respond = vi.fn(async () => {
      throw new RespondError('Failed to respond to the response_url: 404 Not Found', 404);
    }) as unknown as RespondFn;
    const { client: c, postEphemeral } = client();
    const logs = captureLogs();
    expect(await deliver({ respond, client: c, logger: logs.logger, demo: false }, who, message)).toBe(false);
    expect(postEphemeral).toHaveBeenCalledWith(
      expect.objectContaining({ channel: 'C1', user: 'U1', text: expect.stringMatching(/run the search again/i) }),
    );
    expect(logs.text()).toContain('response_url expired or used up');
  });

  it('says the note is from demo data in demo mode, like every other message', async () => {
    const respond = vi.fn(async () => {
      throw new RespondError('Failed to respond to the response_url: 404 Not Found', 404);
    }) as unknown as RespondFn;
    const { client: c, postEphemeral } = client();
    await deliver({ respond, client: c, logger: captureLogs().logger, demo: true }, who, message);
    const sent = (postEphemeral.mock.calls[0] as unknown[] | undefined)?.[0] as { text: string; blocks: unknown[] };
    expect(sent.text).toMatch(/run the search again.*· demo data$/i);
    expect(textOf(sent.blocks)).toContain('*Demo data*');
  });

  it('never throws, even when the fallback fails too', async () => {
    const respond = vi.fn(async () => {
      throw new RespondError('gone', 410);
    }) as unknown as RespondFn;
    const postEphemeral = vi.fn(async () => {
      throw new Error('channel_not_found');
    });
    const c = { chat: { postEphemeral } } as unknown as webApi.WebClient;
    await expect(
      deliver({ respond, client: c, logger: captureLogs().logger, demo: false }, who, message),
    ).resolves.toBe(false);
    const failing = vi.fn(async () => {
      throw new Error('socket hang up');
    }) as unknown as RespondFn;
    await expect(
      deliver({ respond: failing, client: c, logger: captureLogs().logger, demo: false }, who, message),
    ).resolves.toBe(false);
  });
});
