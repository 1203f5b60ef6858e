import { describe, expect, it } from 'vitest';
import { callIdOfLink, callIdOfPath, callLink } from '../../src/calls/call-links.js';
import { findMentions, MAX_ID_LOOKUPS, plainMessageText } from '../../src/calls/call-mentions.js';
import { type NameDirectory, nameSearchKey } from '../../src/calls/user-names.js';

const PEOPLE = new Map([
  ['147', 'Alice Wong'],
  ['148', 'Alice Chen'],
  ['369', 'Zoë Ångström'],
]);

/** Counts what the store is asked, and knows only PEOPLE. */
function ports() {
  const asked = { ids: 0, names: 0 };
  const names: NameDirectory = {
    namesOf: async (ids) => new Map([...ids].flatMap((id) => (PEOPLE.has(id) ? [[id, PEOPLE.get(id) as string]] : []))),
    findUsersByName: async (text, limit) => {
      asked.names += 1;
      return [...PEOPLE]
        .filter(([, name]) => nameSearchKey(name).includes(nameSearchKey(text)))
        .slice(0, limit)
        .map(([userId, name]) => ({ userId, name }));
    },
  };
  return {
    asked,
    ports: {
      knownUsers: async (ids: readonly string[]) => {
        asked.ids += ids.length;
        return ids.filter((id) => PEOPLE.has(id));
      },
      names,
    },
  };
}

describe('findMentions', () => {
  it('finds user IDs and names the store knows, and CallIds by shape', async () => {
    const { ports: p } = ports();
    const text =
      'Customer 147 (user:369) says call 04c9a0ac-8e38-4a19-be45-349c5ce7911b dropped; alice chen saw it too. <@U0PERSON01>';
    const found = await findMentions(text, p);
    expect(found.callIds).toEqual(['04c9a0ac-8e38-4a19-be45-349c5ce7911b']);
    expect(found.users).toEqual([{ userId: '147' }, { userId: '369' }, { userId: '148', name: 'Alice Chen' }]);
  });

  it('keeps a name only when the whole name is in the message (accents optional)', async () => {
    const { ports: p } = ports();
    expect((await findMentions('alice called zoe angstrom', p)).users).toEqual([
      { userId: '369', name: 'Zoë Ångström' },
    ]);
  });

  it('reads a call link in a message as its CallId', async () => {
    const { ports: p } = ports();
    const link = callLink('https://c.example.com', '04c9a0ac-8e38-4a19-be45-349c5ce7911b');
    expect((await findMentions(`see <${link}|this call>`, p)).callIds).toEqual([
      '04c9a0ac-8e38-4a19-be45-349c5ce7911b',
    ]);
  });

  it('asks the store a bounded number of times, however long the message', async () => {
    const { ports: p, asked } = ports();
    const words = Array.from({ length: 2_000 }, (_, i) => `word${i}`).join(' ');
    await findMentions(words, p);
    expect(asked.ids).toBeLessThanOrEqual(MAX_ID_LOOKUPS);
    expect(asked.names).toBeLessThanOrEqual(20);
  });

  it('reads Slack markup as a person does', () => {
    expect(plainMessageText('a &lt;b&gt; <@U1> <https://x.io/y|label> &amp;')).toBe('a <b>    https://x.io/y label  &');
  });
});

describe('call links', () => {
  it('round-trip a CallId, and refuse other paths and hosts', () => {
    const link = callLink('https://c.example.com', 'a b/c');
    expect(link).toBe('https://c.example.com/calls/a%20b%2Fc');
    expect(callIdOfLink('https://c.example.com', link)).toBe('a b/c');
    expect(callIdOfLink('https://c.example.com', 'https://other.example.com/calls/x')).toBeUndefined();
    expect(callIdOfLink('https://c.example.com', 'https://c.example.com/healthz')).toBeUndefined();
    expect(callIdOfPath('/calls/')).toBeUndefined();
    expect(callIdOfPath('/calls/a/b')).toBeUndefined();
    expect(callIdOfPath('/calls/%E0%A4%A')).toBeUndefined();
  });
});
