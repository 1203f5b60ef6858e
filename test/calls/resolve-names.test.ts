import { describe, expect, it } from 'vitest';
import { parseQuery } from '../../src/calls/parse-query.js';
import type { CallQuery } from '../../src/calls/query.js';
import { resolveNames } from '../../src/calls/resolve-names.js';
import { pinQuery } from '../../src/calls/time-range.js';
import { type NameDirectory, nameSearchKey } from '../../src/calls/user-names.js';

/** A directory over a fixed list, matching as the store does (contains, on the search key). */
function directory(entries: Record<string, string>): NameDirectory {
  return {
    async namesOf(ids) {
      return new Map([...ids].flatMap((id) => (entries[id] === undefined ? [] : [[id, entries[id] as string]])));
    },
    async findUsersByName(text, limit) {
      const key = nameSearchKey(text);
      return Object.entries(entries)
        .filter(([, name]) => nameSearchKey(name).includes(key))
        .map(([userId, name]) => ({ userId, name }))
        .slice(0, limit);
    },
  };
}

const people = directory({
  '147': 'Alice Wong',
  'alice.w': 'Alice Walker',
  '3423': 'José Núñez',
  '10001': 'Zoë Ångström',
  bob_k: '<!channel> Bob',
});

function parsed(text: string): CallQuery {
  const result = parseQuery(text);
  if (result.kind !== 'query') throw new Error(`not a query: ${text}`);
  return result.query;
}

describe('nameSearchKey', () => {
  it('drops case and accents, including letters NFKD keeps whole', () => {
    expect(nameSearchKey('Zoë  Ångström')).toBe('zoe angstrom');
    expect(nameSearchKey('José Núñez')).toBe('jose nunez');
    expect(nameSearchKey('Søren Łukasz Straße')).toBe('soren lukasz strasse');
    expect(nameSearchKey('李晨')).toBe('李晨');
  });
});

describe('resolveNames', () => {
  it('adds the users whose name contains the text, accents optional, and says who matched', async () => {
    const result = await resolveNames(parsed('name:"jose nu" 369'), people);
    expect(result).toEqual({
      ok: true,
      query: { ...parsed('369'), users: ['369', '3423'] },
      notices: ['name:"jose nu" matched José Núñez (`3423`).'],
      matches: [{ userId: '3423', name: 'José Núñez' }],
    });
    const zoe = await resolveNames(parsed('name:ÅNGSTRÖM'), people);
    expect(zoe.ok && zoe.query.users).toEqual(['10001']);
  });

  it('lists every match of a name', async () => {
    const result = await resolveNames(parsed('name:alice'), people);
    expect(result.ok && result.notices).toEqual([
      'name:"alice" matched Alice Wong (`147`) and Alice Walker (`alice.w`).',
    ]);
  });

  it('says so when nobody matches, and asks to narrow more than 20 matches', async () => {
    const none = await resolveNames(parsed('name:nobody'), people);
    expect(none).toMatchObject({ ok: false });
    expect(!none.ok && none.message).toContain('No user\'s name contains "nobody"');
    const many = directory(Object.fromEntries(Array.from({ length: 25 }, (_, i) => [`u${i}`, `Sam ${i}`])));
    const tooMany = await resolveNames(parsed('name:sam'), many);
    expect(!tooMany.ok && tooMany.message).toContain('More than 20 users');
    const twenty = directory(Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`u${i}`, `Sam ${i}`])));
    const exactly = await resolveNames(parsed('name:sam'), twenty);
    expect(exactly.ok && exactly.query.users).toHaveLength(20);
    const over = await resolveNames(parsed('name:sam 147'), twenty);
    expect(over.ok).toBe(false);
  });

  it('leaves a query without names alone, and a query with names is never pinned unresolved', async () => {
    const plain = parsed('147 today');
    expect(await resolveNames(plain, undefined)).toEqual({ ok: true, query: plain, notices: [], matches: [] });
    expect(pinQuery(parsed('name:alice'), 1_795_233_600, 'UTC')).toHaveProperty('error');
    expect(await resolveNames(parsed('name:alice'), undefined)).toMatchObject({ ok: false });
  });
});
