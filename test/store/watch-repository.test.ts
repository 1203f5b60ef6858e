/** The watch repository (migration 004) on both engines: list order, ending, and claims that only one caller wins. */
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import {
  type CreateWatchResult,
  MAX_WATCHES_PER_USER,
  type NewWatch,
  type Watch,
} from '../../src/calls/watch-rules.js';
import { createWatchStore } from '../../src/store/watch-repository.js';
import { storeEngines } from '../support/store-engines.js';

const NOW = 1_795_000_000;
const DAY = 86_400;

/** The watch a creation made (the test fails when it was refused). */
function made(result: CreateWatchResult): Watch {
  if (result.kind !== 'created') throw new Error(`watch refused: ${result.kind}`);
  return result.watch;
}

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
    const watches = createWatchStore(store.db, store.engine);
    const first = made(await watches.createWatch(aWatch(), NOW));
    const second = made(
      await watches.createWatch(aWatch({ createdAt: NOW + 1, filter: { ...aWatch().filter, users: ['369'] } }), NOW),
    );
    await watches.createWatch(aWatch({ userId: 'U0OTHER001' }), NOW);
    expect(first).toMatchObject({ userId: 'U0PERSON01', expiresAt: NOW + 7 * DAY, endedAt: null });

    const listed = await watches.listWatches('T0TEST0001', 'U0PERSON01', NOW);
    expect(listed.map((w) => w.id)).toEqual([first.id, second.id]);
    expect(listed[0]?.filter).toEqual(aWatch().filter);
    expect(await watches.activeWatches(NOW)).toHaveLength(3);

    expect(await watches.endWatch(first.id, 'U0OTHER001', NOW)).toBe(false);
    expect(await watches.endWatch(first.id, 'U0PERSON01', NOW)).toBe(true);
    expect(await watches.endWatch(first.id, 'U0PERSON01', NOW)).toBe(false);
    expect((await watches.listWatches('T0TEST0001', 'U0PERSON01', NOW)).map((w) => w.id)).toEqual([second.id]);
  });

  it(`refuses a watch beyond ${MAX_WATCHES_PER_USER} active ones`, async () => {
    const store = await engine.open();
    const watches = createWatchStore(store.db, store.engine);
    for (let i = 0; i < MAX_WATCHES_PER_USER; i++) {
      made(await watches.createWatch(aWatch({ filter: { ...aWatch().filter, users: [`u${i}`] } }), NOW));
    }
    expect(await watches.createWatch(aWatch(), NOW)).toEqual({ kind: 'limit' });
  });

  it(`holds the limit of ${MAX_WATCHES_PER_USER} under 40 concurrent creations from one person, across two processes`, async () => {
    // Two handles on one database where several processes may share it; SQLite's file belongs to one process.
    const location = await engine.location();
    const one = await engine.open({ at: location });
    const two = engine.name === 'sqlite' ? one : await engine.open({ at: location });
    const stores = [createWatchStore(one.db, one.engine), createWatchStore(two.db, two.engine)];
    const results = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        (stores[i % 2] as (typeof stores)[number]).createWatch(
          aWatch({ filter: { ...aWatch().filter, users: [`user${i}`] } }),
          NOW,
        ),
      ),
    );
    expect(results.filter((r) => r.kind === 'created')).toHaveLength(MAX_WATCHES_PER_USER);
    expect(results.filter((r) => r.kind === 'limit')).toHaveLength(40 - MAX_WATCHES_PER_USER);
    expect(await stores[0]?.listWatches('T0TEST0001', 'U0PERSON01', NOW)).toHaveLength(MAX_WATCHES_PER_USER);
  });

  it('refuses a watch identical to a running one (lists in any order), naming its number; others may have it', async () => {
    const store = await engine.open();
    const watches = createWatchStore(store.db, store.engine);
    made(await watches.createWatch(aWatch({ filter: { ...aWatch().filter, users: ['5'] } }), NOW));
    const first = made(await watches.createWatch(aWatch(), NOW));
    const again = await watches.createWatch(
      aWatch({ filter: { users: ['147'], results: ['Offline', 'Interrupt'], callTypes: [], mediaTypes: [] } }),
      NOW,
    );
    expect(again).toEqual({ kind: 'duplicate', existing: first, position: 2 });
    made(await watches.createWatch(aWatch({ userId: 'U0OTHER001' }), NOW));
    made(await watches.createWatch(aWatch({ filter: { ...aWatch().filter, mediaTypes: ['Video'] } }), NOW));
    // Once the first is stopped, the same filter may be watched again.
    await watches.endWatch(first.id, 'U0PERSON01', NOW);
    made(await watches.createWatch(aWatch(), NOW));
  });

  it('claims a delivery once across two stores on the same database, and a released claim can be taken again', async () => {
    const location = await engine.location();
    const [one, two] = [await engine.open({ at: location }), await engine.open({ at: location })];
    const a = createWatchStore(one.db, one.engine);
    const b = createWatchStore(two.db, two.engine);
    const watch = made(await a.createWatch(aWatch(), NOW));
    const id = watch.id;
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
    const a = createWatchStore(one.db, one.engine);
    const b = createWatchStore(two.db, two.engine);
    const watch = made(await a.createWatch(aWatch({ expiresAt: NOW + DAY }), NOW));
    expect(await a.claimExpired(NOW + DAY - 1)).toEqual([]);
    const later = NOW + DAY;
    const [x, y] = await Promise.all([a.claimExpired(later), b.claimExpired(later)]);
    expect([...x, ...y].map((w) => w.id)).toEqual([watch.id]);
    expect(await a.activeWatches(later - 1)).toEqual([]);
    await a.releaseExpired(watch.id);
    expect((await b.claimExpired(later + 60)).map((w) => w.id)).toEqual([watch.id]);
    expect(await b.claimExpired(later + 120)).toEqual([]);
  });

  it('skips a row whose filter does not validate instead of failing everyone', async () => {
    const store = await engine.open();
    const watches = createWatchStore(store.db, store.engine);
    const good = made(await watches.createWatch(aWatch(), NOW));
    const bad = made(await watches.createWatch(aWatch({ userId: 'U0OTHER001' }), NOW));
    await sql`update watches set query = ${'{"users":"not a list"}'} where id = ${bad.id}`.execute(store.db);
    expect((await watches.activeWatches(NOW)).map((w) => w.id)).toEqual([good.id]);
  });
});
