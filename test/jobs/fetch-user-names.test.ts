import { afterEach, describe, expect, it } from 'vitest';
import { createNameFetcher } from '../../src/jobs/fetch-user-names.js';
import { createUserNames } from '../../src/store/user-names.js';
import type { TencentCallRecordsClient } from '../../src/tencent/client.js';
import { aCall } from '../support/call-records.js';
import { storeEngines } from '../support/store-engines.js';
import { captureLogger, Resources } from '../tencent/helpers.js';

const resources = new Resources();
afterEach(() => resources.closeAll());

/** The real client, with the size of every batch it was asked for recorded. */
function spying(client: TencentCallRecordsClient) {
  const batches: number[] = [];
  return {
    batches,
    getNicknames(accounts: readonly string[], options?: { signal?: AbortSignal }) {
      batches.push(accounts.length);
      return client.getNicknames(accounts, options);
    },
  };
}

describe.each(storeEngines())('$name name fetcher', (engine) => {
  it('fetches the names of every user the store has seen in batches of at most 100, then not again for a day', async () => {
    const store = await engine.open();
    const names = createUserNames(store.db, store.engine);
    const users = Array.from({ length: 250 }, (_, i) => `u${i}`);
    users.push('147', '3423', 'user2');
    await store.upsertCalls(users.map((user, i) => aCall({ caller: user, callees: [users[(i + 1) % users.length]] })));
    const server = await resources.server();
    const profiles = spying(resources.client(server));
    let clock = 1_800_000_000;
    const logger = captureLogger();
    const fetcher = createNameFetcher({ names, profiles, logger, now: () => clock });

    const first = await fetcher.runOnce();
    expect(first).toEqual({ requests: 3, saved: 253, failed: 0 });
    expect(profiles.batches).toEqual([100, 100, 53]);
    expect(server.stats.byCommand.portrait_get).toBe(3);
    const known = await names.namesOf(['147', '3423', 'user2']);
    expect(Object.fromEntries(known)).toEqual({ '147': 'Alice Wong', '3423': 'José Núñez' });

    // Within the day, the cache spares every request; a new user costs one request for that user alone.
    clock += 3600;
    expect(await fetcher.runOnce()).toEqual({ requests: 0, saved: 0, failed: 0 });
    await store.upsertCalls([aCall({ caller: '147', callees: ['newcomer'] })]);
    expect(await fetcher.runOnce()).toEqual({ requests: 1, saved: 1, failed: 0 });
    expect(profiles.batches.at(-1)).toBe(1);
    expect(server.stats.byCommand.portrait_get).toBe(4);

    // A day later, names are fetched again (they may have changed).
    clock += 86_400;
    expect((await fetcher.runOnce()).requests).toBe(3);
    expect(Math.max(...profiles.batches)).toBeLessThanOrEqual(100);
  });
});

describe.each(storeEngines())('$name name fetcher after new calls', (engine) => {
  it("asks the store about the new calls' users alone, not about every user it has seen", async () => {
    const store = await engine.open();
    const repository = createUserNames(store.db, store.engine);
    let fullScans = 0;
    const names = {
      ...repository,
      usersNeedingNames: (staleBefore: number, limit: number) => {
        fullScans++;
        return repository.usersNeedingNames(staleBefore, limit);
      },
    };
    const users = Array.from({ length: 120 }, (_, i) => `u${i}`);
    await store.upsertCalls(users.map((user) => aCall({ caller: user, callees: ['147'] })));
    const server = await resources.server();
    const profiles = spying(resources.client(server));
    const clock = 1_800_000_000;
    const fetcher = createNameFetcher({ names, profiles, logger: captureLogger(), now: () => clock });
    expect((await fetcher.runOnce()).saved).toBe(121);
    expect(fullScans).toBe(1);

    await store.upsertCalls([aCall({ caller: '147', callees: ['newcomer', 'u3'] })]);
    expect(await fetcher.runFor(['147', 'newcomer', 'u3', 'newcomer'])).toEqual({ requests: 1, saved: 1, failed: 0 });
    expect(profiles.batches.at(-1)).toBe(1); // newcomer alone: 147 and u3 are fresh
    expect(fullScans).toBe(1);
    expect(await fetcher.runFor(['newcomer'])).toEqual({ requests: 0, saved: 0, failed: 0 });
  });
});

describe('name fetcher failures', () => {
  it('logs a failing profile API, keeps what it has, and asks again after a while', async () => {
    const store = await storeEngines()[0]?.open();
    if (store === undefined) throw new Error('no store engine');
    const names = createUserNames(store.db, store.engine);
    await store.upsertCalls([aCall({ caller: '147', callees: ['369'] })]);
    const server = await resources.server({ faults: { profileErrorRate: 1 } });
    const client = resources.client(server, { retry: { maxAttempts: 1 } });
    let clock = 1_800_000_000;
    const logger = captureLogger();
    const fetcher = createNameFetcher({ names, profiles: client, logger, now: () => clock, retryAfterSeconds: 600 });

    expect(await fetcher.runOnce()).toEqual({ requests: 1, saved: 0, failed: 2 });
    expect(logger.lines.some((line) => line.level === 'warn' && /display names/.test(line.msg ?? ''))).toBe(true);
    expect((await names.namesOf(['147', '369'])).size).toBe(0);

    clock += 60;
    expect(await fetcher.runOnce()).toEqual({ requests: 0, saved: 0, failed: 0 });

    server.setFaults({});
    clock += 600;
    expect(await fetcher.runOnce()).toEqual({ requests: 1, saved: 2, failed: 0 });
    expect(Object.fromEntries(await names.namesOf(['147', '369']))).toEqual({
      '147': 'Alice Wong',
      '369': 'Ben Carter',
    });
  });

  it('does nothing while another process holds the lease', async () => {
    const store = await storeEngines()[0]?.open();
    if (store === undefined) throw new Error('no store engine');
    await store.upsertCalls([aCall({ caller: '147', callees: ['369'] })]);
    const server = await resources.server();
    const fetcher = createNameFetcher({
      names: createUserNames(store.db, store.engine),
      profiles: resources.client(server),
      logger: captureLogger(),
      acquireLease: async () => false,
    });
    expect(await fetcher.runOnce()).toMatchObject({ requests: 0, skipped: true });
    expect(server.stats.requests).toBe(0);
  });
});

describe('name fetcher runs', () => {
  it('asked during a pass, makes one more pass after it, for users stored meanwhile', async () => {
    const store = await storeEngines()[0]?.open();
    if (store === undefined) throw new Error('no store engine');
    const names = createUserNames(store.db, store.engine);
    await store.upsertCalls([aCall({ caller: '147', callees: ['369'] })]);
    const server = await resources.server();
    const fetcher = createNameFetcher({ names, profiles: resources.client(server), logger: captureLogger() });
    const first = fetcher.runOnce();
    await store.upsertCalls([aCall({ caller: '3423', callees: ['10001'] })]);
    const [a, b, c] = await Promise.all([first, fetcher.runOnce(), fetcher.runOnce()]);
    expect(a.saved + b.saved).toBe(4);
    expect(c).toEqual(b);
    expect(Object.fromEntries(await names.namesOf(['3423', '10001']))).toEqual({
      '3423': 'José Núñez',
      '10001': 'Zoë Ångström',
    });
  });
});
