/** The watch repository (migration 004) on both engines: list order, ending, and claims that only one caller wins. */
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { MAX_WATCHES_PER_USER, type NewWatch } from '../../src/calls/watch-rules.js';
import { createWatchStore } from '../../src/store/watch-repository.js';
import { storeEngines } from '../support/store-engines.js';

const NOW = 1_795_000_000;
const DAY = 86_400;

const aWatch = (overrides: Partial<NewWatch> = {}): NewWatch => ({
  teamId: 'T0TEST0001',
  userId: 'U0PERSON01',
  channelId: 'C0SUPPORT1',
  filter: { users: ['147'], results: ['Interrupt', 'Offline'], callTypes: [], mediaTypes: [] },
  createdAt: NOW,
  expiresAt: NOW + 7 * DAY,
  ...overrides,
});

describe.each(storeEngines())('$name: watches', (engine) => {
  it('creates, lists oldest first (per person), and ends only the owner’s watch', async () => {
    const store = await engine.open();
    const watches = createWatchStore(store.db);
    const first = await watches.createWatch(aWatch(), NOW);
    const second = await watches.createWatch(
      aWatch({ createdAt: NOW + 1, filter: { ...aWatch().filter, users: ['369'] } }),
      NOW,
    );
    await watches.createWatch(aWatch({ userId: 'U0OTHER001' }), NOW);
    expect(first).toMatchObject({ userId: 'U0PERSON01', expiresAt: NOW + 7 * DAY, endedAt: null });

    const listed = await watches.listWatches('T0TEST0001', 'U0PERSON01', NOW);
    expect(listed.map((w) => w.id)).toEqual([first?.id, second?.id]);
    expect(listed[0]?.filter).toEqual(aWatch().filter);
    expect(await watches.activeWatches(NOW)).toHaveLength(3);

    expect(await watches.endWatch(first?.id as string, 'U0OTHER001', NOW)).toBe(false);
    expect(await watches.endWatch(first?.id as string, 'U0PERSON01', NOW)).toBe(true);
    expect(await watches.endWatch(first?.id as string, 'U0PERSON01', NOW)).toBe(false);
    expect((await watches.listWatches('T0TEST0001', 'U0PERSON01', NOW)).map((w) => w.id)).toEqual([second?.id]);
  });

  it(`refuses a watch beyond ${MAX_WATCHES_PER_USER} active ones`, async () => {
    const store = await engine.open();
    const watches = createWatchStore(store.db);
    for (let i = 0; i < MAX_WATCHES_PER_USER; i++) expect(await watches.createWatch(aWatch(), NOW)).not.toBeNull();
    expect(await watches.createWatch(aWatch(), NOW)).toBeNull();
  });

  it('claims a delivery once across two stores on the same database, and a released claim can be taken again', async () => {
    const location = await engine.location();
    const [one, two] = [await engine.open({ at: location }), await engine.open({ at: location })];
    const a = createWatchStore(one.db);
    const b = createWatchStore(two.db);
    const watch = await a.createWatch(aWatch(), NOW);
    const id = watch?.id as string;
    const claims = await Promise.all([
      a.claimDelivery(id, 'call-1', NOW),
      b.claimDelivery(id, 'call-1', NOW),
      a.claimDelivery(id, 'call-1', NOW),
      b.claimDelivery(id, 'call-1', NOW),
    ]);
    expect(claims.filter(Boolean)).toHaveLength(1);
    expect(await a.claimDelivery(id, 'call-2', NOW)).toBe(true);
    await b.releaseDelivery(id, 'call-1');
    expect(await b.claimDelivery(id, 'call-1', NOW)).toBe(true);
  });

  it('ends an expired watch for exactly one claimer, and gives it back when its DM failed', async () => {
    const location = await engine.location();
    const [one, two] = [await engine.open({ at: location }), await engine.open({ at: location })];
    const a = createWatchStore(one.db);
    const b = createWatchStore(two.db);
    const watch = await a.createWatch(aWatch({ expiresAt: NOW + DAY }), NOW);
    expect(await a.claimExpired(NOW + DAY - 1)).toEqual([]);
    const later = NOW + DAY;
    const [x, y] = await Promise.all([a.claimExpired(later), b.claimExpired(later)]);
    expect([...x, ...y].map((w) => w.id)).toEqual([watch?.id]);
    expect(await a.activeWatches(later - 1)).toEqual([]);
    await a.releaseExpired(watch?.id as string);
    expect((await b.claimExpired(later + 60)).map((w) => w.id)).toEqual([watch?.id]);
    expect(await b.claimExpired(later + 120)).toEqual([]);
  });

  it('skips a row whose filter does not validate instead of failing everyone', async () => {
    const store = await engine.open();
    const watches = createWatchStore(store.db);
    const good = await watches.createWatch(aWatch(), NOW);
    const bad = await watches.createWatch(aWatch({ userId: 'U0OTHER001' }), NOW);
    await sql`update watches set query = ${'{"users":"not a list"}'} where id = ${bad?.id}`.execute(store.db);
    expect((await watches.activeWatches(NOW)).map((w) => w.id)).toEqual([good?.id]);
  });
});
