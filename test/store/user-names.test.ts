import { describe, expect, it } from 'vitest';
import { createUserNames } from '../../src/store/user-names.js';
import { aCall } from '../support/call-records.js';
import { storeEngines } from '../support/store-engines.js';

describe.each(storeEngines())('$name user names', (engine) => {
  async function open() {
    const store = await engine.open();
    return { store, names: createUserNames(store.db, store.engine) };
  }

  it('keeps names, replaces them on a later fetch, and gives back only the names it knows', async () => {
    const { names } = await open();
    await names.saveNames(
      [
        { userId: '147', name: 'Alice Wong' },
        { userId: 'user2', name: null },
        { userId: 'bob_k', name: '<!channel> Bob' },
      ],
      1000,
    );
    await names.saveNames([{ userId: '147', name: 'Alice W.' }], 2000);
    const found = await names.namesOf(['147', 'user2', 'bob_k', 'nobody', '147']);
    expect(Object.fromEntries(found)).toEqual({ '147': 'Alice W.', bob_k: '<!channel> Bob' });
    expect((await names.namesOf([])).size).toBe(0);
    const many = Array.from({ length: 1200 }, (_, i) => `u${i}`);
    await names.saveNames(
      many.map((userId) => ({ userId, name: `Name ${userId}` })),
      1000,
    );
    expect((await names.namesOf(many)).size).toBe(1200);
  });

  it('finds users by any part of their name, in any case, with or without accents', async () => {
    const { names } = await open();
    await names.saveNames(
      [
        { userId: '147', name: 'Alice Wong' },
        { userId: 'alice.w', name: 'Alice Walker' },
        { userId: '3423', name: 'José Núñez' },
        { userId: '10001', name: 'Zoë Ångström' },
        { userId: 'pct', name: '100% Real_Name' },
        { userId: 'gone', name: null },
      ],
      1000,
    );
    const ids = async (text: string, limit = 21) => (await names.findUsersByName(text, limit)).map((m) => m.userId);
    expect(await ids('alice')).toEqual(['alice.w', '147']);
    expect(await ids('ALICE W')).toEqual(['alice.w', '147']);
    expect(await ids('alice wo')).toEqual(['147']);
    expect(await ids('nunez')).toEqual(['3423']);
    expect(await ids('Núñ')).toEqual(['3423']);
    expect(await ids('angstrom')).toEqual(['10001']);
    expect(await ids('zoe')).toEqual(['10001']);
    // LIKE wildcards are ordinary characters here.
    expect(await ids('%')).toEqual(['pct']);
    expect(await ids('_')).toEqual(['pct']);
    expect(await ids('nobody')).toEqual([]);
    expect(await ids('   ')).toEqual([]);
    expect(await ids('alice', 1)).toHaveLength(1);
    expect(await names.findUsersByName('josé', 5)).toEqual([{ userId: '3423', name: 'José Núñez' }]);
  });

  it('lists the users of stored calls whose name is missing or stale, never fetched first', async () => {
    const { store, names } = await open();
    await store.upsertCalls([
      aCall({ caller: 'alice', callees: ['bob', 'carol'] }),
      aCall({ caller: 'dave', callees: ['alice'] }),
    ]);
    expect(await names.usersNeedingNames(5000, 10)).toEqual(['alice', 'bob', 'carol', 'dave']);
    await names.saveNames(
      [
        { userId: 'alice', name: 'Alice' },
        { userId: 'bob', name: null },
        { userId: 'carol', name: 'Carol' },
      ],
      1000,
    );
    await names.saveNames([{ userId: 'bob', name: null }], 3000);
    // carol and alice were fetched at 1000 (stale before 2000); bob at 3000 is fresh; dave never.
    expect(await names.usersNeedingNames(2000, 10)).toEqual(['dave', 'alice', 'carol']);
    expect(await names.usersNeedingNames(2000, 1)).toEqual(['dave']);
    expect(await names.usersNeedingNames(500, 10)).toEqual(['dave']);
  });
});
